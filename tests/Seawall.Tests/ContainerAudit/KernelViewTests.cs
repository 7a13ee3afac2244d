using Seawall.ContainerAudit.Kernel;
using Seawall.HostAudit.Access;

namespace Seawall.Tests.ContainerAudit;

public sealed class KernelViewTests
{
    private const string Id = "8f9fc9a070c41a1916dbe620a0d8c3a66019886d8c954768fab0943a1bc0a816";

    [Theory]
    // cgroup v1 with the cgroupfs driver (TestData/Containers/proc-risky/cgroup) and v2's unified line.
    [InlineData("4:memory:/docker/" + Id + "\n0::/docker/" + Id + "\n")]
    // cgroup v2 with the systemd driver.
    [InlineData("0::/system.slice/docker-" + Id + ".scope\n")]
    // Podman.
    [InlineData("0::/machine.slice/libpod-" + Id + ".scope/container\n")]
    // Kubernetes with containerd: the pod UID is not 64 hex digits and does not count.
    [InlineData("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1c6a0e_6b3d_4a3f_9c1e_2b8f5d3c4a71.slice/cri-containerd-" + Id + ".scope\n")]
    // A process in a container that runs containers: the innermost id, on the unified line.
    [InlineData("0::/docker/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/docker/" + Id + "\n")]
    public void ContainerId_FindsTheIdInEveryDriversLayout(string cgroup) =>
        Assert.Equal(Id, KernelView.ContainerId(cgroup));

    [Theory]
    [InlineData("0::/\n")]
    [InlineData("0::/user.slice/user-1000.slice/session-3.scope\n")]
    [InlineData("0::/system.slice/docker.service\n")]
    // 65 hex digits is not an id (nor any 64 of them).
    [InlineData("0::/docker/" + Id + "0\n")]
    [InlineData("")]
    public void ContainerId_HostProcessesHaveNone(string cgroup) =>
        Assert.Null(KernelView.ContainerId(cgroup));

    [Fact]
    public void Read_RealCaptures_PlacesEachProcessInItsContainer_AndTakesTheHostNamespacesFromDockerd()
    {
        using var root = ContainerFixture.ProcRoot();
        using var files = HostFileTree.Open(root.Path);
        var view = KernelView.Read(files);

        Assert.True(view.Available);
        Assert.Equal($"dockerd (pid {ContainerFixture.Pid("dockerd")})", view.HostNamespacesFrom);
        Assert.Equal(File.ReadAllLines(Path.Combine(ContainerFixture.DataDir, "proc-dockerd", "ns")).First(l => l.StartsWith("pid ", StringComparison.Ordinal))[4..], view.HostNamespaces["pid"]);
        Assert.NotNull(view.DaemonBounding);
        Assert.Equal(41, view.KernelCapabilities!.Count);

        var risky = ContainerFixture.Container("risky");
        var processes = view.For(risky.Id, risky.Pid);
        Assert.NotNull(processes);
        var init = Assert.Single(processes.Processes);
        Assert.Equal(risky.Pid, init.Pid);
        Assert.Equal("sleep", init.Name);
        Assert.Equal(0, init.Uid);
        Assert.Contains("SYS_ADMIN", init.CapBnd!);
        Assert.Equal(2, init.SeccompMode);
        Assert.False(init.NoNewPrivs);
        Assert.Equal(0, UidMapRange.HostUidOfRoot(processes.UidMap!));

        var tidy = ContainerFixture.Container("tidy");
        var tidyInit = view.For(tidy.Id, tidy.Pid)!.Init!;
        Assert.Equal(1000, tidyInit.Uid);
        Assert.Empty(tidyInit.CapBnd!);
        Assert.True(tidyInit.NoNewPrivs);

        Assert.Null(view.For(new string('a', 64), 1));
    }

    [Fact]
    public void Read_NoProcUnderTheRoot_IsUnavailable()
    {
        using var root = new Support.TempDir();
        using var files = HostFileTree.Open(root.Path);
        var view = KernelView.Read(files);
        Assert.False(view.Available);
        Assert.Empty(view.HostNamespaces);
    }

    [Fact]
    public void UidMap_RemappedRootIsAnUnprivilegedHostUid()
    {
        // dockerd --userns-remap=default: container 0..65535 is host 100000..165535.
        var map = UidMapRange.Parse("         0     100000      65536\n");
        Assert.Equal(100000, UidMapRange.HostUidOfRoot(map));
        Assert.Null(UidMapRange.HostUidOfRoot(UidMapRange.Parse("1000 1000 1\n")));
        Assert.Empty(UidMapRange.Parse("garbage\n"));
    }
}
