namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// RubyGems, as Gem::Version: segments are runs of digits or letters ('-' starts a pre-release, as ".pre."), trailing
/// zeros of the release part and of the pre-release part are dropped, and segments compare in turn with zeros padding
/// the shorter side: numbers as numbers, letters by text, and any letter segment below any number (1.0.a &lt; 1.0).
/// </summary>
internal sealed class RubyGemsComparer : VersionComparer<RubyGemsVersion>
{
    public override string Scheme => "rubygems";

    protected override RubyGemsVersion? ParseCore(string original, string trimmed)
    {
        if (!char.IsAsciiDigit(trimmed[0]))
        {
            return null;
        }
        var segments = new List<Identifier>();
        var pos = 0;
        while (pos < trimmed.Length)
        {
            var c = trimmed[pos];
            if (c == '.')
            {
                pos++;
                continue;
            }
            if (c == '-')
            {
                segments.Add(new Identifier("pre"));
                pos++;
                continue;
            }
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return null;
            }
            var start = pos;
            var digit = char.IsAsciiDigit(c);
            while (pos < trimmed.Length && (digit ? char.IsAsciiDigit(trimmed[pos]) : char.IsAsciiLetter(trimmed[pos])))
            {
                pos++;
            }
            segments.Add(new Identifier(trimmed[start..pos]));
        }
        // Canonical segments: drop trailing zeros of the numeric release part and of the part from the first letter on.
        var firstText = segments.FindIndex(s => !s.IsNumeric);
        var release = firstText < 0 ? segments : segments.GetRange(0, firstText);
        var pre = firstText < 0 ? [] : segments.GetRange(firstText, segments.Count - firstText);
        TrimZeros(release);
        TrimZeros(pre);
        return new RubyGemsVersion(original, [.. release, .. pre]);
    }

    private static void TrimZeros(List<Identifier> segments)
    {
        while (segments.Count > 0 && segments[^1].IsNumeric && segments[^1].Number.IsZero)
        {
            segments.RemoveAt(segments.Count - 1);
        }
    }
}

internal sealed class RubyGemsVersion : ParsedVersion
{
    private readonly Identifier[] segments;

    public RubyGemsVersion(string text, Identifier[] segments) : base(text) => this.segments = segments;

    public override string Scheme => "rubygems";

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = ((RubyGemsVersion)other).segments;
        var count = Math.Max(segments.Length, o.Length);
        for (var i = 0; i < count; i++)
        {
            var a = i < segments.Length ? segments[i] : Zero;
            var b = i < o.Length ? o[i] : Zero;
            // A letter segment is below a number (a pre-release), the opposite of SemVer's identifier rule.
            if (a.IsNumeric != b.IsNumeric)
            {
                return a.IsNumeric ? 1 : -1;
            }
            var c = a.CompareTo(b, StringComparison.Ordinal);
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }

    private static readonly Identifier Zero = new("0");
}
