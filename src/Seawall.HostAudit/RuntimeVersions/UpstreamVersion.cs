using System.Globalization;
using System.Text.RegularExpressions;

namespace Seawall.HostAudit.RuntimeVersions;

/// <summary>
/// The upstream release inside a distribution's version string, and an order on upstream releases (semver-like, with
/// runc's "1.0.0-rc95" and "1.4.0-rc.3" pre-releases sorting before their release).
/// </summary>
internal static partial class UpstreamVersion
{
    /// <summary>
    /// "1.1.5+ds1-1+deb12u1" gives 1.1.5, "5:27.3.1-1~debian.12~bookworm" 27.3.1, "1.0.0~rc93+ds1-5" 1.0.0-rc93,
    /// "1.1.12-r3" 1.1.12, "v1.7.22" 1.7.22; null when the string does not start with a release number.
    /// </summary>
    public static string? Of(string version)
    {
        var text = version.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && text[..colon].All(char.IsAsciiDigit))
        {
            text = text[(colon + 1)..];
        }
        text = text.TrimStart('v');
        var match = Leading().Match(text);
        return match.Success ? match.Value.Replace('~', '-') : null;
    }

    /// <summary>Negative when a sorts before b.</summary>
    public static int Compare(string a, string b)
    {
        var (releaseA, preA) = Split(a);
        var (releaseB, preB) = Split(b);
        for (var i = 0; i < Math.Max(releaseA.Length, releaseB.Length); i++)
        {
            var x = i < releaseA.Length ? releaseA[i] : 0;
            var y = i < releaseB.Length ? releaseB[i] : 0;
            if (x != y)
            {
                return x.CompareTo(y);
            }
        }
        if (preA is null || preB is null)
        {
            // A release sorts after its pre-releases.
            return preA is null ? (preB is null ? 0 : 1) : -1;
        }
        var tokensA = Tokens().Matches(preA);
        var tokensB = Tokens().Matches(preB);
        for (var i = 0; i < Math.Min(tokensA.Count, tokensB.Count); i++)
        {
            var ta = tokensA[i].Value;
            var tb = tokensB[i].Value;
            var numeric = long.TryParse(ta, NumberStyles.None, CultureInfo.InvariantCulture, out var na) & long.TryParse(tb, NumberStyles.None, CultureInfo.InvariantCulture, out var nb);
            var c = numeric ? na.CompareTo(nb) : string.CompareOrdinal(ta, tb);
            if (c != 0)
            {
                return c;
            }
        }
        return tokensA.Count.CompareTo(tokensB.Count);
    }

    private static (long[] Release, string? Pre) Split(string version)
    {
        var dash = version.IndexOf('-', StringComparison.Ordinal);
        var release = dash < 0 ? version : version[..dash];
        var parts = release.Split('.').Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).ToArray();
        return (parts, dash < 0 ? null : version[(dash + 1)..]);
    }

    [GeneratedRegex(@"^\d+(\.\d+)*([~-](rc|beta|alpha)\.?\d+)?")]
    private static partial Regex Leading();

    [GeneratedRegex(@"\d+|[A-Za-z]+")]
    private static partial Regex Tokens();
}
