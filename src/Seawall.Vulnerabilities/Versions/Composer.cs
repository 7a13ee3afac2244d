namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// Packagist: PHP's version_compare, which Composer builds on, after Composer's normalisation of a leading "v" and of
/// the case of stability words. The text splits at '.', '-', '_', '+' and at every change between digits and other
/// characters; numbers compare as numbers; words rank by prefix dev &lt; alpha = a &lt; beta = b &lt; RC = rc &lt; (number)
/// &lt; patch = pl = p, other words below dev; a trailing "stable" is the release itself. When one side runs out, a
/// following number makes the longer side newer and a following word is weighed against a number.
/// </summary>
internal sealed class ComposerComparer : VersionComparer<ComposerVersion>
{
    public override string Scheme => "composer";

    protected override ComposerVersion? ParseCore(string original, string trimmed)
    {
        var s = trimmed.ToLowerInvariant();
        var pos = s[0] == 'v' ? 1 : 0;
        var tokens = new List<ComposerToken>();
        while (pos < s.Length)
        {
            var c = s[pos];
            if (c is '.' or '-' or '_' or '+')
            {
                pos++;
                continue;
            }
            var start = pos;
            var digit = char.IsAsciiDigit(c);
            while (pos < s.Length && s[pos] is not ('.' or '-' or '_' or '+') && char.IsAsciiDigit(s[pos]) == digit)
            {
                pos++;
            }
            tokens.Add(ComposerToken.Of(s.AsSpan(start, pos - start), digit));
        }
        if (tokens.Count > 1 && tokens[^1].Word == "stable")
        {
            tokens.RemoveAt(tokens.Count - 1);
        }
        return tokens.Count == 0 ? null : new ComposerVersion(original, [.. tokens]);
    }
}

internal readonly struct ComposerToken
{
    /// <summary>The weight of a number when it meets a word (PHP's "#").</summary>
    public const int NumberWeight = 4;

    public bool IsNumber { get; private init; }

    public Numeral Number { get; private init; }

    public string? Word { get; private init; }

    public int Weight { get; private init; }

    public static ComposerToken Of(ReadOnlySpan<char> text, bool digit) => digit
        ? new ComposerToken { IsNumber = true, Number = Numeral.Parse(text), Weight = NumberWeight }
        : new ComposerToken { Word = text.ToString(), Weight = WeightOf(text) };

    // PHP matches the special forms by prefix, in this order.
    private static int WeightOf(ReadOnlySpan<char> word) => word switch
    {
        _ when word.StartsWith("dev") => 0,
        _ when word.StartsWith("alpha") || word.StartsWith("a") => 1,
        _ when word.StartsWith("beta") || word.StartsWith("b") => 2,
        _ when word.StartsWith("rc") => 3,
        _ when word.StartsWith("#") => NumberWeight,
        _ when word.StartsWith("pl") || word.StartsWith("p") => 5,
        _ => -6,
    };
}

internal sealed class ComposerVersion : ParsedVersion
{
    private readonly ComposerToken[] tokens;

    public ComposerVersion(string text, ComposerToken[] tokens) : base(text) => this.tokens = tokens;

    public override string Scheme => "composer";

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = ((ComposerVersion)other).tokens;
        var common = Math.Min(tokens.Length, o.Length);
        for (var i = 0; i < common; i++)
        {
            var a = tokens[i];
            var b = o[i];
            var c = a.IsNumber && b.IsNumber ? a.Number.CompareTo(b.Number) : a.Weight.CompareTo(b.Weight);
            if (c != 0)
            {
                return c;
            }
        }
        return tokens.Length >= o.Length ? Rest(tokens, common) : -Rest(o, common);
    }

    /// <summary>The longer side's leftover against nothing: a number wins, a word is weighed against a number.</summary>
    private static int Rest(ComposerToken[] tokens, int from)
    {
        for (var i = from; i < tokens.Length; i++)
        {
            if (tokens[i].IsNumber)
            {
                return 1;
            }
            var c = tokens[i].Weight.CompareTo(ComposerToken.NumberWeight);
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }
}
