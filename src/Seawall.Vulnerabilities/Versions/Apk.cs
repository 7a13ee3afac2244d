namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// Alpine, Wolfi, Chainguard and other apk distributions: <c>number{.number}[letter]{_suffix[number]}[~hash][-r#]</c>.
/// Numbers compare numerically, except that a later component with a leading zero compares as text (Gentoo's rule,
/// so 1.02 &lt; 1.1); suffixes order alpha &lt; beta &lt; pre &lt; rc &lt; (none) &lt; cvs &lt; svn &lt; git &lt; hg &lt; p;
/// the commit hash is ignored. Text that does not follow the grammar still orders the way OSV's reference does:
/// the parsed prefix first, then a clean version above one with leftovers, and two malformed ones by plain text.
/// </summary>
internal sealed class ApkComparer : VersionComparer<ApkVersion>
{
    // In sort order; "none" (no suffix) sits between rc and cvs.
    private static readonly string[] Suffixes = ["alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"];
    internal const int NoSuffix = 4;

    public override string Scheme => "apk";

    protected override ApkVersion? ParseCore(string original, string trimmed)
    {
        var s = trimmed;
        var pos = 0;
        var components = new List<ApkComponent>();
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            var start = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }
            components.Add(new ApkComponent(Numeral.Parse(s.AsSpan(start, pos - start)), s[start] == '0' && components.Count > 0, s[start..pos]));
            // A dot is taken even when no digit follows ("1." and "0..1" are what apk calls valid-ish).
            if (pos < s.Length && s[pos] == '.')
            {
                pos++;
            }
        }
        var letter = '\0';
        if (pos < s.Length && char.IsAsciiLetterLower(s[pos]))
        {
            letter = s[pos++];
        }
        var suffixes = new List<ApkSuffix>();
        while (pos < s.Length && s[pos] == '_' && TryReadSuffix(s, pos + 1, out var suffix, out var next))
        {
            suffixes.Add(suffix);
            pos = next;
        }
        if (pos < s.Length && s[pos] == '~' && pos + 1 < s.Length && char.IsAsciiHexDigitLower(s[pos + 1]))
        {
            pos++;
            while (pos < s.Length && char.IsAsciiHexDigitLower(s[pos]))
            {
                pos++;
            }
        }
        var revision = Numeral.Zero;
        var malformed = false;
        if (pos < s.Length)
        {
            if (s.AsSpan(pos).StartsWith("-r", StringComparison.Ordinal))
            {
                pos += 2;
                var start = pos;
                while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                {
                    pos++;
                }
                revision = Numeral.Parse(s.AsSpan(start, pos - start));
            }
            else
            {
                malformed = true;
            }
        }
        return new ApkVersion(original, trimmed, [.. components], letter, [.. suffixes], revision, hasRemainder: pos < s.Length, malformed);
    }

    private static bool TryReadSuffix(string s, int pos, out ApkSuffix suffix, out int next)
    {
        for (var weight = 0; weight < Suffixes.Length; weight++)
        {
            var name = Suffixes[weight];
            if (name.Length > 0 && s.AsSpan(pos).StartsWith(name, StringComparison.Ordinal))
            {
                var start = pos + name.Length;
                var end = start;
                while (end < s.Length && char.IsAsciiDigit(s[end]))
                {
                    end++;
                }
                suffix = new ApkSuffix(weight, Numeral.Parse(s.AsSpan(start, end - start)));
                next = end;
                return true;
            }
        }
        suffix = default;
        next = pos;
        return false;
    }
}

internal readonly record struct ApkComponent(Numeral Value, bool LeadingZero, string Digits);

internal readonly record struct ApkSuffix(int Weight, Numeral Number);

internal sealed class ApkVersion : ParsedVersion
{
    private readonly string trimmed;
    private readonly ApkComponent[] components;
    private readonly char letter;
    private readonly ApkSuffix[] suffixes;
    private readonly Numeral revision;
    private readonly bool hasRemainder;

    public ApkVersion(string text, string trimmed, ApkComponent[] components, char letter, ApkSuffix[] suffixes, Numeral revision, bool hasRemainder, bool malformed) : base(text)
    {
        this.trimmed = trimmed;
        this.components = components;
        this.letter = letter;
        this.suffixes = suffixes;
        this.revision = revision;
        this.hasRemainder = hasRemainder || malformed;
        Malformed = malformed;
    }

    public override string Scheme => "apk";

    /// <summary>Something other than "-r#" follows the parsed part.</summary>
    public bool Malformed { get; }

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = (ApkVersion)other;
        if (Malformed && o.Malformed)
        {
            return string.CompareOrdinal(trimmed, o.trimmed);
        }
        var count = Math.Max(components.Length, o.components.Length);
        for (var i = 0; i < count; i++)
        {
            var c = CompareComponent(i < components.Length ? components[i] : default, i < o.components.Length ? o.components[i] : default);
            if (c != 0)
            {
                return c;
            }
        }
        if (letter != o.letter)
        {
            return letter.CompareTo(o.letter);
        }
        count = Math.Max(suffixes.Length, o.suffixes.Length);
        for (var i = 0; i < count; i++)
        {
            var a = i < suffixes.Length ? suffixes[i] : new ApkSuffix(ApkComparer.NoSuffix, Numeral.Zero);
            var b = i < o.suffixes.Length ? o.suffixes[i] : new ApkSuffix(ApkComparer.NoSuffix, Numeral.Zero);
            var c = a.Weight != b.Weight ? a.Weight.CompareTo(b.Weight) : a.Number.CompareTo(b.Number);
            if (c != 0)
            {
                return c;
            }
        }
        var r = revision.CompareTo(o.revision);
        if (r != 0)
        {
            return r;
        }
        // A clean version is greater than the same one with unparsed leftovers.
        return hasRemainder == o.hasRemainder ? 0 : hasRemainder ? -1 : 1;
    }

    private static int CompareComponent(ApkComponent a, ApkComponent b)
    {
        // A missing component (default) is a plain zero.
        if ((a.LeadingZero || b.LeadingZero) && a.Digits is not null && b.Digits is not null)
        {
            return string.CompareOrdinal(a.Digits, b.Digits);
        }
        return a.Value.CompareTo(b.Value);
    }
}
