using System.Runtime.InteropServices;

namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// PyPI: PEP 440, normalised as the <c>packaging</c> library does — case-insensitive, optional "v", epochs ("1!2.0"),
/// release numbers padded with zeros, pre-releases a/b/rc (alpha, beta, c, pre, preview are spellings of them) with an
/// implicit 0, post-releases (".post1", "-1", "rev", "r"), dev releases, and local versions ("+ubuntu.1", numeric parts
/// above textual ones). Order: dev &lt; pre &lt; final &lt; post; a dev-only release is below all its pre-releases.
/// Strings that are not PEP 440 are legacy (setuptools) versions, ordered below every PEP 440 version, as
/// <c>packaging</c>'s LegacyVersion did.
/// </summary>
internal sealed class Pep440Comparer : VersionComparer<Pep440Version>
{
    public override string Scheme => "pep440";

    protected override Pep440Version? ParseCore(string original, string trimmed)
    {
        var s = trimmed.ToLowerInvariant();
        return TryParseModern(original, s) ?? new Pep440Version(original, LegacyParts(s));
    }

    /// <summary>Scratch for the release numbers: the version keeps one array of exactly the ones that count.</summary>
    [ThreadStatic]
    private static List<Numeral>? s_release;

    private static Pep440Version? TryParseModern(string original, string s)
    {
        var pos = s[0] == 'v' ? 1 : 0;
        var epoch = Numeral.Zero;
        var digits = ReadDigits(s, ref pos);
        if (digits.IsEmpty)
        {
            return null;
        }
        if (pos < s.Length && s[pos] == '!')
        {
            epoch = Numeral.Parse(digits);
            pos++;
            digits = ReadDigits(s, ref pos);
            if (digits.IsEmpty)
            {
                return null;
            }
        }
        var release = s_release ??= new List<Numeral>(8);
        release.Clear();
        release.Add(Numeral.Parse(digits));
        while (pos + 1 < s.Length && s[pos] == '.' && char.IsAsciiDigit(s[pos + 1]))
        {
            pos++;
            release.Add(Numeral.Parse(ReadDigits(s, ref pos)));
        }
        // Trailing zeros do not count: 1.0 == 1.0.0.
        var length = release.Count;
        while (length > 1 && release[length - 1].IsZero)
        {
            length--;
        }

        PreKind pre = PreKind.None;
        var preNumber = Numeral.Zero;
        var at = pos;
        SkipSeparator(s, ref at);
        var word = MatchWord(s, at, PreWords);
        if (word >= 0)
        {
            pre = PreKindOf[word];
            pos = at + PreWords[word].Length;
            preNumber = ReadOptionalNumber(s, ref pos);
        }

        Numeral? post = null;
        if (pos + 1 < s.Length && s[pos] == '-' && char.IsAsciiDigit(s[pos + 1]))
        {
            pos++;
            post = Numeral.Parse(ReadDigits(s, ref pos));
        }
        else
        {
            at = pos;
            SkipSeparator(s, ref at);
            word = MatchWord(s, at, PostWords);
            if (word >= 0)
            {
                pos = at + PostWords[word].Length;
                post = ReadOptionalNumber(s, ref pos);
            }
        }

        Numeral? dev = null;
        at = pos;
        SkipSeparator(s, ref at);
        if (s.AsSpan(at).StartsWith("dev", StringComparison.Ordinal))
        {
            pos = at + 3;
            dev = ReadOptionalNumber(s, ref pos);
        }

        Identifier[]? local = null;
        if (pos < s.Length && s[pos] == '+')
        {
            local = ReadLocal(s.AsSpan(pos + 1));
            if (local is null)
            {
                return null;
            }
            pos = s.Length;
        }
        if (pos != s.Length)
        {
            return null;
        }
        return new Pep440Version(original, epoch, CollectionsMarshal.AsSpan(release)[..length].ToArray(), pre, preNumber, post, dev, local);
    }

    private static readonly string[] PreWords = ["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"];
    private static readonly PreKind[] PreKindOf = [PreKind.Alpha, PreKind.Alpha, PreKind.Beta, PreKind.Beta, PreKind.Candidate, PreKind.Candidate, PreKind.Candidate, PreKind.Candidate];
    private static readonly string[] PostWords = ["post", "rev", "r"];

    private static ReadOnlySpan<char> ReadDigits(string s, ref int pos)
    {
        var start = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }
        return s.AsSpan(start, pos - start);
    }

    private static void SkipSeparator(string s, ref int pos)
    {
        if (pos < s.Length && s[pos] is '-' or '_' or '.')
        {
            pos++;
        }
    }

    /// <summary>The first word of the list at <paramref name="pos"/>; the lists put longer spellings first.</summary>
    private static int MatchWord(string s, int pos, string[] words)
    {
        for (var i = 0; i < words.Length; i++)
        {
            if (s.AsSpan(pos).StartsWith(words[i], StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>An optional separator and number after a pre/post/dev word; the number is 0 when absent.</summary>
    private static Numeral ReadOptionalNumber(string s, ref int pos)
    {
        var at = pos;
        SkipSeparator(s, ref at);
        // The separator is taken even without a number ("1.0a-" is 1.0a0): every later part accepts a missing one.
        var digits = ReadDigits(s, ref at);
        pos = at;
        return Numeral.Parse(digits);
    }

    private static Identifier[]? ReadLocal(ReadOnlySpan<char> text)
    {
        var parts = new List<Identifier>();
        foreach (var range in text.SplitAny("-_."))
        {
            var part = text[range];
            if (part.IsEmpty)
            {
                return null;
            }
            foreach (var c in part)
            {
                if (!char.IsAsciiLetterOrDigit(c))
                {
                    return null;
                }
            }
            parts.Add(new Identifier(part.ToString()));
        }
        return [.. parts];
    }

    /// <summary>setuptools' legacy key: numbers zero-padded to 8, words prefixed by '*', pre-release words below "*final".</summary>
    private static string[] LegacyParts(string s)
    {
        var parts = new List<string>();
        var pos = 0;
        while (pos <= s.Length)
        {
            string part;
            if (pos == s.Length)
            {
                part = "*final";
                pos++;
            }
            else
            {
                var start = pos;
                var c = s[pos];
                if (char.IsAsciiDigit(c))
                {
                    while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                    {
                        pos++;
                    }
                }
                else if (char.IsAsciiLetterLower(c))
                {
                    while (pos < s.Length && char.IsAsciiLetterLower(s[pos]))
                    {
                        pos++;
                    }
                }
                else if (c is '.' or '-')
                {
                    pos++;
                }
                else
                {
                    // Text between the recognised tokens is kept as a token of its own, as re.split does.
                    while (pos < s.Length && !char.IsAsciiDigit(s[pos]) && !char.IsAsciiLetterLower(s[pos]) && s[pos] is not ('.' or '-'))
                    {
                        pos++;
                    }
                }
                var raw = s[start..pos];
                if (raw == ".")
                {
                    continue;
                }
                raw = raw switch
                {
                    "pre" or "preview" or "rc" => "c",
                    "-" => "final-",
                    "dev" => "@",
                    _ => raw,
                };
                part = char.IsAsciiDigit(raw[0]) ? raw.PadLeft(8, '0') : "*" + raw;
            }
            if (part[0] == '*')
            {
                if (string.CompareOrdinal(part, "*final") < 0)
                {
                    while (parts.Count > 0 && parts[^1] == "*final-")
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }
                }
                while (parts.Count > 0 && parts[^1] == "00000000")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            parts.Add(part);
        }
        return [.. parts];
    }
}

internal enum PreKind
{
    Alpha = 0,
    Beta = 1,
    Candidate = 2,
    None = 3,
}

internal sealed class Pep440Version : ParsedVersion
{
    private readonly string[]? legacy;
    private readonly Numeral epoch;
    private readonly Numeral[] release = [];
    private readonly PreKind pre;
    private readonly Numeral preNumber;
    private readonly Numeral? post;
    private readonly Numeral? dev;
    private readonly Identifier[]? local;

    public Pep440Version(string text, Numeral epoch, Numeral[] release, PreKind pre, Numeral preNumber, Numeral? post, Numeral? dev, Identifier[]? local) : base(text)
    {
        this.epoch = epoch;
        this.release = release;
        this.pre = pre;
        this.preNumber = preNumber;
        this.post = post;
        this.dev = dev;
        this.local = local;
    }

    public Pep440Version(string text, string[] legacy) : base(text) => this.legacy = legacy;

    public override string Scheme => "pep440";

    /// <summary>Not a PEP 440 version; ordered by setuptools' legacy rules below all PEP 440 ones.</summary>
    public bool IsLegacy => legacy is not null;

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = (Pep440Version)other;
        if (legacy is not null || o.legacy is not null)
        {
            if (legacy is null || o.legacy is null)
            {
                return legacy is null ? 1 : -1;
            }
            return CompareLegacy(legacy, o.legacy);
        }
        var c = epoch.CompareTo(o.epoch);
        if (c != 0)
        {
            return c;
        }
        c = SemVerText.CompareCore(release, o.release);
        if (c != 0)
        {
            return c;
        }
        c = PreRank().CompareTo(o.PreRank());
        if (c != 0)
        {
            return c;
        }
        if (pre != PreKind.None)
        {
            c = preNumber.CompareTo(o.preNumber);
            if (c != 0)
            {
                return c;
            }
        }
        c = CompareOptional(post, o.post, missingIsLow: true);
        if (c != 0)
        {
            return c;
        }
        c = CompareOptional(dev, o.dev, missingIsLow: false);
        if (c != 0)
        {
            return c;
        }
        if (local is null || o.local is null)
        {
            return (local is null ? 0 : 1) - (o.local is null ? 0 : 1);
        }
        // Local parts: numeric above textual, the opposite of SemVer's pre-release rule.
        var common = Math.Min(local.Length, o.local.Length);
        for (var i = 0; i < common; i++)
        {
            var a = local[i];
            var b = o.local[i];
            c = a.IsNumeric != b.IsNumeric ? (a.IsNumeric ? 1 : -1) : a.CompareTo(b, StringComparison.Ordinal);
            if (c != 0)
            {
                return c;
            }
        }
        return local.Length.CompareTo(o.local.Length);
    }

    // packaging's trick: a dev release without pre or post sorts before every pre-release of its version.
    private int PreRank() => pre == PreKind.None && post is null && dev is not null ? -1 : (int)pre;

    private static int CompareOptional(Numeral? a, Numeral? b, bool missingIsLow)
    {
        if (a is null || b is null)
        {
            if (a is null && b is null)
            {
                return 0;
            }
            return (a is null) == missingIsLow ? -1 : 1;
        }
        return a.Value.CompareTo(b.Value);
    }

    private static int CompareLegacy(string[] a, string[] b)
    {
        var common = Math.Min(a.Length, b.Length);
        for (var i = 0; i < common; i++)
        {
            var c = string.CompareOrdinal(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return a.Length.CompareTo(b.Length);
    }
}
