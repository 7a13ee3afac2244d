using System.Text;

namespace Seawall.Vulnerabilities.Cvss;

/// <summary>
/// One metric of a CVSS version. An optional metric lists its "not defined" value (X, or ND in v2) first, so an
/// absent optional metric reads as value index 0; mandatory metrics have no such value.
/// </summary>
internal sealed class CvssMetric(string key, bool mandatory, params string[] values)
{
    public string Key { get; } = key;
    public bool Mandatory { get; } = mandatory;
    public string[] Values { get; } = values;
}

/// <summary>
/// Strict KEY:VALUE/KEY:VALUE parsing against one version's metric table: every key known, each at most once,
/// every value one the specification allows (case-sensitive, as the specifications spell them), every mandatory
/// metric present. Metric order is not enforced: the v3.x specifications allow any order and real advisories
/// (GHSA among them) publish v4.0 vectors out of the specification's order.
/// </summary>
internal static class CvssVectorParser
{
    /// <summary>Parses <paramref name="body"/> (the vector after its prefix) into value indexes, one per metric.</summary>
    /// <returns>null when the vector is valid, else why not (one line).</returns>
    public static string? Parse(ReadOnlySpan<char> body, CvssMetric[] metrics, Span<sbyte> values)
    {
        values.Fill(-1);
        if (body.IsEmpty)
        {
            return "no metrics";
        }
        while (true)
        {
            var slash = body.IndexOf('/');
            var part = slash < 0 ? body : body[..slash];
            if (part.IsEmpty)
            {
                return "empty metric (a doubled or trailing '/')";
            }
            var colon = part.IndexOf(':');
            if (colon <= 0 || colon == part.Length - 1)
            {
                return $"malformed metric '{Quote(part)}' (expected KEY:VALUE)";
            }
            var key = part[..colon];
            var value = part[(colon + 1)..];
            var metric = IndexOfKey(metrics, key);
            if (metric < 0)
            {
                return $"unknown metric '{Quote(key)}'";
            }
            if (values[metric] >= 0)
            {
                return $"metric {metrics[metric].Key} given twice";
            }
            var index = IndexOf(metrics[metric].Values, value);
            if (index < 0)
            {
                return $"unknown value '{Quote(value)}' for metric {metrics[metric].Key} (allowed: {string.Join(", ", metrics[metric].Values)})";
            }
            values[metric] = (sbyte)index;
            if (slash < 0)
            {
                break;
            }
            body = body[(slash + 1)..];
        }
        for (var i = 0; i < metrics.Length; i++)
        {
            if (values[i] >= 0)
            {
                continue;
            }
            if (metrics[i].Mandatory)
            {
                return $"missing mandatory metric {metrics[i].Key}";
            }
            values[i] = 0;
        }
        return null;
    }

    private static int IndexOfKey(CvssMetric[] metrics, ReadOnlySpan<char> key)
    {
        for (var i = 0; i < metrics.Length; i++)
        {
            if (key.SequenceEqual(metrics[i].Key))
            {
                return i;
            }
        }
        return -1;
    }

    private static int IndexOf(string[] allowed, ReadOnlySpan<char> value)
    {
        for (var i = 0; i < allowed.Length; i++)
        {
            if (value.SequenceEqual(allowed[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Hostile text made safe for a one-line message: capped, control and non-ASCII characters as '?'.</summary>
    internal static string Quote(ReadOnlySpan<char> text, int max = 40)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max) + 3);
        foreach (var c in text.Length > max ? text[..max] : text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '?');
        }
        if (text.Length > max)
        {
            builder.Append("...");
        }
        return builder.ToString();
    }
}
