using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>An inclusive IPv4 interval, the unit netpol-analyzer names external peers by (<c>first-last[External]</c>).</summary>
public readonly record struct IpRange(uint First, uint Last)
{
    public static IpRange Everything { get; } = new(0, uint.MaxValue);

    public bool Contains(IpRange other) => First <= other.First && other.Last <= Last;

    public string Name => $"{Format(First)}-{Format(Last)}[External]";

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");

    /// <summary>An IPv4 CIDR as a range; null for IPv6 or text that is not a CIDR (the policy is then ignored for it).</summary>
    public static IpRange? FromCidr(string? cidr)
    {
        if (cidr is null)
        {
            return null;
        }
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? cidr : cidr[..slash];
        if (!IPAddress.TryParse(addressText.Trim(), out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }
        var prefix = 32;
        if (slash >= 0 && (!int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > 32))
        {
            return null;
        }
        var bytes = address.GetAddressBytes();
        var value = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return new IpRange(value & mask, (value & mask) | ~mask);
    }

    /// <summary>Parses <c>a.b.c.d-e.f.g.h</c> (with or without the <c>[External]</c> suffix).</summary>
    public static IpRange? Parse(string text)
    {
        var name = text.EndsWith("[External]", StringComparison.Ordinal) ? text[..^"[External]".Length] : text;
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || FromCidr(name[..dash]) is not { } first || FromCidr(name[(dash + 1)..]) is not { } last)
        {
            return null;
        }
        return new IpRange(first.First, last.First);
    }
}

/// <summary>A policy peer's <c>ipBlock</c>: the CIDR minus its <c>except</c> CIDRs.</summary>
public sealed record IpBlock(IpRange Cidr, IReadOnlyList<IpRange> Except)
{
    /// <summary>Whether a whole range lies inside the block; partitions are cut at every boundary, so a range is in or out.</summary>
    public bool Covers(IpRange range) => Cidr.Contains(range) && !Except.Any(e => e.First <= range.Last && range.First <= e.Last);

    public IEnumerable<IpRange> Boundaries => Except.Prepend(Cidr);

    /// <summary>
    /// The coarsest cut of the IPv4 space in which every block is a union of whole pieces (what netpol-analyzer
    /// prints when it lists external peers), in address order.
    /// </summary>
    public static IReadOnlyList<IpRange> Partition(IEnumerable<IpRange> blocks)
    {
        // Cut points: each range's first address and the address after its last.
        var starts = new SortedSet<ulong> { 0 };
        foreach (var block in blocks)
        {
            starts.Add(block.First);
            starts.Add((ulong)block.Last + 1);
        }
        starts.RemoveWhere(s => s > uint.MaxValue);
        var list = starts.ToList();
        var result = new List<IpRange>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var last = i + 1 < list.Count ? list[i + 1] - 1 : uint.MaxValue;
            result.Add(new IpRange((uint)list[i], (uint)last));
        }
        return result;
    }
}
