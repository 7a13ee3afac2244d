using System.Net;
using Seawall.Core.Model;
using Seawall.HostAudit.AttackSurface;
using Seawall.Tests.HostAudit.RuntimeDaemon;

namespace Seawall.Tests.HostAudit.AttackSurface;

public class AttackSurfaceTests
{
    private const string TcpHeader = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    private const string Tcp6Header = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    private const string UdpHeader = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";

    private static string TcpLine(int sl, string local, string remote, string state, int uid, long inode) =>
        $"   {sl}: {local} {remote} {state} 00000000:00000000 00:00000000 00000000 {uid,5} {0,8} {inode} 1 0000000000000000 100 0 0 10 0\n";

    private static string UdpLine(int sl, string local, string remote, long inode) =>
        $"  {sl}: {local} {remote} 07 00000000:00000000 00:00000000 00000000     0        0 {inode} 2 0000000000000000 0\n";

    [Theory]
    [InlineData("0100007F:0277", "127.0.0.1", 631)]
    [InlineData("00000000:07E8", "0.0.0.0", 2024)]
    [InlineData("3500007F:0035", "127.0.0.53", 53)]
    [InlineData("0A00000A:0016", "10.0.0.10", 22)]
    [InlineData("00000000000000000000000000000000:0016", "::", 22)]
    [InlineData("00000000000000000000000001000000:0035", "::1", 53)]
    [InlineData("0000000000000000FFFF00000100007F:1F90", "::ffff:127.0.0.1", 8080)]
    [InlineData("B80D0120000000000000000001000000:01BB", "2001:db8::1", 443)]
    public void Endpoint_KernelHex_Decoded(string field, string address, int port)
    {
        var endpoint = ProcNetSockets.Endpoint(field);

        Assert.Equal(IPAddress.Parse(address), endpoint!.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Fact]
    public void Parse_TcpListenOnly_UdpUnconnectedOnly()
    {
        var tcp = TcpHeader
            + TcpLine(0, "00000000:0016", "00000000:0000", "0A", 0, 1001)
            + TcpLine(1, "0100007F:0CEA", "0100007F:A1B2", "01", 1000, 1002) // established: not a listener
            + TcpLine(2, "0100007F:0CEA", "00000000:0000", "0A", 1000, 1003);
        var udp = UdpHeader
            + UdpLine(0, "3500007F:0035", "00000000:0000", 2001)
            + UdpLine(1, "0F02000A:0044", "0102000A:0043", 2002); // connected: not listening

        var listeners = ProcNetSockets.Parse(tcp, "tcp").Concat(ProcNetSockets.Parse(udp, "udp")).ToList();

        Assert.Equal(["tcp 0.0.0.0:22", "tcp 127.0.0.1:3306", "udp 127.0.0.53:53"], listeners.Select(l => $"{l.Protocol} {l.Endpoint}"));
        Assert.Equal([1001L, 1003, 2001], listeners.Select(l => l.Inode));
        Assert.Equal(1000, listeners[1].Uid);
    }

    /// <summary>A node: sshd on 22, dockerd on 2375, etcd on every interface, a loopback-only redis, rpcbind on UDP.</summary>
    private static HostRoot Node()
    {
        var root = new HostRoot();
        root.Write("proc/net/tcp", TcpHeader
                + TcpLine(0, "00000000:0016", "00000000:0000", "0A", 0, 5001)
                + TcpLine(1, "00000000:0947", "00000000:0000", "0A", 0, 5002)
                + TcpLine(2, "00000000:094B", "00000000:0000", "0A", 0, 5003)
                + TcpLine(3, "0100007F:18EB", "00000000:0000", "0A", 999, 5004)
                + TcpLine(4, "00000000:04D2", "00000000:0000", "0A", 0, 5005))
            .Write("proc/net/tcp6", Tcp6Header + TcpLine(0, "00000000000000000000000000000000:0016", "00000000000000000000000000000000:0000", "0A", 0, 5006))
            .Write("proc/net/udp", UdpHeader + UdpLine(0, "00000000:006F", "00000000:0000", 6001))
            .Write("proc/net/udp6", UdpHeader)
            .Proc(812, ["/usr/sbin/sshd", "-D"])
            .Symlink("proc/812/fd/3", "socket:[5001]")
            .Symlink("proc/812/fd/4", "socket:[5006]")
            .Symlink("proc/812/fd/0", "/dev/null")
            .Proc(900, ["/usr/bin/dockerd", "-H", "tcp://0.0.0.0:2375"])
            .Symlink("proc/900/fd/7", "socket:[5002]")
            .Proc(950, ["/usr/local/bin/etcd"])
            .Symlink("proc/950/fd/9", "socket:[5003]")
            .Proc(960, ["redis-server"], uid: 999)
            .Symlink("proc/960/fd/6", "socket:[5004]")
            .Proc(970, ["/usr/bin/containerd"])
            .Symlink("proc/970/fd/12", "socket:[5005]")
            .Proc(2, ["kthreadd"]);
        // A kernel thread has an empty cmdline.
        root.Write("proc/2/cmdline", string.Empty);
        return root;
    }

    [Fact]
    public void Listeners_AllWithTheirProcesses()
    {
        using var root = Node();

        var finding = root.Run(new AttackSurfaceChecks()).One("host-attack-surface-listeners");

        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Equal(
            "tcp 0.0.0.0:22 sshd (pid 812); tcp 0.0.0.0:1234 containerd (pid 970); tcp 0.0.0.0:2375 dockerd (pid 900); tcp 0.0.0.0:2379 etcd (pid 950); "
                + "tcp 127.0.0.1:6379 redis-server (pid 960); tcp6 [::]:22 sshd (pid 812); udp 0.0.0.0:111 (process unknown)",
            finding.Evidence);
        Assert.Equal("proc/net", finding.Location?.Path);
    }

    [Fact]
    public void DockerdOnPlain2375_Fails()
    {
        using var root = Node();

        var finding = root.Run(new AttackSurfaceChecks()).One("host-attack-surface-docker-plain-tcp");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("tcp 0.0.0.0:2375 is held by dockerd (pid 900)", finding.Evidence);
    }

    [Fact]
    public void Port2375HeldByAnotherProgramOnLoopback_NotTheDockerFailure()
    {
        using var root = new HostRoot();
        root.Write("proc/net/tcp", TcpHeader + TcpLine(0, "0100007F:0947", "00000000:0000", "0A", 0, 42))
            .Proc(10, ["socat"]).Symlink("proc/10/fd/3", "socket:[42]");

        Assert.False(root.Run(new AttackSurfaceChecks()).Has("host-attack-surface-docker-plain-tcp"));
    }

    [Fact]
    public void RiskyServices_EveryInterfaceWarns_LoopbackPasses()
    {
        using var root = Node();

        var findings = root.Run(new AttackSurfaceChecks());

        var etcd = findings.One("host-attack-surface-etcd");
        Assert.Equal(FindingStatus.Warn, etcd.Status);
        Assert.Equal("tcp 0.0.0.0:2379 held by etcd (pid 950): every interface", etcd.Evidence);
        Assert.Equal("tcp 0.0.0.0:2379", etcd.Target);
        var redis = findings.One("host-attack-surface-redis");
        Assert.Equal(FindingStatus.Pass, redis.Status);
        Assert.EndsWith("loopback only", redis.Evidence, StringComparison.Ordinal);
        Assert.Equal(FindingStatus.Warn, findings.One("host-attack-surface-containerd").Status); // recognised by its process, not a port
        Assert.Equal(FindingStatus.Warn, findings.One("host-attack-surface-rpcbind").Status); // UDP 111
        Assert.False(findings.Has("host-attack-surface-telnet"));
    }

    [Fact]
    public void Pid1Namespace_PreferredOverTheReadersOwn()
    {
        using var root = new HostRoot();
        root.Write("proc/1/net/tcp", TcpHeader + TcpLine(0, "00000000:0017", "00000000:0000", "0A", 0, 7))
            .Write("proc/net/tcp", TcpHeader);

        var findings = root.Run(new AttackSurfaceChecks());

        Assert.Equal(FindingStatus.Warn, findings.One("host-attack-surface-telnet").Status);
        Assert.Equal("proc/1/net", findings.One("host-attack-surface-listeners").Location?.Path);
    }

    [Fact]
    public void NoSocketTables_NoFindings()
    {
        using var root = new HostRoot();
        root.Write("etc/hostname", "x\n");

        Assert.Empty(root.Run(new AttackSurfaceChecks()));
    }
}
