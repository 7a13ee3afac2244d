using Seawall.ContainerAudit.Kernel;

namespace Seawall.Tests.ContainerAudit;

public sealed class CapabilitiesTests
{
    [Fact]
    public void Decode_RealMaskOfAContainerWithSysAdmin_IsDockersDefaultsPlusSysAdmin()
    {
        // CapBnd of `docker run --cap-add SYS_ADMIN` on dockerd 20.10 (TestData/Containers/proc-risky/status).
        var set = Capabilities.Decode("00000000a82425fb");
        var expected = new SortedSet<string>(Capabilities.DockerDefault, StringComparer.Ordinal) { "SYS_ADMIN" };
        Assert.Equal(expected, set);
    }

    [Fact]
    public void Decode_ZeroIsEmpty_GarbageIsNull_UnknownBitsAreNamedByNumber()
    {
        Assert.Empty(Capabilities.Decode("0000000000000000")!);
        Assert.Null(Capabilities.Decode("zz"));
        Assert.Null(Capabilities.Decode(null));
        Assert.Equal(["BIT_45", "CHOWN"], Capabilities.Decode("0000200000000001")!.ToArray());
    }

    [Fact]
    public void Decode_FullMaskOfThisKernel_NamesEveryCapabilityUpToLast()
    {
        // 000001ffffffffff is CapBnd of a root process on a 5.9+ kernel: bits 0..40, CHECKPOINT_RESTORE last.
        var set = Capabilities.Decode("000001ffffffffff")!;
        Assert.Equal(41, set.Count);
        Assert.Contains("CHECKPOINT_RESTORE", set);
        Assert.Equal(Capabilities.All, set);
    }

    [Fact]
    public void Effective_DropsApplyBeforeAdds_AsDockerDoes()
    {
        Assert.Equal(["NET_BIND_SERVICE"], Capabilities.Effective(false, ["NET_BIND_SERVICE"], ["ALL"]).ToArray());
        Assert.Empty(Capabilities.Effective(false, [], ["ALL"]));
        var noRaw = Capabilities.Effective(false, ["CAP_NET_ADMIN"], ["net_raw"]);
        Assert.DoesNotContain("NET_RAW", noRaw);
        Assert.Contains("NET_ADMIN", noRaw);
        Assert.Equal(Capabilities.DockerDefault.Count, noRaw.Count);
        Assert.Equal(Capabilities.All, Capabilities.Effective(true, [], ["ALL"]));
        Assert.Equal(Capabilities.All, Capabilities.Effective(false, ["ALL"], []));
    }

    [Theory]
    [InlineData("CAP_SYS_ADMIN", "SYS_ADMIN")]
    [InlineData("cap_sys_admin", "SYS_ADMIN")]
    [InlineData(" sys_admin ", "SYS_ADMIN")]
    [InlineData("all", "ALL")]
    public void Normalize_AcceptsEverySpellingTheApiAndCliUse(string given, string expected) =>
        Assert.Equal(expected, Capabilities.Normalize(given));
}
