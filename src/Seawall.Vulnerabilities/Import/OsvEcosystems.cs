using System.Text.RegularExpressions;

namespace Seawall.Vulnerabilities.Import;

/// <summary>
/// The ecosystems OSV defines (ossf/osv-schema ecosystems.json, schema 1.7.5): an affected entry naming anything
/// else is skipped with a warning. Distributions carry a release after ':' ("Debian:12", "Alpine:v3.19").
/// </summary>
public static partial class OsvEcosystems
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "AlmaLinux", "Alpaquita", "Alpine", "Android", "Azure Linux", "BellSoft Hardened Containers", "Bioconductor", "Bitnami",
        "Chainguard", "CleanStart", "ConanCenter", "CRAN", "crates.io", "Debian", "Docker Hardened Images", "Echo", "FreeBSD", "GHC",
        "GitHub Actions", "Go", "Hackage", "Hex", "Julia", "Kubernetes", "Linux", "Mageia", "Maven", "MinimOS", "npm", "NuGet", "opam",
        "openEuler", "openSUSE", "OSS-Fuzz", "Packagist", "Photon OS", "Pub", "PyPI", "Red Hat", "Rocky Linux", "Root", "RubyGems",
        "SUSE", "SwiftURL", "TuxCare", "Ubuntu", "VSCode", "Wolfi",
    };

    /// <summary>The ecosystems <c>seawall db update</c> fetches when none are named and the database holds none yet: those Seawall inventories.</summary>
    public static readonly IReadOnlyList<string> DefaultUpdate =
        ["Go", "npm", "PyPI", "Maven", "NuGet", "crates.io", "RubyGems", "Packagist", "Pub", "Hex", "Debian", "Alpine", "Ubuntu"];

    /// <summary>True when the part before the first ':' is an OSV ecosystem.</summary>
    public static bool IsKnown(string ecosystem) => Known.Contains(Store.PackageNames.EcosystemBase(ecosystem));

    /// <summary>True for a name osv.dev exports as &lt;name&gt;/all.zip: an ecosystem without a release suffix.</summary>
    public static bool IsExportName(string name) => Known.Contains(name);

    /// <summary>SemVer 2.0 as OSV's SEMVER ranges require it (no leading 'v'); semver.org's own expression.</summary>
    public static bool IsSemVer(string version) => SemVerPattern().IsMatch(version);

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemVerPattern();
}
