using System.Globalization;

namespace Seawall.HostAudit.Ssh;

/// <summary>misc.c convtime: "90", "1m30s", "2h" (units s, m, h, d, w, either case) to seconds; null when invalid.</summary>
public static class SshTime
{
    public static long? Seconds(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }
        long total = 0;
        var i = 0;
        while (i < value.Length)
        {
            var start = i;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
            }
            if (i == start || !long.TryParse(value.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }
            long multiplier = 1;
            if (i < value.Length)
            {
                multiplier = char.ToLowerInvariant(value[i]) switch
                {
                    's' => 1,
                    'm' => 60,
                    'h' => 3600,
                    'd' => 86400,
                    'w' => 604800,
                    _ => 0,
                };
                if (multiplier == 0)
                {
                    return null;
                }
                i++;
            }
            total += number * multiplier;
            if (total > int.MaxValue)
            {
                return null;
            }
        }
        return total;
    }
}
