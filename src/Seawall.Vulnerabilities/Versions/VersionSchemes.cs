namespace Seawall.Vulnerabilities.Versions;

/// <summary>The comparers, one per scheme, and the OSV ecosystem names that use each.</summary>
public static class VersionSchemes
{
    public static IVersionComparer Dpkg { get; } = new DpkgComparer();

    public static IVersionComparer Apk { get; } = new ApkComparer();

    public static IVersionComparer Rpm { get; } = new RpmComparer();

    public static IVersionComparer SemVer { get; } = new SemVerComparer();

    public static IVersionComparer Pub { get; } = new PubComparer();

    public static IVersionComparer Pep440 { get; } = new Pep440Comparer();

    public static IVersionComparer Maven { get; } = new MavenComparer();

    public static IVersionComparer NuGet { get; } = new NuGetComparer();

    public static IVersionComparer RubyGems { get; } = new RubyGemsComparer();

    public static IVersionComparer Composer { get; } = new ComposerComparer();

    public static IVersionComparer Cran { get; } = new NumericListComparer("cran", hyphenSeparates: true);

    public static IVersionComparer Hackage { get; } = new NumericListComparer("hackage", hyphenSeparates: false);

    /// <summary>
    /// rpmvercmp on two strings that need not be versions of any scheme: orders the numbers and words they carry,
    /// segment by segment (kernel releases as uname -r prints them: "6.1.0-18-amd64", "5.14.0-362.8.1.el9_3.x86_64").
    /// </summary>
    public static int CompareSegments(string a, string b) => RpmComparer.RpmVerCmp(a, b);

    public static IReadOnlyList<IVersionComparer> All { get; } = [Dpkg, Apk, Rpm, SemVer, Pub, Pep440, Maven, NuGet, RubyGems, Composer, Cran, Hackage];

    // OSV ecosystem (the part before the first ':') to scheme. OSV spells them with this case; other spellings are accepted.
    private static readonly Dictionary<string, IVersionComparer> ByEcosystem = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Debian"] = Dpkg,
        ["Ubuntu"] = Dpkg,
        ["Echo"] = Dpkg,
        ["Alpine"] = Apk,
        ["Wolfi"] = Apk,
        ["Chainguard"] = Apk,
        ["MinimOS"] = Apk,
        ["Alpaquita"] = Apk,
        ["BellSoft Hardened Containers"] = Apk,
        ["Red Hat"] = Rpm,
        ["AlmaLinux"] = Rpm,
        ["Rocky Linux"] = Rpm,
        ["SUSE"] = Rpm,
        ["openSUSE"] = Rpm,
        ["Mageia"] = Rpm,
        ["openEuler"] = Rpm,
        ["Azure Linux"] = Rpm,
        ["Photon OS"] = Rpm,
        // Not an OSV ecosystem today, but what Seawall's own Amazon Linux data would be filed under.
        ["Amazon Linux"] = Rpm,
        ["npm"] = SemVer,
        ["Go"] = SemVer,
        ["crates.io"] = SemVer,
        ["Hex"] = SemVer,
        ["SwiftURL"] = SemVer,
        ["Bitnami"] = SemVer,
        ["ConanCenter"] = SemVer,
        ["Kubernetes"] = SemVer,
        ["Pub"] = Pub,
        ["PyPI"] = Pep440,
        ["Maven"] = Maven,
        ["NuGet"] = NuGet,
        ["RubyGems"] = RubyGems,
        ["Packagist"] = Composer,
        ["CRAN"] = Cran,
        ["Bioconductor"] = Cran,
        ["Hackage"] = Hackage,
        ["GHC"] = Hackage,
    };

    // Ecosystems that carry another ecosystem's packages after the ':' ("Root:PyPI", "Echo:npm", "Root:Alpine:3.18").
    private static readonly HashSet<string> Wrappers = new(StringComparer.OrdinalIgnoreCase) { "Root", "Echo" };

    /// <summary>
    /// The comparer for an OSV ecosystem string, release and repository suffixes included ("Debian:12",
    /// "Ubuntu:Pro:18.04:LTS", "Alpine:v3.19", "Maven:https://maven.google.com", "Root:PyPI"); null when Seawall does
    /// not know how that ecosystem orders its versions (GIT ranges, Android, Linux, ...).
    /// </summary>
    public static IVersionComparer? ForEcosystem(string? osvEcosystem)
    {
        if (string.IsNullOrWhiteSpace(osvEcosystem))
        {
            return null;
        }
        var colon = osvEcosystem.IndexOf(':');
        var name = colon < 0 ? osvEcosystem : osvEcosystem[..colon];
        if (colon >= 0 && Wrappers.Contains(name))
        {
            var inner = osvEcosystem[(colon + 1)..];
            var innerColon = inner.IndexOf(':');
            if (ByEcosystem.TryGetValue(innerColon < 0 ? inner : inner[..innerColon], out var wrapped))
            {
                return wrapped;
            }
        }
        return ByEcosystem.GetValueOrDefault(name);
    }

    /// <summary>The comparer of a scheme by its short name (<see cref="IVersionComparer.Scheme"/>), or null.</summary>
    public static IVersionComparer? ForScheme(string scheme) =>
        All.FirstOrDefault(c => string.Equals(c.Scheme, scheme, StringComparison.OrdinalIgnoreCase));
}
