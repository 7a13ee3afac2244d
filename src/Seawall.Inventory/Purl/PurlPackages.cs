using Seawall.Core.Model;

namespace Seawall.Inventory.Purl;

/// <summary>
/// The reverse of <see cref="LanguagePurls"/>: from a package URL to the OSV ecosystem and the package name
/// Seawall's own analyzers give (Maven "group:artifact", Go module path, npm "@scope/name", Composer
/// "vendor/name"), so a package read from an SBOM looks like one read from the disk.
/// </summary>
public static class PurlPackages
{
    private static readonly Dictionary<string, string> Ecosystems = new(StringComparer.Ordinal)
    {
        ["npm"] = "npm",
        ["nuget"] = "NuGet",
        ["pypi"] = "PyPI",
        ["golang"] = "Go",
        ["maven"] = "Maven",
        ["cargo"] = "crates.io",
        ["gem"] = "RubyGems",
        ["composer"] = "Packagist",
        ["hex"] = "Hex",
        ["pub"] = "Pub",
        // Trivy's spelling of the pub type.
        ["dart"] = "Pub",
        ["cran"] = "CRAN",
        ["hackage"] = "Hackage",
        ["swift"] = "SwiftURL",
        ["conan"] = "ConanCenter",
        ["github"] = "GitHub Actions",
        ["bitnami"] = "Bitnami",
        ["julia"] = "Julia",
        ["opam"] = "opam",
    };

    /// <summary>purl types of OS packages and the result type Seawall's analyzers give them.</summary>
    private static readonly Dictionary<string, string> OsTypes = new(StringComparer.Ordinal)
    {
        ["deb"] = "dpkg",
        ["apk"] = "apk",
        ["rpm"] = "rpm",
    };

    /// <summary>The OSV ecosystem of a language purl type; null for OS packages and types no advisory database keys.</summary>
    public static string? EcosystemOf(string purlType) => Ecosystems.GetValueOrDefault(purlType);

    /// <summary>dpkg, apk or rpm for an OS package's purl type; null otherwise.</summary>
    public static string? OsPackageTypeOf(string purlType) => OsTypes.GetValueOrDefault(purlType);

    /// <summary>
    /// The package name as Seawall's analyzer for <paramref name="ecosystem"/> gives it. A purl may have lost the
    /// spelling (PyPI names are normalised, Trivy lower-cases Go module paths): <paramref name="written"/>, the name
    /// the document gives the component, is kept instead when it names the same package.
    /// </summary>
    public static string NameOf(PackageUrl purl, string ecosystem, string? written)
    {
        var name = ecosystem switch
        {
            "Maven" => purl.Namespace is { } group ? group + ":" + purl.Name : purl.Name,
            "npm" or "Go" or "Packagist" or "SwiftURL" or "GitHub Actions" => purl.Namespace is { } ns ? ns + "/" + purl.Name : purl.Name,
            // Hex and Conan namespaces are an organisation or user, not part of the advisory name.
            _ => purl.Name,
        };
        if (string.IsNullOrEmpty(written) || written == name)
        {
            return name;
        }
        var same = ecosystem switch
        {
            "PyPI" => LanguagePurls.NormalizePython(written) == LanguagePurls.NormalizePython(name),
            "Go" or "NuGet" or "Packagist" or "GitHub Actions" or "SwiftURL" => string.Equals(written, name, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
        return same ? written : name;
    }

    /// <summary>
    /// The version as Seawall's analyzers give it: Go module versions keep their "v" (purls from Trivy drop it; the go
    /// command and Seawall's go.mod and binary readers keep it), and Go's "(devel)" is no version.
    /// </summary>
    public static string VersionOf(string ecosystem, string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return string.Empty;
        }
        if (ecosystem == "Go")
        {
            if (version == "(devel)")
            {
                return string.Empty;
            }
            return char.IsAsciiDigit(version[0]) ? "v" + version : version;
        }
        return version;
    }
}
