using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Kernel;

/// <summary>One patch under sys/kernel/livepatch (the kernel's klp interface, which kpatch and Canonical Livepatch use).</summary>
internal sealed record LivePatch(string Name, bool Enabled, bool InTransition)
{
    /// <summary>Who ships it, from the module's naming convention.</summary>
    public string Provider => Name switch
    {
        _ when Name.StartsWith("kpatch_", StringComparison.Ordinal) || Name.StartsWith("kpatch-", StringComparison.Ordinal) => "kpatch",
        _ when Name.StartsWith("lkp_", StringComparison.Ordinal) => "Canonical Livepatch",
        _ when Name.StartsWith("livepatch_", StringComparison.Ordinal) || Name.StartsWith("kgraft", StringComparison.Ordinal) => "SUSE kernel livepatch",
        _ => "klp",
    };
}

/// <summary>
/// What live patching the host has, from files only (the clients' daemons are never asked):
/// <list type="bullet">
/// <item>sys/kernel/livepatch/NAME/{enabled,transition}: every klp patch loaded. kpatch modules are named kpatch_*,
/// Canonical Livepatch modules lkp_Ubuntu_* (the module_name_regex of Ubuntu's LSN notices).</item>
/// <item>kpatch patch modules installed for the running kernel: var/lib/kpatch/RELEASE/*.ko and usr/lib/kpatch/RELEASE
/// (kpatch.service loads them at boot).</item>
/// <item>KernelCare: its module publishes proc/kcare/effective_version and proc/kcare/cvelist (TuxCare's documented
/// interface for scanners); etc/sysconfig/kcare/kcare.conf or usr/bin/kcarectl mean it is installed.</item>
/// <item>Canonical Livepatch: the snap's var/snap/canonical-livepatch/common/machine-token exists once it is enabled.</item>
/// </list>
/// </summary>
internal sealed class LivePatchState
{
    private const int MaxPatches = 256;

    public IReadOnlyList<LivePatch> Patches { get; private init; } = [];

    /// <summary>kpatch modules installed for the running release, as module names (file name without .ko, '-' as '_').</summary>
    public IReadOnlyList<(string Module, string Path)> KpatchInstalled { get; private init; } = [];

    public string? KernelCareEffectiveVersion { get; private init; }

    public IReadOnlySet<string> KernelCareCves { get; private init; } = new HashSet<string>();

    public bool KernelCareInstalled { get; private init; }

    public bool CanonicalLivepatchEnabled { get; private init; }

    public bool AnyTooling => Patches.Count > 0 || KpatchInstalled.Count > 0 || KernelCareInstalled || KernelCareEffectiveVersion is not null || CanonicalLivepatchEnabled;

    public static LivePatchState Read(HostFileTree files, string? release)
    {
        var patches = new List<LivePatch>();
        foreach (var name in (files.List("sys/kernel/livepatch") ?? []).Order(StringComparer.Ordinal).Take(MaxPatches))
        {
            var dir = "sys/kernel/livepatch/" + name;
            var enabled = files.ReadText(dir + "/enabled", 64)?.Trim();
            if (enabled is null)
            {
                continue;
            }
            patches.Add(new LivePatch(name, enabled == "1", files.ReadText(dir + "/transition", 64)?.Trim() == "1"));
        }

        var kpatch = new List<(string, string)>();
        if (release is not null && release.Length > 0 && !release.Contains('/', StringComparison.Ordinal))
        {
            foreach (var root in (string[])["var/lib/kpatch/", "usr/lib/kpatch/"])
            {
                var dir = root + release;
                foreach (var file in (files.List(dir) ?? []).Where(f => f.EndsWith(".ko", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                {
                    kpatch.Add((file[..^3].Replace('-', '_'), dir + "/" + file));
                }
            }
        }

        var cveList = files.ReadText("proc/kcare/cvelist", 4 * 1024 * 1024);
        return new LivePatchState
        {
            Patches = patches,
            KpatchInstalled = kpatch,
            KernelCareEffectiveVersion = files.ReadText("proc/kcare/effective_version", 4096)?.Trim() is { Length: > 0 } effective ? effective : null,
            KernelCareCves = (cveList ?? string.Empty)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => line.StartsWith("CVE-", StringComparison.Ordinal))
                .ToHashSet(StringComparer.Ordinal),
            KernelCareInstalled = files.Exists("etc/sysconfig/kcare/kcare.conf") || files.Exists("usr/bin/kcarectl"),
            CanonicalLivepatchEnabled = files.Exists("var/snap/canonical-livepatch/common/machine-token"),
        };
    }
}
