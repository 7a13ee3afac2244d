using System.Diagnostics.CodeAnalysis;

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

    /// <summary>Parses "pkg:type/namespace/name@version?qualifiers#subpath" (the subpath is ignored).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PurlPattern? purl)
    {
        purl = null;
        if (text is null || !text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var rest = text[4..].TrimStart('/');
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }
        var qualifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    return false;
                }
                qualifiers[pair[..eq].ToLowerInvariant()] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
            rest = rest[..question];
        }
        string? version = null;
        var at = rest.LastIndexOf('@');
        // An '@' before the last '/' belongs to a namespace (an npm scope written unencoded), not the version.
        if (at >= 0 && at > rest.LastIndexOf('/'))
        {
            version = Uri.UnescapeDataString(rest[(at + 1)..]);
            rest = rest[..at];
        }
        var segments = rest.Trim('/').Split('/');
        if (segments.Length < 2 || segments.Any(s => s.Length == 0))
        {
            return false;
        }
        var type = segments[0].ToLowerInvariant();
        var name = Uri.UnescapeDataString(segments[^1]);
        var ns = segments.Length > 2 ? string.Join('/', segments[1..^1].Select(Uri.UnescapeDataString)) : null;
        purl = new PurlPattern(type, ns, name, string.IsNullOrEmpty(version) ? null : version, qualifiers) { Text = text };
        return true;
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
