using System.Diagnostics.CodeAnalysis;

namespace Seawall.Core.Model;

/// <summary>
/// A package URL split into its parts and percent-decoded (github.com/package-url/purl-spec):
/// pkg:type/namespace/name@version?qualifiers#subpath. Read wherever a purl comes from outside (SBOMs, VEX, ignore
/// files); the reverse of Inventory's PurlBuilder, for purls other tools wrote: '+' is kept as '+' (Trivy writes it bare), '@' in an npm scope may be bare or "%40".
/// </summary>
public sealed record PackageUrl(string Type, string? Namespace, string Name, string? Version, IReadOnlyDictionary<string, string> Qualifiers, string? Subpath)
{
    /// <summary>Longer purls are refused: no real package needs more, and a hostile SBOM gets no quadratic work.</summary>
    public const int MaxLength = 8192;

    public string? Qualifier(string key) => Qualifiers.GetValueOrDefault(key);

    /// <summary>Parses a purl; false with a short reason when the text is not one.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PackageUrl? purl, [NotNullWhen(false)] out string? error)
    {
        purl = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty purl";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"purl longer than {MaxLength} characters";
            return false;
        }
        if (!text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            error = "does not start with pkg:";
            return false;
        }
        // The spec tolerates "pkg://type/..." and surrounding slashes.
        var rest = text[4..].TrimStart('/');
        string? subpath = null;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            subpath = Decode(rest[(hash + 1)..].Trim('/'));
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
                    continue;
                }
                var value = Decode(pair[(eq + 1)..]);
                if (value.Length > 0)
                {
                    qualifiers[pair[..eq].ToLowerInvariant()] = value;
                }
            }
            rest = rest[..question];
        }
        rest = rest.TrimEnd('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            error = "no type/name";
            return false;
        }
        var type = rest[..slash].ToLowerInvariant();
        if (!char.IsAsciiLetter(type[0]) || !type.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-'))
        {
            error = $"invalid type '{type}'";
            return false;
        }
        rest = rest[(slash + 1)..];
        // The version follows the last '@' after the last '/': a bare '@' of an npm scope ("@babel/core") is not one.
        string? version = null;
        var lastSlash = rest.LastIndexOf('/');
        var at = rest.LastIndexOf('@');
        if (at > lastSlash)
        {
            version = Decode(rest[(at + 1)..]);
            rest = rest[..at];
            lastSlash = rest.LastIndexOf('/');
        }
        var name = Decode(rest[(lastSlash + 1)..]);
        if (name.Length == 0)
        {
            error = "no name";
            return false;
        }
        var ns = lastSlash > 0 ? string.Join('/', rest[..lastSlash].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Decode)) : null;
        purl = new PackageUrl(type, string.IsNullOrEmpty(ns) ? null : ns, name, string.IsNullOrEmpty(version) ? null : version, qualifiers, string.IsNullOrEmpty(subpath) ? null : subpath);
        error = null;
        return true;
    }

    /// <summary>Percent-decoding only: unlike form decoding, '+' stays a plus (dpkg versions, "g++").</summary>
    private static string Decode(string value) => value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;
}
