using Seawall.Core.Model;

namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>Container runtimes besides Docker and containerd (podman, crun, CRI-O, gVisor, Kata): listed so the report says what else can start containers here.</summary>
internal static class OtherRuntimes
{
    public static readonly CheckInfo Check = new("host-runtime-other-runtimes", "Other container runtimes on this host", Severity.Low)
    {
        Description = "Each runtime is another way to start containers and another component to patch; the Docker checks do not cover them.",
        Remediation = "Remove the runtimes this host does not use (apt-get purge podman crun ...) and keep the others patched.",
        References = ["NIST-800-190-4.4.1", "NIST-800-190-4.5.1"],
    };

    private sealed record Runtime(string Name, string[] Packages, string[] Binaries, string[] Processes);

    private static readonly Runtime[] Known =
    [
        new("podman", ["podman"], ["usr/bin/podman", "usr/local/bin/podman"], []),
        new("crun", ["crun"], ["usr/bin/crun", "usr/local/bin/crun"], []),
        new("CRI-O", ["cri-o", "crio"], ["usr/bin/crio", "usr/local/bin/crio"], ["crio"]),
        new("gVisor (runsc)", ["runsc"], ["usr/bin/runsc", "usr/local/bin/runsc"], []),
        new("Kata Containers", ["kata-containers", "kata-runtime"], ["usr/bin/kata-runtime", "opt/kata/bin/kata-runtime"], []),
    ];

    public static IEnumerable<Finding> Run(HostContext context)
    {
        var seen = new List<string>();
        foreach (var runtime in Known)
        {
            var evidence = new List<string>();
            if (context.Packages.FirstOrDefault(p => runtime.Packages.Contains(p.Name)) is { } package)
            {
                evidence.Add($"package {package.Name} {package.Version}");
            }
            if (runtime.Binaries.FirstOrDefault(b => context.Files.Exists(b)) is { } binary)
            {
                evidence.Add("/" + binary);
            }
            if (runtime.Processes.Length > 0 && context.Processes.All.FirstOrDefault(p => runtime.Processes.Contains(p.Name)) is { } process)
            {
                evidence.Add($"running (pid {process.Pid})");
            }
            if (evidence.Count > 0)
            {
                seen.Add($"{runtime.Name}: {string.Join(", ", evidence)}");
            }
        }
        if (seen.Count > 0)
        {
            yield return Check.Info(string.Join("; ", seen));
        }
    }
}
