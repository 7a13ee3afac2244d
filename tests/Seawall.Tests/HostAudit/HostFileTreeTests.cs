using System.Net.Sockets;
using Seawall.Core.FileTree;
using Seawall.HostAudit.Access;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.HostAudit;

/// <summary>
/// The host audit's file access on a hostile root: every link is resolved inside the root, in both the kernel's
/// (openat2 RESOLVE_IN_ROOT) and the user-space resolution used where openat2 is refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostFileTreeTests : IDisposable
{
    private readonly TempDir _root = new("seawall-hostroot-");

    public HostFileTreeTests()
    {
        _root.Write("etc/passwd", "root:x:0:0:fixture:/root:/bin/bash\n");
        _root.Write("etc/ssh/sshd_config", "PermitRootLogin no\n");
        Directory.CreateDirectory(_root.File("var/run"));
        // Links a hostile host (or image) might hold: each must land inside the root or nowhere.
        File.CreateSymbolicLink(_root.File("etc/absolute"), "/etc/passwd");
        File.CreateSymbolicLink(_root.File("etc/climbing"), "../../../../../../etc/ssh/sshd_config");
        File.CreateSymbolicLink(_root.File("etc/hostname-out"), "../../../../../../etc/hostname");
        File.CreateSymbolicLink(_root.File("etc/magic"), "/proc/self/root/etc/hostname");
        File.CreateSymbolicLink(_root.File("etc/loop-a"), "loop-b");
        File.CreateSymbolicLink(_root.File("etc/loop-b"), "loop-a");
        Directory.CreateSymbolicLink(_root.File("cfg"), "/etc/ssh");
    }

    public void Dispose() => _root.Dispose();

    public static TheoryData<bool> Modes => new() { true, false };

    private HostFileTree Open(bool kernel)
    {
        var tree = HostFileTree.Open(_root.Path, useOpenat2: kernel);
        if (kernel)
        {
            Assert.SkipUnless(tree.KernelConfined, "openat2 is not available on this kernel; the user-space case covers the resolution");
        }
        else
        {
            Assert.False(tree.KernelConfined);
        }
        return tree;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Absolute_and_climbing_links_resolve_inside_the_root(bool kernel)
    {
        using var tree = Open(kernel);

        Assert.Equal("root:x:0:0:fixture:/root:/bin/bash\n", tree.ReadText("etc/absolute"));
        Assert.Equal("PermitRootLogin no\n", tree.ReadText("etc/climbing"));
        Assert.Equal("PermitRootLogin no\n", tree.ReadText("cfg/sshd_config"));
        Assert.Equal("PermitRootLogin no\n", tree.ReadText("/../../etc/ssh/../ssh/sshd_config"));
        Assert.Equal(["sshd_config"], tree.List("cfg"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Nothing_outside_the_root_is_reached(bool kernel)
    {
        Assert.SkipUnless(File.Exists("/etc/hostname"), "needs the machine's /etc/hostname as the file that must stay out of reach");
        using var tree = Open(kernel);

        Assert.Null(tree.ReadText("etc/hostname-out"));
        Assert.Null(tree.ReadText("etc/magic"));
        Assert.Null(tree.ReadText("../../../../etc/hostname"));
        Assert.Null(tree.Stat("etc/hostname-out"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Link_loops_read_as_missing(bool kernel)
    {
        using var tree = Open(kernel);

        Assert.Null(tree.ReadText("etc/loop-a"));
        Assert.Equal(FileKind.Symlink, tree.Stat("etc/loop-a", followLinks: false)?.Kind);
        Assert.Equal("loop-b", tree.ReadLink("etc/loop-a"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Stat_tells_owner_mode_and_sockets(bool kernel)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(_root.File("var/run/test.sock")));
        File.SetUnixFileMode(_root.File("etc/passwd"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var tree = Open(kernel);

        var passwd = tree.Stat("etc/passwd")!;
        Assert.Equal(FileKind.Regular, passwd.Kind);
        Assert.Equal(0x1A4, passwd.Mode); // 0644
        Assert.Equal(Environment.UserName == "root" ? 0 : passwd.Uid, passwd.Uid);
        Assert.Equal(new FileInfo(_root.File("etc/passwd")).Length, passwd.Size);
        Assert.True(tree.Stat("var/run/test.sock")!.IsSocket);
        Assert.Equal(FileKind.Directory, tree.Stat("cfg")!.Kind);
        Assert.Equal(FileKind.Symlink, tree.Stat("cfg", followLinks: false)!.Kind);
    }

    [Fact]
    public void A_file_over_the_cap_reads_as_absent_with_a_warning()
    {
        _root.Write("var/log/big", new string('x', 10_000));
        using var tree = HostFileTree.Open(_root.Path);

        Assert.Null(tree.ReadBytes("var/log/big", 4096));
        Assert.Contains(tree.Warnings, w => w.StartsWith("var/log/big: larger than 4096 bytes", StringComparison.Ordinal));
        Assert.Equal(10_000, tree.ReadBytes("var/log/big", 10_000)!.Length);
    }

    [Fact]
    public void Proc_files_of_the_live_host_read_despite_their_zero_size()
    {
        Assert.SkipUnless(File.Exists("/proc/sys/kernel/osrelease"), "no /proc on this machine");
        using var tree = HostFileTree.Open("/");

        Assert.Equal(0, tree.Stat("proc/sys/kernel/osrelease")!.Size);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease"), tree.ReadText("proc/sys/kernel/osrelease"));
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), tree.ReadLink("proc/self"));
    }

    [Fact]
    public void A_missing_root_is_a_clear_error()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => HostFileTree.Open(_root.File("nope")));
        Assert.Contains("no such directory", error.Message, StringComparison.Ordinal);
    }
}
