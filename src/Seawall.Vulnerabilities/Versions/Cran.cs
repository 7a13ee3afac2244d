namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// CRAN and Bioconductor (R's package_version) and Hackage (Haskell's Data.Version): numbers separated by '.'
/// (R also accepts '-'), compared in turn; when one is a prefix of the other the longer is newer, so 1.0 &lt; 1.0.0.
/// </summary>
internal sealed class NumericListComparer(string scheme, bool hyphenSeparates) : VersionComparer<NumericListVersion>
{
    public override string Scheme { get; } = scheme;

    protected override NumericListVersion? ParseCore(string original, string trimmed)
    {
        var parts = new List<Numeral>();
        var start = 0;
        for (var i = 0; i <= trimmed.Length; i++)
        {
            if (i < trimmed.Length && char.IsAsciiDigit(trimmed[i]))
            {
                continue;
            }
            if (i == start || (i < trimmed.Length && trimmed[i] != '.' && !(hyphenSeparates && trimmed[i] == '-')))
            {
                return null;
            }
            parts.Add(Numeral.Parse(trimmed.AsSpan(start, i - start)));
            start = i + 1;
        }
        return new NumericListVersion(original, Scheme, [.. parts]);
    }
}

internal sealed class NumericListVersion : ParsedVersion
{
    private readonly Numeral[] parts;

    public NumericListVersion(string text, string scheme, Numeral[] parts) : base(text)
    {
        Scheme = scheme;
        this.parts = parts;
    }

    public override string Scheme { get; }

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = (NumericListVersion)other;
        if (!ReferenceEquals(Scheme, o.Scheme) && Scheme != o.Scheme)
        {
            throw new ArgumentException($"cannot compare {Scheme} version '{Text}' with {o.Scheme} version '{o.Text}'", nameof(other));
        }
        var common = Math.Min(parts.Length, o.parts.Length);
        for (var i = 0; i < common; i++)
        {
            var c = parts[i].CompareTo(o.parts[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return parts.Length.CompareTo(o.parts.Length);
    }
}
