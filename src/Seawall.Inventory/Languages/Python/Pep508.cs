using System.Text.RegularExpressions;
using Seawall.Inventory.Purl;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// Python dependency specifiers (PEP 508: "name[extra] (==1.0) ; marker") and versions (PEP 440), as far as
/// lockfile readers need them: the name, and the version when a specifier pins exactly one.
/// </summary>
internal static partial class Pep508
{
    /// <summary>PEP 508 names: ASCII letters and digits, with ".", "_" and "-" inside.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingNameRegex();

    /// <summary>PEP 440 public version with an optional local part (the canonical regex of the spec, without whitespace).</summary>
    [GeneratedRegex(
        @"^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex VersionRegex();

    public static bool IsValidName(string name) => NameRegex().IsMatch(name);

    public static bool IsValidVersion(string version) => VersionRegex().IsMatch(version);

    /// <summary>PEP 503 normalised name: how Python tools compare names ("Zope.Interface" is "zope-interface").</summary>
    public static string Normalize(string name) => LanguagePurls.NormalizePython(name);

    /// <summary>The distribution name a specifier starts with, or null ("requests[socks]>=2; python_version>'3'" gives "requests").</summary>
    public static string? LeadingName(string specifier)
    {
        var match = LeadingNameRegex().Match(specifier);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// A requirement pinned to one version: "name==1.0", "name[extra] === 1.0", with environment markers after ';'
    /// ignored. Ranges, wildcards ("==1.*"), URLs ("name @ https://...") and bare names are not pins: null.
    /// </summary>
    public static (string Name, string Version)? Pinned(string requirement)
    {
        var text = requirement;
        var semicolon = text.IndexOf(';', StringComparison.Ordinal);
        if (semicolon >= 0)
        {
            text = text[..semicolon];
        }
        text = text.Trim();
        var name = LeadingName(text);
        if (name is null)
        {
            return null;
        }
        var rest = text[name.Length..].TrimStart();
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }
            rest = rest[(close + 1)..].TrimStart();
        }
        // PEP 508 allows the specifiers in parentheses: "name (==1.0)".
        if (rest.StartsWith('(') && rest.EndsWith(')'))
        {
            rest = rest[1..^1].Trim();
        }
        if (rest.Length == 0 || rest.StartsWith('@'))
        {
            return null;
        }
        foreach (var clause in rest.Split(','))
        {
            var spec = clause.Trim();
            string version;
            if (spec.StartsWith("===", StringComparison.Ordinal))
            {
                // Arbitrary equality: any string, compared as text.
                version = spec[3..].Trim();
                if (version.Length > 0 && !version.Any(char.IsWhiteSpace))
                {
                    return (name, version);
                }
                return null;
            }
            if (spec.StartsWith("==", StringComparison.Ordinal))
            {
                version = spec[2..].Trim();
                return !version.Contains('*', StringComparison.Ordinal) && IsValidVersion(version) ? (name, version) : null;
            }
        }
        return null;
    }
}
