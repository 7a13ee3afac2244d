namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// SemVer 2.0 as npm, Go, crates.io, Hex and most tag-based ecosystems use it, read leniently the way OSV does:
/// an optional "v" (Go), any number of numeric components (missing ones are zero), a pre-release after '-' (or
/// directly after the numbers, as in "1.0beta"), build metadata after '+' that never counts (Go's "+incompatible").
/// Pre-release identifiers: numeric ones as numbers, below textual ones, which compare by ASCII; more identifiers win.
/// </summary>
internal sealed class SemVerComparer : VersionComparer<SemVersion>
{
    public override string Scheme => "semver";

    protected override SemVersion? ParseCore(string original, string trimmed) =>
        SemVerText.TryRead(trimmed, out var core, out var pre, out var build) ? new SemVersion(original, core, pre, build) : null;
}

/// <summary>Dart's Pub: SemVer, except that build metadata counts: a version with a build is above the same one without, and builds compare like pre-releases.</summary>
internal sealed class PubComparer : VersionComparer<PubVersion>
{
    public override string Scheme => "pub";

    protected override PubVersion? ParseCore(string original, string trimmed) =>
        SemVerText.TryRead(trimmed, out var core, out var pre, out var build) ? new PubVersion(original, core, pre, build) : null;
}

/// <summary>The lenient SemVer reader both schemes share.</summary>
internal static class SemVerText
{
    public static bool TryRead(string s, out Numeral[] core, out Identifier[] pre, out Identifier[] build)
    {
        core = [];
        pre = [];
        build = [];
        var pos = s[0] is 'v' or 'V' ? 1 : 0;
        if (pos >= s.Length || !char.IsAsciiDigit(s[pos]))
        {
            return false;
        }
        // Counted first, so the numbers go straight into one array of the right size (a matcher parses thousands).
        var count = 1;
        for (var scan = pos; scan + 1 < s.Length; scan++)
        {
            if (!char.IsAsciiDigit(s[scan]))
            {
                if (s[scan] != '.' || !char.IsAsciiDigit(s[scan + 1]))
                {
                    break;
                }
                count++;
            }
        }
        core = new Numeral[count];
        for (var i = 0; i < count; i++)
        {
            var start = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }
            core[i] = Numeral.Parse(s.AsSpan(start, pos - start));
            if (i + 1 < count)
            {
                pos++; // the '.'
            }
        }
        if (pos == s.Length)
        {
            return true;
        }
        var plus = s.IndexOf('+', pos);
        var preEnd = plus < 0 ? s.Length : plus;
        // "-beta", ".beta" or "beta" directly after the numbers all start a pre-release.
        var preStart = s[pos] is '-' or '.' ? pos + 1 : pos;
        if (preStart < preEnd)
        {
            pre = Identifier.Split(s[preStart..preEnd]);
        }
        if (plus >= 0 && plus + 1 < s.Length)
        {
            build = Identifier.Split(s[(plus + 1)..]);
        }
        return true;
    }

    public static int CompareCore(Numeral[] a, Numeral[] b)
    {
        var count = Math.Max(a.Length, b.Length);
        for (var i = 0; i < count; i++)
        {
            var c = (i < a.Length ? a[i] : Numeral.Zero).CompareTo(i < b.Length ? b[i] : Numeral.Zero);
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }

    /// <summary>No pre-release is above any pre-release; otherwise identifier by identifier.</summary>
    public static int ComparePre(Identifier[] a, Identifier[] b, StringComparison textComparison)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return b.Length.CompareTo(a.Length);
        }
        return Identifier.CompareLists(a, b, textComparison);
    }
}

internal class SemVersion : ParsedVersion
{
    public SemVersion(string text, Numeral[] core, Identifier[] pre, Identifier[] build) : base(text)
    {
        Core = core;
        Pre = pre;
        Build = build;
    }

    public override string Scheme => "semver";

    internal Numeral[] Core { get; }

    internal Identifier[] Pre { get; }

    internal Identifier[] Build { get; }

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = (SemVersion)other;
        var c = SemVerText.CompareCore(Core, o.Core);
        return c != 0 ? c : SemVerText.ComparePre(Pre, o.Pre, StringComparison.Ordinal);
    }
}

internal sealed class PubVersion : SemVersion
{
    public PubVersion(string text, Numeral[] core, Identifier[] pre, Identifier[] build) : base(text, core, pre, build) { }

    public override string Scheme => "pub";

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var c = base.CompareSameScheme(other);
        if (c != 0)
        {
            return c;
        }
        var o = (PubVersion)other;
        // Unlike pre-releases, having a build ranks above having none.
        if (Build.Length == 0 || o.Build.Length == 0)
        {
            return Build.Length.CompareTo(o.Build.Length);
        }
        return Identifier.CompareLists(Build, o.Build, StringComparison.Ordinal);
    }
}
