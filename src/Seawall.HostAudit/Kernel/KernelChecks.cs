using System.Text.RegularExpressions;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit.Kernel;

/// <summary>
/// The running kernel: is it the newest one installed (else a reboot is pending), which live patches cover it, and
/// what the advisory database knows against its package. Every container on the host runs on this kernel.
/// </summary>
public sealed partial class KernelChecks : IHostCheckGroup
{
    /// <summary>How many vulnerability ids the exposure finding lists; the report's vulnerability results list all.</summary>
    internal const int MaxListedIds = 100;

    internal static readonly CheckInfo RebootPending = new("host-kernel-reboot-pending", "Running kernel is the newest installed and no reboot is pending", Severity.Medium)
    {
        Description = "Kernel updates only take effect after a reboot: until then the host and every container on it run the old, " +
            "unpatched kernel. Pending when the package manager left a reboot-required marker (Debian, Ubuntu), when a newer " +
            "kernel package of the running kernel's flavour is installed, or when the running kernel's own package was " +
            "upgraded in place since boot (Debian's build version in /proc/version).",
        Remediation = "Drain the node (kubectl drain NODE / stop the containers) and reboot into the newest kernel: systemctl reboot; " +
            "until then a live patch (kpatch, Canonical Livepatch, KernelCare) can cover the most critical fixes.",
        References = ["lynis:KRNL-5830", "lynis:KRNL-5788", "NIST-800-190-4.5.3", "CIS-Debian-12-1.2.2.1"],
    };

    internal static readonly CheckInfo LivePatching = new("host-kernel-livepatch", "Kernel live patches are loaded and enabled", Severity.Medium)
    {
        Description = "Live patching (kpatch, Canonical Livepatch, KernelCare, SUSE klp) fixes kernel flaws without a reboot. " +
            "Reports the patches loaded under /sys/kernel/livepatch and KernelCare's effective version, and warns when a patch " +
            "is loaded but disabled, kpatch modules installed for the running kernel are not loaded, or KernelCare is " +
            "installed without its module running.",
        Remediation = "Load the installed patches (kpatch load --all; systemctl enable --now kpatch), enable a disabled one " +
            "(echo 1 > /sys/kernel/livepatch/NAME/enabled), or start KernelCare (kcarectl --update).",
        References = ["NIST-800-190-4.5.3"],
    };

    internal static readonly CheckInfo CveExposure = new("host-kernel-cve-exposure", "Running kernel has no known vulnerabilities", Severity.High)
    {
        Description = "The advisory database's vulnerabilities for the running kernel's package, counted by severity. A container " +
            "escape through a kernel flaw reaches every container on the host. A live patch may fix some of them without a " +
            "new package: KernelCare lists the CVEs its patches cover (/proc/kcare/cvelist) and those are counted apart; for " +
            "kpatch and Canonical Livepatch check the patch notes (canonical-livepatch status --verbose). A Secure Boot signed " +
            "image (Debian's linux-signed-amd64, Ubuntu's linux-signed-*) is matched as the kernel source it signs (linux, " +
            "linux-hwe-6.8, ...) at its own version, the one the distributions' advisories name.",
        Remediation = "Install the distribution's newest kernel package and reboot into it (apt-get install --only-upgrade " +
            "'linux-image-*' / dnf upgrade kernel / apk upgrade linux-lts), or apply a live patch for the listed CVEs.",
        References = ["NIST-800-190-4.5.3", "lynis:KRNL-5788"],
    };

    public string Name => "kernel";

    public IReadOnlyList<CheckInfo> Checks { get; } = [RebootPending, LivePatching, CveExposure];

    public IEnumerable<Finding> Run(HostContext context)
    {
        var release = context.KernelRelease;
        var kernels = InstalledKernels.From(context.Packages, context.Os);
        var running = release is null ? null : RunningPackage(kernels, release);
        var livePatches = LivePatchState.Read(context.Files, release);

        if (Reboot(context, release, kernels, running) is { } reboot)
        {
            yield return reboot;
        }
        if (release is not null)
        {
            yield return LivePatchFinding(livePatches);
            yield return Exposure(context, release, kernels, running, livePatches);
        }
    }

    internal static InstalledKernel? RunningPackage(IReadOnlyList<InstalledKernel> kernels, string release) =>
        kernels.Where(k => k.Releases.Contains(release, StringComparer.Ordinal))
            .OrderBy(k => k.Release == release ? 0 : 1)
            .ThenBy(k => k.Package.Name.Contains("unsigned", StringComparison.Ordinal) ? 1 : 0)
            .ThenBy(k => k.Package.Name, StringComparer.Ordinal)
            .FirstOrDefault();

    private static Finding? Reboot(HostContext context, string? release, List<InstalledKernel> kernels, InstalledKernel? running)
    {
        var reasons = new List<string>();
        Location? location = null;
        foreach (var marker in RebootMarkers(context))
        {
            location ??= new Location(marker);
            var packages = context.Files.ReadText(marker + ".pkgs", 1024 * 1024)?
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Distinct(StringComparer.Ordinal)
                .ToList() ?? [];
            reasons.Add(packages.Count > 0
                ? $"{marker} exists ({marker}.pkgs: {string.Join(", ", packages)})"
                : $"{marker} exists");
        }
        if (release is null)
        {
            return reasons.Count > 0 ? RebootPending.Fail(string.Join("; ", reasons), location) : null;
        }

        var runningText = running is null ? release : $"{release} ({running.Describe()})";
        if (running is not null)
        {
            // Among equal versions (rpm's kernel and kernel-core) name the package the running kernel was matched to.
            var newest = kernels.Where(k => k.Family == running.Family)
                .Aggregate(running, (best, k) => k.CompareTo(best) is var order && (order > 0 || (order == 0 && k.Package.Name == running.Package.Name)) ? k : best);
            if (newest.CompareTo(running) > 0)
            {
                reasons.Add($"running {runningText}, newer installed: {newest.Release} ({newest.Describe()})");
            }
            if (running.Format == PackageFormat.Dpkg && BuildVersion(context) is { } build && InstalledKernels.CompareDpkg(running.FullVersion, build) > 0)
            {
                reasons.Add($"{running.Package.Name} was upgraded to {running.FullVersion} after boot; the running build is {build} (proc/version)");
            }
        }
        else
        {
            var flavour = InstalledKernels.FlavourOf(release);
            var newer = kernels.Where(k => InstalledKernels.FlavourOf(k.Release) == flavour && InstalledKernels.CompareRelease(k.Release, release) > 0)
                .OrderByDescending(k => k.Release, Comparer<string>.Create(InstalledKernels.CompareRelease))
                .FirstOrDefault();
            if (newer is not null)
            {
                reasons.Add($"running {release} has no installed package; newer installed: {newer.Release} ({newer.Describe()})");
            }
        }

        if (reasons.Count > 0)
        {
            return RebootPending.Fail(string.Join("; ", reasons), location);
        }
        if (kernels.Count == 0)
        {
            return RebootPending.Info($"running {release}; no kernel package installed (container-optimised OS, custom kernel, or a container's root): only reboot markers checked, none found");
        }
        if (running is null)
        {
            return RebootPending.Info($"running {release} matches no installed kernel package (custom build?); installed: {string.Join(", ", kernels.Select(k => k.Release).Distinct(StringComparer.Ordinal))}");
        }
        return RebootPending.Pass($"running {runningText} is the newest installed kernel of its flavour; no reboot-required marker");
    }

    /// <summary>Debian and Ubuntu's reboot markers, each file once (var/run is usually a link to /run).</summary>
    private static IEnumerable<string> RebootMarkers(HostContext context)
    {
        var seen = false;
        foreach (var marker in (string[])["var/run/reboot-required", "run/reboot-required"])
        {
            if (context.Files.Stat(marker) is { Kind: FileKind.Regular })
            {
                if (seen && context.Files.ReadLink("var/run") is not null)
                {
                    continue;
                }
                seen = true;
                yield return marker;
            }
        }
    }

    /// <summary>
    /// The package version the running kernel was built as: Debian writes it into /proc/version ("... Debian 6.1.76-1
    /// (2024-02-01)"), Ubuntu into /proc/version_signature ("Ubuntu 5.15.0-91.101-generic 5.15.131").
    /// </summary>
    internal static string? BuildVersion(HostContext context)
    {
        if (context.Files.ReadText("proc/version", 4096) is { } version && DebianBuild().Match(version) is { Success: true } debian)
        {
            return debian.Groups["version"].Value;
        }
        if (context.Files.ReadText("proc/version_signature", 4096) is { } signature && UbuntuSignature().Match(signature) is { Success: true } ubuntu)
        {
            return ubuntu.Groups["version"].Value;
        }
        return null;
    }

    private static Finding LivePatchFinding(LivePatchState state)
    {
        if (!state.AnyTooling)
        {
            return LivePatching.Info("no live patch loaded; no kpatch modules, KernelCare or Canonical Livepatch client found");
        }
        var problems = new List<string>();
        var facts = new List<string>();
        foreach (var patch in state.Patches)
        {
            var text = $"{patch.Name} ({patch.Provider}, {(patch.Enabled ? "enabled" : "disabled")}{(patch.InTransition ? ", in transition" : string.Empty)})";
            (patch.Enabled ? facts : problems).Add(text);
        }
        var loaded = state.Patches.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (module, path) in state.KpatchInstalled)
        {
            if (!loaded.Contains(module))
            {
                problems.Add($"kpatch module {path} is installed for the running kernel but not loaded");
            }
        }
        if (state.KernelCareEffectiveVersion is { } effective)
        {
            facts.Add($"KernelCare effective kernel {effective}, {state.KernelCareCves.Count} CVEs patched (proc/kcare/cvelist)");
        }
        else if (state.KernelCareInstalled)
        {
            problems.Add("KernelCare is installed (etc/sysconfig/kcare or usr/bin/kcarectl) but its module is not loaded (no proc/kcare)");
        }
        if (state.CanonicalLivepatchEnabled)
        {
            facts.Add(state.Patches.Any(p => p.Provider == "Canonical Livepatch")
                ? "Canonical Livepatch enabled"
                : "Canonical Livepatch enabled (machine token present), no lkp_ patch loaded yet");
        }
        var evidence = string.Join("; ", problems.Concat(facts));
        if (problems.Count > 0)
        {
            return LivePatching.Warn(evidence);
        }
        return state.Patches.Count > 0 || state.KernelCareEffectiveVersion is not null ? LivePatching.Pass(evidence) : LivePatching.Info(evidence);
    }

    private static Finding Exposure(HostContext context, string release, List<InstalledKernel> kernels, InstalledKernel? running, LivePatchState livePatches)
    {
        if (context.Vulnerabilities is null)
        {
            return CveExposure.Info("no advisory database: the running kernel's package was not matched; run `seawall db update` or `seawall db import ...` first");
        }
        if (running is null)
        {
            return CveExposure.Info($"running kernel {release} comes from no installed package; nothing to match against the advisory database");
        }

        var kernelPackages = KernelPackagesOf(context.Packages, running, kernels);
        var vulnerabilities = context.Vulnerabilities
            .Where(v => kernelPackages.Any(p => p.Name == v.PackageName && (v.PackagePurl is null || p.Purl is null || v.PackagePurl == p.Purl) && VersionMatches(v.InstalledVersion, p)))
            .GroupBy(v => v.Id, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(v => v.Severity).First())
            .ToList();
        var covered = vulnerabilities.Where(v => livePatches.KernelCareCves.Contains(v.Id) || v.Aliases.Any(livePatches.KernelCareCves.Contains)).ToList();
        var open = vulnerabilities.Except(covered).OrderByDescending(v => v.Severity).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();

        var subject = $"{running.Describe()} (running {release}{AdvisorySource(running.Package, context.Os)})";
        var notes = new List<string>();
        if (covered.Count > 0)
        {
            notes.Add($"KernelCare live patches cover {covered.Count}: {string.Join(", ", covered.Select(v => v.Id).Order(StringComparer.Ordinal))}");
        }
        var klp = livePatches.Patches.Where(p => p.Enabled).Select(p => p.Name).ToList();
        if (klp.Count > 0 && open.Count > 0)
        {
            notes.Add($"live patches loaded ({string.Join(", ", klp)}) may fix some of these; check their notes (canonical-livepatch status --verbose, kpatch list)");
        }
        if (open.Count == 0)
        {
            return CveExposure.Pass(string.Join("; ", [$"{subject}: no open known vulnerabilities", .. notes]));
        }

        var counts = open.GroupBy(v => v.Severity).OrderByDescending(g => g.Key).Select(g => $"{SeverityName(g.Key)} {g.Count()}");
        var ids = open.Take(MaxListedIds).Select(v => v.Id).ToList();
        var idText = string.Join(", ", ids) + (open.Count > ids.Count ? $", and {open.Count - ids.Count} more (see the vulnerability results)" : string.Empty);
        var fixable = open.Count(v => v.FixedVersions.Count > 0);
        var evidence = $"{subject}: {open.Count} known vulnerabilities ({string.Join(", ", counts)}; {fixable} fixed in a newer package): {idText}";
        var worst = open.Max(v => v.Severity);
        return CveExposure.Fail(string.Join("; ", [evidence, .. notes])) with { Severity = worst == Severity.Unknown ? CveExposure.Severity : worst };
    }

    /// <summary>
    /// Where the package's advisories were looked up when that is not its own source: a signed kernel image is matched
    /// as the kernel source it signs (<see cref="SignedKernelSources"/>).
    /// </summary>
    private static string AdvisorySource(Package package, OsInfo? os) =>
        SignedKernelSources.AdvisoryView(package, os) is var view && !ReferenceEquals(view, package)
            ? $", matched as source {view.SourceName} {view.SourceVersion}, signed as {package.SourceName}{(package.SourceVersion is { } signed ? " " + signed : string.Empty)}"
            : string.Empty;

    /// <summary>
    /// The packages that make up the running kernel: its image package, plus those of the same version built for the same
    /// release (Ubuntu's linux-modules[-extra]-RELEASE, rpm's kernel, kernel-core and kernel-modules*).
    /// </summary>
    private static List<Package> KernelPackagesOf(IReadOnlyList<Package> packages, InstalledKernel running, List<InstalledKernel> kernels)
    {
        var release = running.Release;
        return [.. packages.Where(p =>
            ReferenceEquals(p, running.Package)
            || kernels.Any(k => ReferenceEquals(k.Package, p) && k.Releases.Contains(release, StringComparer.Ordinal))
            || (running.Format == PackageFormat.Dpkg && p.Name.EndsWith("-" + release, StringComparison.Ordinal) && p.Name.StartsWith("linux-", StringComparison.Ordinal))
            || (running.Format == PackageFormat.Rpm && p.Name.StartsWith("kernel", StringComparison.Ordinal) && p.Version == running.Package.Version && p.Epoch == running.Package.Epoch && p.Arch == running.Package.Arch))];
    }

    // The matcher writes the full version (with the epoch where there is one); packages carry it without.
    private static bool VersionMatches(string installed, Package package) =>
        installed == package.Version || installed.EndsWith(":" + package.Version, StringComparison.Ordinal);

    internal static string SeverityName(Severity severity) => severity.ToString().ToUpperInvariant();

    [GeneratedRegex(@"\bDebian (?<version>[0-9][0-9A-Za-z.+~:-]*) \(", RegexOptions.CultureInvariant)]
    private static partial Regex DebianBuild();

    [GeneratedRegex(@"^Ubuntu (?<version>[0-9][0-9.]*-[0-9]+\.[0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex UbuntuSignature();
}
