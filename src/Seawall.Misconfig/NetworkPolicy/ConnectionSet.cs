using System.Text;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>The three protocols a NetworkPolicy port can name, in the order netpol-analyzer prints them.</summary>
public enum Protocol
{
    Sctp,
    Tcp,
    Udp,
}

/// <summary>
/// An immutable set of (protocol, port) pairs, ports 1-65535, kept per protocol as sorted disjoint inclusive ranges.
/// Printed the way netpol-analyzer prints a connection: <c>All Connections</c> or <c>SCTP 1-65535,TCP 80,UDP 53</c>.
/// </summary>
public sealed class ConnectionSet : IEquatable<ConnectionSet>
{
    public const int MinPort = 1;
    public const int MaxPort = 65535;

    private static readonly Protocol[] Protocols = [Protocol.Sctp, Protocol.Tcp, Protocol.Udp];

    // Index by (int)Protocol; each list sorted, disjoint and non-adjacent (merged).
    private readonly (int Low, int High)[][] ranges;

    private ConnectionSet((int Low, int High)[][] ranges) => this.ranges = ranges;

    public static ConnectionSet None { get; } = new([[], [], []]);

    public static ConnectionSet All { get; } = new([[(MinPort, MaxPort)], [(MinPort, MaxPort)], [(MinPort, MaxPort)]]);

    public bool IsEmpty => ranges.All(r => r.Length == 0);

    public bool IsAll => ranges.All(r => r.Length == 1 && r[0] == (MinPort, MaxPort));

    public static ConnectionSet AllOf(Protocol protocol) => Ports(protocol, MinPort, MaxPort);

    /// <summary>The ports low..high of one protocol, clipped to 1-65535; empty when the range is.</summary>
    public static ConnectionSet Ports(Protocol protocol, int low, int high)
    {
        low = Math.Max(low, MinPort);
        high = Math.Min(high, MaxPort);
        if (low > high)
        {
            return None;
        }
        var parts = new (int, int)[3][] { [], [], [] };
        parts[(int)protocol] = [(low, high)];
        return new ConnectionSet(parts);
    }

    public IReadOnlyList<(int Low, int High)> RangesOf(Protocol protocol) => ranges[(int)protocol];

    public bool Contains(Protocol protocol, int port) => ranges[(int)protocol].Any(r => r.Low <= port && port <= r.High);

    public ConnectionSet Union(ConnectionSet other)
    {
        if (IsEmpty || other.IsAll)
        {
            return other;
        }
        if (other.IsEmpty || IsAll)
        {
            return this;
        }
        var parts = new (int, int)[3][];
        for (var p = 0; p < 3; p++)
        {
            parts[p] = Merge(ranges[p].Concat(other.ranges[p]));
        }
        return new ConnectionSet(parts);
    }

    public ConnectionSet Intersect(ConnectionSet other)
    {
        if (IsAll || other.IsEmpty)
        {
            return other;
        }
        if (other.IsAll || IsEmpty)
        {
            return this;
        }
        var parts = new (int, int)[3][];
        for (var p = 0; p < 3; p++)
        {
            var result = new List<(int, int)>();
            int i = 0, j = 0;
            var a = ranges[p];
            var b = other.ranges[p];
            while (i < a.Length && j < b.Length)
            {
                var low = Math.Max(a[i].Low, b[j].Low);
                var high = Math.Min(a[i].High, b[j].High);
                if (low <= high)
                {
                    result.Add((low, high));
                }
                if (a[i].High < b[j].High)
                {
                    i++;
                }
                else
                {
                    j++;
                }
            }
            parts[p] = [.. result];
        }
        return new ConnectionSet(parts);
    }

    /// <summary>What this set allows and <paramref name="other"/> does not (AdminNetworkPolicy rules take their ports out of what later rules see).</summary>
    public ConnectionSet Subtract(ConnectionSet other) => other.IsEmpty ? this : Intersect(other.Complement());

    /// <summary>Every protocol and port this set does not hold.</summary>
    public ConnectionSet Complement()
    {
        var parts = new (int, int)[3][];
        for (var p = 0; p < 3; p++)
        {
            var gaps = new List<(int, int)>();
            var next = MinPort;
            foreach (var (low, high) in ranges[p])
            {
                if (low > next)
                {
                    gaps.Add((next, low - 1));
                }
                next = high + 1;
            }
            if (next <= MaxPort)
            {
                gaps.Add((next, MaxPort));
            }
            parts[p] = [.. gaps];
        }
        return new ConnectionSet(parts);
    }

    private static (int, int)[] Merge(IEnumerable<(int Low, int High)> input)
    {
        var result = new List<(int Low, int High)>();
        foreach (var range in input.OrderBy(r => r.Low))
        {
            if (result.Count > 0 && range.Low <= result[^1].High + 1)
            {
                result[^1] = (result[^1].Low, Math.Max(result[^1].High, range.High));
            }
            else
            {
                result.Add(range);
            }
        }
        return [.. result];
    }

    public static string Name(Protocol protocol) => protocol switch
    {
        Protocol.Sctp => "SCTP",
        Protocol.Udp => "UDP",
        _ => "TCP",
    };

    public static Protocol? ParseProtocol(string? text) => text?.ToUpperInvariant() switch
    {
        null or "TCP" => Protocol.Tcp,
        "UDP" => Protocol.Udp,
        "SCTP" => Protocol.Sctp,
        _ => null,
    };

    /// <summary>netpol-analyzer's wording: <c>All Connections</c>, <c>No Connections</c>, or the protocol groups.</summary>
    public override string ToString()
    {
        if (IsAll)
        {
            return "All Connections";
        }
        if (IsEmpty)
        {
            return "No Connections";
        }
        var text = new StringBuilder();
        foreach (var protocol in Protocols)
        {
            var list = ranges[(int)protocol];
            if (list.Length == 0)
            {
                continue;
            }
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(Name(protocol)).Append(' ');
            text.AppendJoin(',', list.Select(r => r.Low == r.High ? r.Low.ToString(System.Globalization.CultureInfo.InvariantCulture) : FormattableString.Invariant($"{r.Low}-{r.High}")));
        }
        return text.ToString();
    }

    /// <summary>Reads what <see cref="ToString"/> writes: a token that starts with a letter opens a protocol group.</summary>
    public static ConnectionSet Parse(string text)
    {
        text = text.Trim();
        if (text == "All Connections")
        {
            return All;
        }
        var result = None;
        if (text is "" or "No Connections")
        {
            return result;
        }
        Protocol? current = null;
        foreach (var raw in text.Split(','))
        {
            var token = raw.Trim();
            if (token.Length > 0 && char.IsLetter(token[0]))
            {
                var space = token.IndexOf(' ', StringComparison.Ordinal);
                current = ParseProtocol(space < 0 ? token : token[..space]) ?? throw new FormatException($"unknown protocol in '{text}'");
                token = space < 0 ? string.Empty : token[(space + 1)..].Trim();
                if (token.Length == 0)
                {
                    result = result.Union(AllOf(current.Value));
                    continue;
                }
            }
            if (current is null)
            {
                throw new FormatException($"ports before a protocol in '{text}'");
            }
            var dash = token.IndexOf('-', StringComparison.Ordinal);
            var low = int.Parse(dash < 0 ? token : token[..dash], System.Globalization.CultureInfo.InvariantCulture);
            var high = dash < 0 ? low : int.Parse(token[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            result = result.Union(Ports(current.Value, low, high));
        }
        return result;
    }

    public bool Equals(ConnectionSet? other) =>
        other is not null && Enumerable.Range(0, 3).All(p => ranges[p].AsSpan().SequenceEqual(other.ranges[p]));

    public override bool Equals(object? obj) => obj is ConnectionSet other && Equals(other);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
