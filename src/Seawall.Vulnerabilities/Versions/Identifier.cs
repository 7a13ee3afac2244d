namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// One dot-separated part of a SemVer-style pre-release or build label: numeric parts compare as numbers,
/// the rest as text, and a numeric part is lower than a textual one.
/// </summary>
internal readonly struct Identifier
{
    public Identifier(string text)
    {
        Text = text;
        IsNumeric = text.Length > 0 && AllDigits(text);
        Number = IsNumeric ? Numeral.Parse(text) : Numeral.Zero;
    }

    public string Text { get; }

    public bool IsNumeric { get; }

    public Numeral Number { get; }

    public static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    public static Identifier[] Split(string label) => label.Length == 0 ? [] : Array.ConvertAll(label.Split('.'), part => new Identifier(part));

    public int CompareTo(Identifier other, StringComparison textComparison)
    {
        if (IsNumeric && other.IsNumeric)
        {
            return Number.CompareTo(other.Number);
        }
        if (IsNumeric != other.IsNumeric)
        {
            return IsNumeric ? -1 : 1;
        }
        return string.Compare(Text, other.Text, textComparison);
    }

    /// <summary>Part by part; when one list is a prefix of the other, the longer one is greater.</summary>
    public static int CompareLists(Identifier[] a, Identifier[] b, StringComparison textComparison)
    {
        var common = Math.Min(a.Length, b.Length);
        for (var i = 0; i < common; i++)
        {
            var c = a[i].CompareTo(b[i], textComparison);
            if (c != 0)
            {
                return c;
            }
        }
        return a.Length.CompareTo(b.Length);
    }
}
