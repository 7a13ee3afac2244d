namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// Debian and Ubuntu: <c>[epoch:]upstream[-revision]</c> ordered as dpkg's verrevcmp does (deb-version(7)):
/// alternating non-digit and digit runs, where '~' sorts before everything (even the end of the string), letters
/// before other characters, and digit runs compare as numbers. A missing revision equals "0".
/// </summary>
internal sealed class DpkgComparer : VersionComparer<DpkgVersion>
{
    public override string Scheme => "dpkg";

    protected override DpkgVersion? ParseCore(string original, string trimmed)
    {
        var epoch = Numeral.Zero;
        var rest = trimmed.AsSpan();
        var colon = rest.IndexOf(':');
        if (colon >= 0)
        {
            // dpkg rejects a non-numeric or empty epoch and an empty version after it.
            if (colon == 0 || !Identifier.AllDigits(rest[..colon]) || colon == rest.Length - 1)
            {
                return null;
            }
            epoch = Numeral.Parse(rest[..colon]);
            rest = rest[(colon + 1)..];
        }
        var upstream = rest;
        var revision = ReadOnlySpan<char>.Empty;
        var hyphen = rest.LastIndexOf('-');
        if (hyphen >= 0)
        {
            upstream = rest[..hyphen];
            revision = rest[(hyphen + 1)..];
            if (revision.IsEmpty)
            {
                return null;
            }
        }
        if (upstream.IsEmpty || !char.IsAsciiDigit(upstream[0]))
        {
            return null;
        }
        foreach (var c in upstream)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '+' or '~' or '-' or ':'))
            {
                return null;
            }
        }
        foreach (var c in revision)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '+' or '~'))
            {
                return null;
            }
        }
        return new DpkgVersion(original, epoch, upstream.ToString(), revision.ToString());
    }

    /// <summary>dpkg's verrevcmp: compare non-digit runs character by character with <see cref="Order"/>, then digit runs numerically.</summary>
    internal static int VerRevCmp(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var ac = i < a.Length ? Order(a[i]) : 0;
                var bc = j < b.Length ? Order(b[j]) : 0;
                if (ac != bc)
                {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < a.Length && a[i] == '0')
            {
                i++;
            }
            while (j < b.Length && b[j] == '0')
            {
                j++;
            }
            var firstDiff = 0;
            while (i < a.Length && char.IsAsciiDigit(a[i]) && j < b.Length && char.IsAsciiDigit(b[j]))
            {
                if (firstDiff == 0)
                {
                    firstDiff = a[i] - b[j];
                }
                i++;
                j++;
            }
            if (i < a.Length && char.IsAsciiDigit(a[i]))
            {
                return 1;
            }
            if (j < b.Length && char.IsAsciiDigit(b[j]))
            {
                return -1;
            }
            if (firstDiff != 0)
            {
                return firstDiff;
            }
        }
        return 0;
    }

    // '~' before the end of the string, which is before letters, which are before every other character.
    private static int Order(char c) => c switch
    {
        '~' => -1,
        _ when char.IsAsciiDigit(c) => 0,
        _ when char.IsAsciiLetter(c) => c,
        _ => c + 256,
    };
}

internal sealed class DpkgVersion : ParsedVersion
{
    public DpkgVersion(string text, Numeral epoch, string upstream, string revision) : base(text)
    {
        Epoch = epoch;
        Upstream = upstream;
        Revision = revision;
    }

    public override string Scheme => "dpkg";

    public Numeral Epoch { get; }

    public string Upstream { get; }

    public string Revision { get; }

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = (DpkgVersion)other;
        var c = Epoch.CompareTo(o.Epoch);
        if (c == 0)
        {
            c = DpkgComparer.VerRevCmp(Upstream, o.Upstream);
        }
        if (c == 0)
        {
            c = DpkgComparer.VerRevCmp(Revision, o.Revision);
        }
        return c;
    }
}
