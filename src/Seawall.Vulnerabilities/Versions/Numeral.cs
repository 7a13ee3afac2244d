namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// A non-negative integer of any length, as version components are (OSV's test vectors hold 30-digit ones).
/// Up to 19 significant digits it is a ulong and compares as one; longer ones keep their digits.
/// </summary>
internal readonly struct Numeral : IComparable<Numeral>
{
    private const int MaxSmallDigits = 19;

    private readonly ulong small;
    private readonly string? big;

    private Numeral(ulong small, string? big)
    {
        this.small = small;
        this.big = big;
    }

    public static Numeral Zero => default;

    public static Numeral Of(ulong value) => new(value, null);

    public bool IsZero => big is null && small == 0;

    /// <summary>ASCII digits only (an empty span is zero); leading zeros do not count.</summary>
    public static Numeral Parse(ReadOnlySpan<char> digits)
    {
        var start = 0;
        while (start < digits.Length && digits[start] == '0')
        {
            start++;
        }
        var significant = digits[start..];
        if (significant.Length > MaxSmallDigits)
        {
            return new Numeral(0, significant.ToString());
        }
        ulong value = 0;
        foreach (var c in significant)
        {
            value = (value * 10) + (ulong)(c - '0');
        }
        return new Numeral(value, null);
    }

    public int CompareTo(Numeral other)
    {
        if (big is null && other.big is null)
        {
            return small.CompareTo(other.small);
        }
        // A number of 20 or more significant digits is larger than any of 19 or fewer.
        if (big is null)
        {
            return -1;
        }
        if (other.big is null)
        {
            return 1;
        }
        return big.Length != other.big.Length ? big.Length.CompareTo(other.big.Length) : string.CompareOrdinal(big, other.big);
    }

    public override string ToString() => big ?? small.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
