using System.Globalization;
using System.Net;

namespace Seawall.HostAudit.AttackSurface;

/// <summary>One socket waiting for peers: a listening TCP socket, or a bound UDP socket with no remote end.</summary>
/// <param name="Protocol">"tcp", "tcp6", "udp" or "udp6", as /proc/net names the table (and ss's Netid with the family).</param>
internal sealed record Listener(string Protocol, IPAddress Address, int Port, long Inode, int Uid)
{
    public bool IsTcp => Protocol.StartsWith("tcp", StringComparison.Ordinal);

    /// <summary>Bound to every interface (0.0.0.0, or :: which on Linux also takes IPv4 unless v6only).</summary>
    public bool AllInterfaces => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

    public bool Loopback => IPAddress.IsLoopback(Address);

    /// <summary>"0.0.0.0:22" / "[::]:22" as ss prints it.</summary>
    public string Endpoint => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";
}

/// <summary>
/// The kernel's socket tables, /proc/net/{tcp,tcp6,udp,udp6}: one socket a line, "sl local rem st ... uid timeout
/// inode ...", addresses in hex. The kernel prints each 32-bit word of an address as the integer it holds in memory,
/// so on the little-endian hosts this reads (x86-64, arm64) every word's bytes come reversed: 0100007F is 127.0.0.1.
/// Ports are big-endian hex. TCP state 0A is LISTEN; UDP has no listen state, so a bound socket with no remote
/// address (00000000:0000) is the listener.
/// </summary>
internal static class ProcNetSockets
{
    private const string TcpListen = "0A";
    private const int MaxLines = 200_000;

    public static IEnumerable<Listener> Parse(string text, string protocol)
    {
        var tcp = protocol.StartsWith("tcp", StringComparison.Ordinal);
        var lines = text.Split('\n');
        for (var i = 1; i < lines.Length && i <= MaxLines; i++)
        {
            var fields = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10)
            {
                continue;
            }
            if (tcp ? fields[3] != TcpListen : !IsUnconnected(fields[2]))
            {
                continue;
            }
            if (Endpoint(fields[1]) is not { } local || local.Port == 0
                || !long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                || !int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                continue;
            }
            yield return new Listener(protocol, local.Address, local.Port, inode, uid);
        }
    }

    /// <summary>"0100007F:0277" gives 127.0.0.1:631; an IPv6 address is four such words.</summary>
    internal static IPEndPoint? Endpoint(string field)
    {
        var colon = field.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !int.TryParse(field.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }
        var hex = field.AsSpan(0, colon);
        if (hex.Length is not (8 or 32))
        {
            return null;
        }
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.Slice(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }
            // The word as the kernel held it in memory: least significant byte first.
            bytes[word * 4] = (byte)value;
            bytes[(word * 4) + 1] = (byte)(value >> 8);
            bytes[(word * 4) + 2] = (byte)(value >> 16);
            bytes[(word * 4) + 3] = (byte)(value >> 24);
        }
        return new IPEndPoint(new IPAddress(bytes), port);
    }

    private static bool IsUnconnected(string remote) => remote.TrimStart('0') is ":0000" or ":0" or ":";
}
