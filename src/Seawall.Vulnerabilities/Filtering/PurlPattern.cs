using System.Diagnostics.CodeAnalysis;
using Seawall.Core.Model;

namespace Seawall.Vulnerabilities.Filtering;

/// <summary>
/// A package URL used as a pattern (ignore-file scopes, VEX products): type, namespace and name must equal the
/// package's; a version, when the pattern has one, must equal too (none matches every version); each qualifier the
/// pattern names must be on the package with the same value. Names compare without case: npm and PyPI names are
/// lower case by spec, NuGet's are case-insensitive, and no two real Maven or Go packages differ by case alone.
/// </summary>
public sealed record PurlPattern(string Type, string? Namespace, string Name, string? Version, IReadOnlyDictionary<string, string> Qualifiers)
{
    /// <summary>The pattern as written.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Parses "pkg:type/namespace/name@version?qualifiers#subpath" with the one purl reader (the subpath is ignored).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PurlPattern? purl)
    {
        // A pattern is typed by a user: a qualifier without a value is a typo to refuse, not one to skip as in an SBOM.
        if (text is null || !PackageUrl.TryParse(text, out var parsed, out _) || HasBareQualifier(text))
        {
            purl = null;
            return false;
        }
        purl = new PurlPattern(parsed.Type, parsed.Namespace, parsed.Name, parsed.Version, parsed.Qualifiers) { Text = text };
        return true;
    }

    private static bool HasBareQualifier(string text)
    {
        var end = text.IndexOf('#', StringComparison.Ordinal);
        var query = text.IndexOf('?', StringComparison.Ordinal);
        if (query < 0 || (end >= 0 && end < query))
        {
            return false;
        }
        var qualifiers = end < 0 ? text[(query + 1)..] : text[(query + 1)..end];
        return qualifiers.Split('&', StringSplitOptions.RemoveEmptyEntries).Any(pair => pair.IndexOf('=', StringComparison.Ordinal) <= 0);
    }

    /// <summary>Whether the package with this purl is one this pattern names.</summary>
    public bool Matches(PurlPattern package)
    {
        if (!string.Equals(Type, package.Type, StringComparison.Ordinal)
            || !string.Equals(Name, package.Name, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(Namespace ?? string.Empty, package.Namespace ?? string.Empty, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (Version is not null && !string.Equals(Version, package.Version, StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var (key, value) in Qualifiers)
        {
            if (!package.Qualifiers.TryGetValue(key, out var actual) || !string.Equals(value, actual, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether <paramref name="packagePurl"/> parses and matches.</summary>
    public bool Matches(string? packagePurl) => TryParse(packagePurl, out var package) && Matches(package);
}
