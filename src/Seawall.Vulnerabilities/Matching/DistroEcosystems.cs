using Seawall.Core.Model;
using Seawall.Vulnerabilities.Import;

namespace Seawall.Vulnerabilities.Matching;

/// <summary>
/// One tier of a distribution's advisory ecosystems: the exact names, plus a test for the names a distribution files
/// one release under several product or repository names (Red Hat, SUSE), resolved against the store's list.
/// </summary>
internal sealed record DistroTier(IReadOnlyList<string> Exact, Func<string, bool>? Matches = null);

/// <summary>
/// Where a distribution release's advisories are. Tiers are in order of
/// precedence per advisory: an advisory with an entry in the first tier is decided there, a later tier only adds the
/// advisories the earlier ones do not mention (Ubuntu Pro, SUSE LTSS: fixes a plain system is not entitled to, but the
/// only word on flaws the plain archive no longer tracks).
/// </summary>
internal sealed record DistroScope(IReadOnlyList<DistroTier> Tiers)
{
    public static DistroScope None { get; } = new([]);

    /// <summary>True when a tier has to be matched against the store's ecosystem list.</summary>
    public bool NeedsCatalog => Tiers.Any(t => t.Matches is not null);

    /// <summary>The concrete ecosystems per tier, given the ecosystems the store holds.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Resolve(IReadOnlyList<string> stored)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tiers = new List<IReadOnlyList<string>>(Tiers.Count);
        foreach (var tier in Tiers)
        {
            var names = new List<string>();
            foreach (var name in tier.Exact.Concat(tier.Matches is { } matches ? stored.Where(matches) : []))
            {
                if (seen.Add(name))
                {
                    names.Add(name);
                }
            }
            tiers.Add(names);
        }
        return tiers;
    }
}

/// <summary>
/// The OSV ecosystems a distribution release's advisories are stored under, spelled as OSV does
/// (ossf/osv-schema ecosystems.json and the records the feeds publish): "Debian:12", "Ubuntu:22.04:LTS", "Alpine:v3.19",
/// "AlmaLinux:9", "Rocky Linux:9", "Red Hat:enterprise_linux:9::baseos", "SUSE:Linux Enterprise Module for Basesystem 15 SP5",
/// "openSUSE:Leap 15.5", "Wolfi", "Chainguard", "Mageia:9", "Photon OS:5.0", "openEuler:22.03-LTS-SP3", "Azure Linux:3".
/// </summary>
/// <remarks>
/// Families OSV publishes no data for get no scope, so their packages are not matched rather than matched against a
/// neighbour's data: Fedora, Amazon Linux (ALAS is not in OSV), Oracle Linux (ELSA is not in OSV) and CentOS Stream
/// (it runs ahead of RHEL, so RHEL's fixed versions would misjudge it; Trivy does not support it either).
/// </remarks>
internal static class DistroEcosystems
{
    /// <summary>The scope of the detected distribution; <see cref="DistroScope.None"/> for a family without an OSV feed.</summary>
    public static DistroScope For(OsInfo? os)
    {
        if (os is null)
        {
            return DistroScope.None;
        }
        var version = os.Version?.Trim() ?? string.Empty;
        var major = Major(version);
        var majorMinor = MajorMinor(version);
        return os.Family switch
        {
            "debian" => DebianRelease(version, os.Codename) is { } release ? Exact($"Debian:{release}") : DistroScope.None,
            // LTS releases are filed as "Ubuntu:22.04:LTS", others as "Ubuntu:23.10". Canonical files fixes that only an
            // Ubuntu Pro (ESM) system receives under "Ubuntu:Pro:22.04:LTS", and once a release leaves standard support or
            // for universe packages, that is its only entry for a flaw: without it the flaw would go unreported.
            "ubuntu" when majorMinor is not null => new DistroScope([
                new DistroTier([$"Ubuntu:{majorMinor}:LTS", $"Ubuntu:{majorMinor}"]),
                new DistroTier([$"Ubuntu:Pro:{majorMinor}:LTS"])]),
            // secdb branches are major.minor: 3.19.1 reads v3.19 (and 3.20_alpha20240329 v3.20).
            "alpine" when majorMinor is not null => Exact($"Alpine:v{majorMinor}"),
            // Rolling distributions: one ecosystem, no release; packages by origin (apk) name.
            "wolfi" => Exact("Wolfi"),
            "chainguard" => Exact("Chainguard"),
            "minimos" => Exact("MinimOS"),
            // The RHEL rebuilds publish per major release.
            "alma" when major is not null => Exact($"AlmaLinux:{major}"),
            "rocky" when major is not null => Exact($"Rocky Linux:{major}"),
            "redhat" when major is not null => RedHat(major),
            // CentOS Linux 7 and 8 rebuilt RHEL's packages with RHEL's versions: RHEL's data applies, as Trivy applies it.
            "centos" when major is not null && os.Name?.Contains("Stream", StringComparison.OrdinalIgnoreCase) != true => RedHat(major),
            "sles" or "sled" or "sles_sap" or "sle_hpc" when major is not null => Suse(version, major),
            "sle-micro" when version.Length > 0 => Exact($"SUSE:Linux Enterprise Micro {version}"),
            // openSUSE's release is the marketing name os-release's PRETTY_NAME carries: "openSUSE Leap 15.5".
            "opensuse-leap" or "opensuse" when version.Length > 0 => Exact($"openSUSE:Leap {version}"),
            "opensuse-leap-micro" when version.Length > 0 => Exact($"openSUSE:Leap Micro {version}"),
            "opensuse-tumbleweed" => Exact("openSUSE:Tumbleweed"),
            "mageia" when major is not null => Exact($"Mageia:{major}"),
            // Photon OS releases are "3.0", "4.0", "5.0" (os-release VERSION_ID says the same).
            "photon" when major is not null => Exact($"Photon OS:{majorMinor ?? major + ".0"}"),
            "openeuler" when majorMinor is not null => Exact(OpenEuler(majorMinor, os.Name)),
            // Azure Linux 3.0 and CBL-Mariner 2.0 (renamed Azure Linux 2.0) are filed by major release.
            "azurelinux" or "cbl-mariner" when major is not null => Exact($"Azure Linux:{major}"),
            _ => DistroScope.None,
        };
    }

    private static DistroScope Exact(string ecosystem) => new([new DistroTier([ecosystem])]);

    /// <summary>
    /// Red Hat files each record under the CPE of the product stream it ships in: "Red Hat:enterprise_linux:9::baseos",
    /// "...:9::appstream", "...:9::crb", "Red Hat:enterprise_linux:7::server", and for RHEL 10 "Red Hat:enterprise_linux:10.1".
    /// Which repository an installed RPM came from is not in the rpm database, and within one major release the main
    /// streams carry the same builds, so all of them apply. Extended-support streams (rhel_eus, rhel_aus, rhel_e4s) are
    /// other product names and stay out: a system follows them only by subscription, and their z-stream builds are older.
    /// </summary>
    private static DistroScope RedHat(string major)
    {
        var prefix = $"Red Hat:enterprise_linux:{major}";
        return new DistroScope([new DistroTier([], e => e.StartsWith(prefix, StringComparison.Ordinal) && (e.Length == prefix.Length || e[prefix.Length] is ':' or '.'))]);
    }

    /// <summary>
    /// SUSE files an update under every product that ships it: SLE 15's base packages under its modules ("SUSE:Linux
    /// Enterprise Module for Basesystem 15 SP5") rather than "SUSE:Linux Enterprise Server 15 SP5", and which module
    /// installed a package is not in the rpm database. All products of one service pack build from one code stream, so
    /// every "SUSE:Linux Enterprise ... 15 SP5" applies; long-term support streams (LTSS, ESPOS) only where no general
    /// product has an entry for the advisory.
    /// </summary>
    private static DistroScope Suse(string version, string major)
    {
        var servicePack = version.Split('.') is [_, var sp, ..] && sp.Length > 0 && sp != "0" ? $" SP{sp}" : string.Empty;
        var suffix = $" {major}{servicePack}";
        bool SameServicePack(string e) => e.StartsWith("SUSE:Linux Enterprise ", StringComparison.Ordinal) && e.EndsWith(suffix, StringComparison.Ordinal)
            && !e.StartsWith("SUSE:Linux Enterprise Micro", StringComparison.Ordinal);
        static bool LongTerm(string e) => e.Contains(" LTSS", StringComparison.Ordinal) || e.Contains("ESPOS", StringComparison.Ordinal);
        return new DistroScope([
            new DistroTier([], e => SameServicePack(e) && !LongTerm(e)),
            new DistroTier([], e => SameServicePack(e) && LongTerm(e))]);
    }

    /// <summary>openEuler's LTS releases and service packs: PRETTY_NAME "openEuler 22.03 (LTS-SP3)" is "openEuler:22.03-LTS-SP3".</summary>
    private static string OpenEuler(string majorMinor, string? prettyName)
    {
        var open = prettyName?.IndexOf('(', StringComparison.Ordinal) ?? -1;
        var close = open >= 0 ? prettyName!.IndexOf(')', open) : -1;
        var qualifier = close > open + 1 ? prettyName![(open + 1)..close].Trim() : string.Empty;
        return qualifier.StartsWith("LTS", StringComparison.Ordinal) ? $"openEuler:{majorMinor}-{qualifier}" : $"openEuler:{majorMinor}";
    }

    /// <summary>
    /// The release number OSV uses for Debian: the major of "12.5", or the number of a codename ("trixie/sid" in
    /// debian_version on testing and unstable: testing's release; a lone "sid" is "Debian:sid").
    /// </summary>
    private static string? DebianRelease(string version, string? codename)
    {
        if (Major(version) is { } major)
        {
            return major;
        }
        var name = (version.Length > 0 ? version : codename ?? string.Empty).Split('/')[0].Trim().ToLowerInvariant();
        return DebianTrackerImporter.Releases.GetValueOrDefault(name);
    }

    /// <summary>The leading run of digits ("9" of "9.3", "15" of "15.5"), or null.</summary>
    private static string? Major(string version)
    {
        var end = 0;
        while (end < version.Length && char.IsAsciiDigit(version[end]))
        {
            end++;
        }
        return end > 0 ? version[..end] : null;
    }

    /// <summary>"3.19" of "3.19.1" or "3.20_alpha2024", "22.04" of "22.04"; null without a numeric minor.</summary>
    private static string? MajorMinor(string version)
    {
        var major = Major(version);
        if (major is null || version.Length <= major.Length + 1 || version[major.Length] != '.')
        {
            return null;
        }
        var minor = Major(version[(major.Length + 1)..]);
        return minor is null ? null : $"{major}.{minor}";
    }
}
