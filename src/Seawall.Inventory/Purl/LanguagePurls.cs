namespace Seawall.Inventory.Purl;

/// <summary>
/// Package URLs for language packages, per the purl spec's type rules (and as Trivy and Syft write them):
/// npm scopes are namespaces, PyPI names are normalised, Maven and Composer split group and name, Go module
/// paths become namespace plus last segment.
/// </summary>
public static class LanguagePurls
{
    /// <param name="ecosystem">An OSV ecosystem name: npm, NuGet, PyPI, Go, Maven, crates.io, RubyGems, Packagist.</param>
    public static string? For(string ecosystem, string name, string? version)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        switch (ecosystem)
        {
            case "npm":
                // "@scope/name": the scope is the namespace.
                var slash = name.StartsWith('@') ? name.IndexOf('/', StringComparison.Ordinal) : -1;
                return slash > 0
                    ? PurlBuilder.Build("npm", name[..slash], name[(slash + 1)..], version)
                    : PurlBuilder.Build("npm", null, name, version);
            case "NuGet":
                return PurlBuilder.Build("nuget", null, name, version);
            case "PyPI":
                return PurlBuilder.Build("pypi", null, NormalizePython(name), version);
            case "Go":
                var cut = name.LastIndexOf('/');
                return cut > 0
                    ? PurlBuilder.Build("golang", name[..cut], name[(cut + 1)..], version)
                    : PurlBuilder.Build("golang", null, name, version);
            case "Maven":
                var colon = name.IndexOf(':', StringComparison.Ordinal);
                return colon > 0
                    ? PurlBuilder.Build("maven", name[..colon], name[(colon + 1)..], version)
                    : PurlBuilder.Build("maven", null, name, version);
            case "crates.io":
                return PurlBuilder.Build("cargo", null, name, version);
            case "RubyGems":
                return PurlBuilder.Build("gem", null, name, version);
            case "Packagist":
                var part = name.IndexOf('/', StringComparison.Ordinal);
                return part > 0
                    ? PurlBuilder.Build("composer", name[..part], name[(part + 1)..], version)
                    : PurlBuilder.Build("composer", null, name, version);
            default:
                return null;
        }
    }

    /// <summary>PEP 503 normalisation: lower case, runs of "-", "_" and "." become one "-".</summary>
    public static string NormalizePython(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        var lastWasSeparator = false;
        foreach (var c in name)
        {
            if (c is '-' or '_' or '.')
            {
                if (!lastWasSeparator)
                {
                    sb.Append('-');
                }
                lastWasSeparator = true;
                continue;
            }
            sb.Append(char.ToLowerInvariant(c));
            lastWasSeparator = false;
        }
        return sb.ToString();
    }
}
