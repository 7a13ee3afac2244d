namespace Seawall.Vulnerabilities.Versions;

/// <summary>
/// The Red Hat family, SUSE, Amazon, Mageia, openEuler: <c>[epoch:]version[-release]</c>, each part ordered by rpmvercmp:
/// separators only split, '~' sorts before anything (pre-release), '^' after the base version but before any other
/// continuation (post-release snapshot), digit runs beat letter runs and compare as numbers, letters compare by byte.
/// A version without a release sorts before the same version with one (OSV's vectors; rpm itself ignores the release then).
/// </summary>
internal sealed class RpmComparer : VersionComparer<RpmVersion>
{
    public override string Scheme => "rpm";

    protected override RpmVersion? ParseCore(string original, string trimmed)
    {
        var rest = trimmed.AsSpan();
        var epoch = Numeral.Zero;
        // rpm reads an epoch only when everything before the first ':' is digits ("a:1" is a plain version).
        var colon = rest.IndexOf(':');
        if (colon >= 0 && Identifier.AllDigits(rest[..colon]))
        {
            epoch = Numeral.Parse(rest[..colon]);
            rest = rest[(colon + 1)..];
        }
        string? release = null;
        var hyphen = rest.LastIndexOf('-');
        if (hyphen >= 0)
        {
            release = rest[(hyphen + 1)..].ToString();
            rest = rest[..hyphen];
        }
        return rest.IsEmpty ? null : new RpmVersion(original, epoch, rest.ToString(), release);
    }

    /// <summary>rpmvercmp (rpm 4.15 and later, with the caret).</summary>
    internal static int RpmVerCmp(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 0;
        }
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && IsSeparator(a[i]))
            {
                i++;
            }
            while (j < b.Length && IsSeparator(b[j]))
            {
                j++;
            }
            var ca = i < a.Length ? a[i] : '\0';
            var cb = j < b.Length ? b[j] : '\0';
            if (ca == '~' || cb == '~')
            {
                if (ca != '~')
                {
                    return 1;
                }
                if (cb != '~')
                {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (ca == '^' || cb == '^')
            {
                if (ca == '\0')
                {
                    return -1;
                }
                if (cb == '\0')
                {
                    return 1;
                }
                if (ca != '^')
                {
                    return 1;
                }
                if (cb != '^')
                {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (ca == '\0' || cb == '\0')
            {
                break;
            }
            var numeric = char.IsAsciiDigit(ca);
            int endA = i, endB = j;
            if (numeric)
            {
                while (endA < a.Length && char.IsAsciiDigit(a[endA]))
                {
                    endA++;
                }
                while (endB < b.Length && char.IsAsciiDigit(b[endB]))
                {
                    endB++;
                }
            }
            else
            {
                while (endA < a.Length && char.IsAsciiLetter(a[endA]))
                {
                    endA++;
                }
                while (endB < b.Length && char.IsAsciiLetter(b[endB]))
                {
                    endB++;
                }
            }
            // A digit run against a letter run: the digits are newer.
            if (endB == j)
            {
                return numeric ? 1 : -1;
            }
            var segA = a.AsSpan(i, endA - i);
            var segB = b.AsSpan(j, endB - j);
            if (numeric)
            {
                segA = segA.TrimStart('0');
                segB = segB.TrimStart('0');
                if (segA.Length != segB.Length)
                {
                    return segA.Length > segB.Length ? 1 : -1;
                }
            }
            var c = segA.SequenceCompareTo(segB);
            if (c != 0)
            {
                return c;
            }
            i = endA;
            j = endB;
        }
        var leftA = i < a.Length;
        var leftB = j < b.Length;
        return leftA == leftB ? 0 : leftA ? 1 : -1;
    }

    private static bool IsSeparator(char c) => !char.IsAsciiLetterOrDigit(c) && c != '~' && c != '^';
}

internal sealed class RpmVersion : ParsedVersion
{
    public RpmVersion(string text, Numeral epoch, string version, string? release) : base(text)
    {
        Epoch = epoch;
        Version = version;
        Release = release;
    }

    public override string Scheme => "rpm";

    public Numeral Epoch { get; }

    public string Version { get; }

    /// <summary>Null when the text has no '-'.</summary>
    public string? Release { get; }

    private protected override int CompareSameScheme(ParsedVersion other)
    {
        var o = (RpmVersion)other;
        var c = Epoch.CompareTo(o.Epoch);
        if (c == 0)
        {
            c = RpmComparer.RpmVerCmp(Version, o.Version);
        }
        if (c == 0)
        {
            c = (Release, o.Release) switch
            {
                (null, null) => 0,
                (null, _) => -1,
                (_, null) => 1,
                _ => RpmComparer.RpmVerCmp(Release, o.Release),
            };
        }
        return c;
    }
}
