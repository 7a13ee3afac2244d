using System.Diagnostics.CodeAnalysis;

namespace Seawall.Vulnerabilities.Versions;

/// <summary>What every scheme shares: the input guard, Parse and Compare built on the scheme's own parser.</summary>
internal abstract class VersionComparer<TVersion> : IVersionComparer where TVersion : ParsedVersion
{
    /// <summary>Longer strings are not versions of any scheme (the longest real ones are under 100 characters).</summary>
    public const int MaxLength = 256;

    public abstract string Scheme { get; }

    public bool TryParse(string? text, [NotNullWhen(true)] out ParsedVersion? version)
    {
        version = null;
        if (text is null || text.Length > MaxLength)
        {
            return false;
        }
        var trimmed = text.AsSpan().Trim(" \t\r\n");
        if (trimmed.IsEmpty)
        {
            return false;
        }
        foreach (var c in trimmed)
        {
            // No scheme has spaces or control characters in a version; other characters are each scheme's business
            // (rpm, for one, treats non-ASCII bytes as separators).
            if (c <= ' ' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return false;
            }
        }
        version = ParseCore(text, trimmed.Length == text.Length ? text : trimmed.ToString());
        return version is not null;
    }

    public ParsedVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new InvalidVersionException(text ?? "", Scheme);

    public int Compare(string a, string b) => Parse(a).CompareTo(Parse(b));

    /// <summary>The scheme's parser; <paramref name="trimmed"/> is non-empty printable ASCII. Null when it is not a version.</summary>
    protected abstract TVersion? ParseCore(string original, string trimmed);

    public override string ToString() => Scheme;
}
