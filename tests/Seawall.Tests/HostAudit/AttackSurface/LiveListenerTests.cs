using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.AttackSurface;
using Seawall.Tests.HostAudit.RuntimeDaemon;
using Seawall.Tests.Inventory.Languages;

namespace Seawall.Tests.HostAudit.AttackSurface;

/// <summary>
/// The attack-surface group on this machine's real /proc, against `ss -ltnuH` (iproute2) as the oracle, with a TCP
/// and a UDP socket this test opens on 127.0.0.1 so at least one listener and its owner are known for certain.
/// </summary>
public partial class LiveListenerTests
{
    private static List<Finding> RunLive()
    {
        using var files = HostFileTree.Open("/");
        return [.. new AttackSurfaceChecks().Run(new HostContext(files, null, []))];
    }

    /// <summary>"tcp 127.0.0.1:631" per ss line (Netid, local address with any %interface dropped; "*" is the IPv6 wildcard).</summary>
    private static HashSet<string> SsListeners(string ss)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in ss.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5)
            {
                continue;
            }
            var local = Interface().Replace(fields[4], string.Empty);
            if (local.StartsWith("*:", StringComparison.Ordinal))
            {
                local = "[::]" + local[1..];
            }
            set.Add($"{fields[0]} {local}");
        }
        return set;
    }

    [GeneratedRegex("%[^:\\]]+")]
    private static partial Regex Interface();

    [Fact]
    public void Live_ListenersMatchSs_AndOwnSocketsNameThisProcess()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads Linux /proc");
        var ss = ExternalTool.Find("ss", "/usr/sbin", "/sbin", "/usr/bin");
        Assert.SkipWhen(ss is null, "ss (iproute2) is not installed; it is the oracle of this test");
        using var tcp = new TcpListener(IPAddress.Loopback, 0);
        tcp.Start();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var tcpPort = ((IPEndPoint)tcp.LocalEndpoint).Port;
        var udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;

        // Sockets come and go while both sides read; three tries give them a stable moment.
        HashSet<string> expected = [];
        HashSet<string> ours = [];
        Finding listeners = null!;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            expected = SsListeners(ExternalTool.Run(ss!, "/", null, "-ltnuH"));
            listeners = RunLive().One("host-attack-surface-listeners");
            ours = [.. listeners.Evidence!.Split("; ").Select(e => string.Join(' ', e.Split(' ')[..2]).Replace("tcp6", "tcp", StringComparison.Ordinal).Replace("udp6", "udp", StringComparison.Ordinal))];
            if (ours.SetEquals(expected))
            {
                break;
            }
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
        var me = $"(pid {Environment.ProcessId})";
        Assert.Contains($"tcp 127.0.0.1:{tcpPort} ", listeners.Evidence, StringComparison.Ordinal);
        Assert.Matches($@"tcp 127\.0\.0\.1:{tcpPort} [^;]*{Regex.Escape(me)}", listeners.Evidence);
        Assert.Matches($@"udp 127\.0\.0\.1:{udpPort} [^;]*{Regex.Escape(me)}", listeners.Evidence);
    }

    [Fact]
    public void Live_OwnersMatchSsProcesses()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads Linux /proc");
        var ss = ExternalTool.Find("ss", "/usr/sbin", "/sbin", "/usr/bin");
        Assert.SkipWhen(ss is null, "ss (iproute2) is not installed; it is the oracle of this test");
        using var tcp = new TcpListener(IPAddress.Loopback, 0);
        tcp.Start();

        var output = ExternalTool.Run(ss!, "/", null, "-ltnupH");
        var evidence = RunLive().One("host-attack-surface-listeners").Evidence!;

        // users:(("sshd",pid=812,fd=3)): every process ss names for a socket, the group names too (same comm, same pid).
        var owners = Regex.Matches(output, "\\(\"([^\"]+)\",pid=(\\d+),fd=\\d+\\)").Select(m => $"{m.Groups[1].Value} (pid {m.Groups[2].Value})").Distinct().ToList();
        Assert.NotEmpty(owners); // at least this test's own listener
        foreach (var owner in owners)
        {
            Assert.Contains(owner, evidence, StringComparison.Ordinal);
        }
    }
}
