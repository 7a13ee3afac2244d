using System.Text;

namespace Seawall.Vulnerabilities.Store;

/// <summary>
/// The lookup key of a package name: the form under which two spellings of one package meet. The store keys
/// rows by it at import and <see cref="AdvisoryStore.Lookup"/> applies it to the caller's name, so an installed
/// "Django" finds advisories published for "django", "Newtonsoft.Json" those for "newtonsoft.json".
/// </summary>
public static class PackageNames
{
    /// <summary>The ecosystem's name up to the first ':' ("Debian:12" is Debian).</summary>
    public static string EcosystemBase(string ecosystem)
    {
        var colon = ecosystem.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? ecosystem : ecosystem[..colon];
    }

    public static string Key(string ecosystem, string name) => EcosystemBase(ecosystem) switch
    {
        // PEP 503: case-insensitive, and runs of '-', '_', '.' are one separator.
        "PyPI" => NormalizePython(name),
        // Package ids that the registries treat case-insensitively.
        "NuGet" or "Packagist" or "Hex" or "Pub" => name.ToLowerInvariant(),
        // crates.io refuses a new crate whose name differs from an existing one only by case or '-' versus '_'.
        "crates.io" => name.ToLowerInvariant().Replace('_', '-'),
        // Go module paths, Maven coordinates, npm and RubyGems names and distribution package names are exact.
        _ => name,
    };

    private static string NormalizePython(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is '-' or '_' or '.')
            {
                if (builder.Length == 0 || builder[^1] != '-')
                {
                    builder.Append('-');
                }
                continue;
            }
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
