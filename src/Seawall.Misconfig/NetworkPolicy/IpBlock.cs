using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>
/// An inclusive interval of IPv4 or IPv6 addresses (128-bit arithmetic for both; an IPv4 range never passes
/// 2^32 - 1). The unit netpol-analyzer names external peers by (<c>first-last[External]</c>).
/// </summary>
public readonly record struct IpRange(UInt128 First, UInt128 Last, bool IsIPv6 = false)
{
    private static readonly UInt128 V4Max = uint.MaxValue;

    /// <summary>Every IPv4 address.</summary>
    public static IpRange Everything { get; } = new(0, uint.MaxValue);

    /// <summary>Every IPv6 address.</summary>
    public static IpRange EverythingV6 { get; } = new(0, UInt128.MaxValue, IsIPv6: true);

    public UInt128 FamilyMax => IsIPv6 ? UInt128.MaxValue : V4Max;

    /// <summary>::ffff:0:0/96, where IPv6 spells IPv4 addresses (RFC 4291 2.5.5.2).</summary>
    private static readonly UInt128 MappedBase = (UInt128)0xffff << 32;

    /// <summary>
    /// For an IPv6 range wholly inside ::ffff:0:0/96 (IPv4-mapped addresses), the IPv4 range it spells; otherwise null.
    /// </summary>
    public IpRange? MappedIPv4 => IsIPv6 && First >= MappedBase && Last <= (MappedBase | V4Max) ? new IpRange(First - MappedBase, Last - MappedBase) : null;

    public bool Contains(IpRange other) => IsIPv6 == other.IsIPv6 && First <= other.First && other.Last <= Last;

    public bool Overlaps(IpRange other) => IsIPv6 == other.IsIPv6 && First <= other.Last && other.First <= Last;

    /// <summary>
    /// The connlist name. IPv4 as netpol-analyzer prints it (<c>first-last[External]</c>). netpol-analyzer does not
    /// read IPv6 blocks (np-guard/netpol-analyzer#47), so an IPv6 piece is named by its CIDR when it is exactly one,
    /// which is how policies write them, and by <c>first-last</c> (RFC 5952 text) otherwise.
    /// </summary>
    public string Name => (IsIPv6 && Cidr is { } cidr ? cidr : $"{FirstText}-{LastText}") + "[External]";

    public string FirstText => Text(First);

    public string LastText => Text(Last);

    /// <summary>The range as one CIDR (<c>2001:db8::/32</c>), or null when it is not aligned on a prefix.</summary>
    public string? Cidr
    {
        get
        {
            var size = Last - First; // one less than the number of addresses
            if ((size & (size + 1)) != 0 && size != FamilyMax)
            {
                return null; // not a power of two
            }
            if ((First & size) != 0)
            {
                return null; // not aligned
            }
            var hostBits = size == FamilyMax ? (IsIPv6 ? 128 : 32) : (int)UInt128.Log2(size + 1);
            return string.Create(CultureInfo.InvariantCulture, $"{FirstText}/{(IsIPv6 ? 128 : 32) - hostBits}");
        }
    }

    private string Text(UInt128 address) => IsIPv6 ? FormatV6(address) : Format((uint)address);

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");

    /// <summary>RFC 5952 text (<c>2001:db8::1</c>), as IPAddress writes it.</summary>
    private static string FormatV6(UInt128 address)
    {
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 15; i >= 0; i--)
        {
            bytes[i] = (byte)(address & 0xff);
            address >>= 8;
        }
        return new IPAddress(bytes).ToString();
    }

    /// <summary>
    /// An IPv4 or IPv6 CIDR (a bare address is its /32 or /128) as a range; host bits are cleared as the API server's
    /// net.ParseCIDR does. Null for text that is not one (a zone, a prefix past the family's width, garbage).
    /// </summary>
    public static IpRange? FromCidr(string? cidr)
    {
        if (cidr is null)
        {
            return null;
        }
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var addressText = (slash < 0 ? cidr : cidr[..slash]).Trim();
        if (addressText.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressText, out var address)
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return null;
        }
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        // IPAddress.TryParse takes "10" or "10.1" as IPv4 shorthands; a CIDR spells the four parts out.
        if (!v6 && addressText.Count(c => c == '.') != 3)
        {
            return null;
        }
        var width = v6 ? 128 : 32;
        var prefix = width;
        if (slash >= 0 && (!int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > width))
        {
            return null;
        }
        UInt128 value = 0;
        foreach (var b in address.GetAddressBytes())
        {
            value = value << 8 | b;
        }
        var all = v6 ? UInt128.MaxValue : V4Max;
        var host = prefix == 0 ? all : (UInt128.One << (width - prefix)) - 1;
        var network = value & ~host & all;
        return new IpRange(network, network | host, v6);
    }

    /// <summary>Parses <c>first-last</c> or a CIDR, IPv4 or IPv6 (with or without the <c>[External]</c> suffix).</summary>
    public static IpRange? Parse(string text)
    {
        var name = text.EndsWith("[External]", StringComparison.Ordinal) ? text[..^"[External]".Length] : text;
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return name.Contains('/', StringComparison.Ordinal) ? FromCidr(name) : null;
        }
        if (FromCidr(name[..dash]) is not { } first || FromCidr(name[(dash + 1)..]) is not { } last || first.IsIPv6 != last.IsIPv6 || last.First < first.First)
        {
            return null;
        }
        return new IpRange(first.First, last.First, first.IsIPv6);
    }
}

/// <summary>A policy peer's <c>ipBlock</c>: the CIDR minus its <c>except</c> CIDRs.</summary>
public sealed record IpBlock(IpRange Cidr, IReadOnlyList<IpRange> Except)
{
    /// <summary>Whether a whole range lies inside the block; partitions are cut at every boundary, so a range is in or out.</summary>
    public bool Covers(IpRange range) => Cidr.Contains(range) && !Except.Any(e => e.Overlaps(range));

    public IEnumerable<IpRange> Boundaries => Except.Prepend(Cidr);

    /// <summary>The partition of no blocks, shared: the whole IPv4 space as one range (most scans name no ipBlock).</summary>
    public static IReadOnlyList<IpRange> Uncut { get; } = [IpRange.Everything];

    /// <summary>
    /// The coarsest cut of the address space in which every block is a union of whole pieces (what netpol-analyzer
    /// prints when it lists external peers): the IPv4 space always, in address order, then the IPv6 space when a
    /// block is IPv6 (so IPv4-only policies give the list they always gave).
    /// </summary>
    public static IReadOnlyList<IpRange> Partition(IEnumerable<IpRange> blocks)
    {
        var list = blocks as IReadOnlyCollection<IpRange> ?? [.. blocks];
        if (list.Count == 0)
        {
            return Uncut;
        }
        var result = Cut(list.Where(b => !b.IsIPv6), IpRange.Everything);
        if (list.Any(b => b.IsIPv6))
        {
            result.AddRange(Cut(list.Where(b => b.IsIPv6), IpRange.EverythingV6));
        }
        return result;
    }

    private static List<IpRange> Cut(IEnumerable<IpRange> blocks, IpRange space)
    {
        // Cut points: each range's first address and the address after its last (none past the family's end).
        var starts = new SortedSet<UInt128> { space.First };
        foreach (var block in blocks)
        {
            starts.Add(block.First);
            if (block.Last < space.Last)
            {
                starts.Add(block.Last + 1);
            }
        }
        var points = starts.ToList();
        var result = new List<IpRange>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            result.Add(new IpRange(points[i], i + 1 < points.Count ? points[i + 1] - 1 : space.Last, space.IsIPv6));
        }
        return result;
    }
}
