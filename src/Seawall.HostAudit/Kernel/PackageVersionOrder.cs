namespace Seawall.HostAudit.Kernel;

/// <summary>
/// The two version orders kernel packages need, kept here because the host audit references Core only (the full
/// comparers live in Seawall.Vulnerabilities). Both follow the package managers' own algorithms and are tested on the
/// shared corpus's Debian and Red Hat ordering vectors: dpkg's verrevcmp (epoch, upstream, revision; '~' sorts
/// before everything, letters before other symbols) and rpm's rpmvercmp over epoch, version and release ('~' before
/// and '^' after the empty string; numeric segments newer than alphabetic ones). Release strings (uname -r) of
/// kernels without a package to compare by are ordered with rpmvercmp too, which orders the numbers they carry.
/// </summary>
internal static class PackageVersionOrder
{
    /// <summary>dpkg order of two Debian versions ("[epoch:]upstream[-revision]").</summary>
    public static int Dpkg(string a, string b)
    {
        var (epochA, upstreamA, revisionA) = SplitDebian(a);
        var (epochB, upstreamB, revisionB) = SplitDebian(b);
        var byEpoch = CompareDigits(epochA, epochB);
        if (byEpoch != 0)
        {
            return byEpoch;
        }
        var byUpstream = VerRevCmp(upstreamA, upstreamB);
        return byUpstream != 0 ? byUpstream : VerRevCmp(revisionA, revisionB);
    }

    /// <summary>rpm order of two "[epoch:]version[-release]" strings.</summary>
    public static int Rpm(string a, string b)
    {
        var (epochA, versionA, releaseA) = SplitRpm(a);
        var (epochB, versionB, releaseB) = SplitRpm(b);
        var byEpoch = RpmVerCmp(epochA, epochB);
        if (byEpoch != 0)
        {
            return byEpoch;
        }
        var byVersion = RpmVerCmp(versionA, versionB);
        if (byVersion != 0)
        {
            return byVersion;
        }
        // A version without a release sorts before the same version with one (as the shared vectors expect).
        return (releaseA, releaseB) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            _ => RpmVerCmp(releaseA, releaseB),
        };
    }

    /// <summary>Order of two kernel release strings ("6.1.0-18-amd64", "5.14.0-362.8.1.el9_3.x86_64"), segment by segment.</summary>
    public static int Release(string a, string b) => RpmVerCmp(a, b);

    private static (string Epoch, string Upstream, string Revision) SplitDebian(string version)
    {
        var colon = version.IndexOf(':', StringComparison.Ordinal);
        var epoch = colon > 0 ? version[..colon] : "0";
        var rest = colon >= 0 ? version[(colon + 1)..] : version;
        var dash = rest.LastIndexOf('-');
        return dash >= 0 ? (epoch, rest[..dash], rest[(dash + 1)..]) : (epoch, rest, string.Empty);
    }

    private static (string Epoch, string Version, string? Release) SplitRpm(string evr)
    {
        var colon = evr.IndexOf(':', StringComparison.Ordinal);
        var epoch = colon >= 0 ? evr[..colon] : "0";
        var rest = colon >= 0 ? evr[(colon + 1)..] : evr;
        var dash = rest.LastIndexOf('-');
        return dash >= 0 ? (epoch.Length == 0 ? "0" : epoch, rest[..dash], rest[(dash + 1)..]) : (epoch.Length == 0 ? "0" : epoch, rest, null);
    }

    // dpkg's verrevcmp: alternating non-digit and digit runs.
    private static int VerRevCmp(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            var firstDiff = 0;
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var ac = i < a.Length ? Order(a[i]) : 0;
                var bc = j < b.Length ? Order(b[j]) : 0;
                if (ac != bc)
                {
                    return ac < bc ? -1 : 1;
                }
                i++;
                j++;
            }
            var startA = i;
            while (i < a.Length && char.IsAsciiDigit(a[i]))
            {
                i++;
            }
            var startB = j;
            while (j < b.Length && char.IsAsciiDigit(b[j]))
            {
                j++;
            }
            firstDiff = CompareDigits(a[startA..i], b[startB..j]);
            if (firstDiff != 0)
            {
                return firstDiff;
            }
        }
        return 0;
    }

    private static int Order(char c) => c switch
    {
        '~' => -1,
        _ when char.IsAsciiDigit(c) => 0,
        _ when char.IsAsciiLetter(c) => c,
        _ => c + 256,
    };

    // Numbers of any length: leading zeros dropped, then longer is bigger, then digit by digit.
    private static int CompareDigits(string a, string b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        if (a.Length != b.Length)
        {
            return a.Length < b.Length ? -1 : 1;
        }
        return Math.Sign(string.CompareOrdinal(a, b));
    }

    // rpm's rpmvercmp (lib/rpmvercmp.c): ASCII alphanumeric segments, everything else separates.
    private static int RpmVerCmp(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 0;
        }
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && !char.IsAsciiLetterOrDigit(a[i]) && a[i] is not ('~' or '^'))
            {
                i++;
            }
            while (j < b.Length && !char.IsAsciiLetterOrDigit(b[j]) && b[j] is not ('~' or '^'))
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
                if (i >= a.Length)
                {
                    return -1;
                }
                if (j >= b.Length)
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
            if (i >= a.Length || j >= b.Length)
            {
                break;
            }
            var numeric = char.IsAsciiDigit(a[i]);
            var endA = i;
            var endB = j;
            Func<char, bool> inSegment = numeric ? char.IsAsciiDigit : char.IsAsciiLetter;
            while (endA < a.Length && inSegment(a[endA]))
            {
                endA++;
            }
            while (endB < b.Length && inSegment(b[endB]))
            {
                endB++;
            }
            if (endB == j)
            {
                // Segments of different kinds: a number is newer than letters.
                return numeric ? 1 : -1;
            }
            var compared = numeric ? CompareDigits(a[i..endA], b[j..endB]) : Math.Sign(string.CompareOrdinal(a[i..endA], b[j..endB]));
            if (compared != 0)
            {
                return compared;
            }
            i = endA;
            j = endB;
        }
        if (i >= a.Length && j >= b.Length)
        {
            return 0;
        }
        return i >= a.Length ? -1 : 1;
    }
}
