using Seawall.Core.Model;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>
/// The container runtime daemons' configuration: CIS Docker Benchmark 1.6.0 sections 1 to 3 as far as files tell
/// them (docker-bench-security's tests 1.1.x, 2.x and 3.x; the ones that need `docker info` are answered from the
/// same flags and files), plus containerd's config.toml and the other runtimes present. Nothing is reported for a
/// daemon that is neither running nor installed.
/// </summary>
public sealed class RuntimeDaemonChecks : IHostCheckGroup
{
    /// <summary>OS packages that install dockerd.</summary>
    private static readonly string[] DockerPackages = ["docker.io", "docker-ce", "docker-engine", "moby-engine", "docker"];

    private static readonly string[] DockerBinaries = ["usr/bin/dockerd", "usr/sbin/dockerd", "usr/local/bin/dockerd"];

    private static readonly string[] ContainerdPackages = ["containerd", "containerd.io"];

    private static readonly string[] ContainerdBinaries = ["usr/bin/containerd", "usr/local/bin/containerd"];

    /// <summary>The socket of the containerd dockerd starts for itself when no system containerd is given.</summary>
    private const string DockerManagedContainerdSocket = "run/docker/containerd/containerd.sock";

    public string Name => "runtime";

    public IReadOnlyList<CheckInfo> Checks { get; } =
    [
        .. DaemonConfigChecks.All, .. DockerFileChecks.All, .. DockerAuditRules.All, DataRootPartition.Check,
        .. ContainerdConfigChecks.All, OtherRuntimes.Check,
    ];

    public IEnumerable<Finding> Run(HostContext context)
    {
        var findings = new List<Finding>();
        var dockerInstalled = context.Packages.Any(p => DockerPackages.Contains(p.Name)) || DockerBinaries.Any(context.Files.Exists);
        var dockerds = DockerSettings.Load(context, dockerInstalled);
        var dockerPresent = dockerInstalled || dockerds.Count > 0;
        foreach (var settings in dockerds)
        {
            findings.AddRange(DaemonConfigChecks.Run(context, settings));
        }
        var primary = dockerds.Count > 0 ? dockerds[0] : null;
        var dataRoot = primary?.DataRoot ?? "var/lib/docker";
        if (dockerPresent)
        {
            findings.AddRange(DockerFileChecks.RunDocker(context, primary));
            findings.AddRange(DataRootPartition.Run(context, dataRoot));
        }

        var containerd = ContainerdConfigChecks.Load(context);
        var containerdPresent = containerd.Count > 0 || context.Packages.Any(p => ContainerdPackages.Contains(p.Name)) || ContainerdBinaries.Any(context.Files.Exists);
        foreach (var config in containerd)
        {
            findings.AddRange(ContainerdConfigChecks.Run(context, config));
        }
        if (containerdPresent || dockerPresent)
        {
            var sockets = ContainerdConfigChecks.Sockets(containerd).Append(ContainerdConfigChecks.DefaultSocket).Append(DockerManagedContainerdSocket)
                .Select(s => DockerFileChecks.RunPath(context, s));
            findings.AddRange(DockerFileChecks.RunContainerdSockets(context, sockets));
            findings.AddRange(DockerAuditRules.Run(context, dockerPresent, dataRoot));
        }
        findings.AddRange(OtherRuntimes.Run(context));
        return findings;
    }
}
