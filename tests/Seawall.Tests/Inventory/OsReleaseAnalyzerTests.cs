using Seawall.Inventory.Os;

namespace Seawall.Tests.Inventory;

/// <summary>os-release contents as the distributions ship them (copied from their base images' /etc/os-release).</summary>
public sealed class OsReleaseAnalyzerTests
{
    [Theory]
    [InlineData("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n", "etc/debian_version", "12.7\n", "debian", "12.7")]
    [InlineData("PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=trixie\nID=debian\n", "etc/debian_version", "trixie/sid\n", "debian", "")]
    [InlineData("PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n", "etc/debian_version", "bookworm/sid\n", "ubuntu", "22.04")]
    [InlineData("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n", "etc/alpine-release", "3.19.1\n", "alpine", "3.19.1")]
    [InlineData("NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.3 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.3\"\n", null, null, "redhat", "9.3")]
    [InlineData("NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n", "etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7.9.2009")]
    [InlineData("NAME=\"Rocky Linux\"\nVERSION=\"9.3 (Blue Onyx)\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n", null, null, "rocky", "9.3")]
    [InlineData("NAME=\"AlmaLinux\"\nVERSION=\"9.3 (Shamrock Pampas Cat)\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n", null, null, "alma", "9.3")]
    [InlineData("NAME=\"Fedora Linux\"\nVERSION=\"39 (Container Image)\"\nID=fedora\nVERSION_ID=39\n", null, null, "fedora", "39")]
    [InlineData("NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\n", null, null, "amazon", "2023")]
    [InlineData("NAME=\"SLES\"\nVERSION=\"15-SP5\"\nVERSION_ID=\"15.5\"\nID=\"sles\"\nID_LIKE=\"suse\"\n", null, null, "sles", "15.5")]
    [InlineData("NAME=\"openSUSE Leap\"\nVERSION=\"15.5\"\nID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.5\"\n", null, null, "opensuse-leap", "15.5")]
    [InlineData("ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n", null, null, "wolfi", "20230201")]
    public void Detect_RealOsRelease_GivesFamilyAndVersion(string osRelease, string? extraPath, string? extraContent, string family, string version)
    {
        var files = new Dictionary<string, string> { ["etc/os-release"] = osRelease };
        if (extraPath is not null)
        {
            files[extraPath] = extraContent!;
        }
        var os = OsReleaseAnalyzer.Detect(files);
        Assert.NotNull(os);
        Assert.Equal(family, os.Family);
        Assert.Equal(version, os.Version);
    }

    [Fact]
    public void Detect_DistrolessOsRelease_IsMarkedDistroless()
    {
        var os = OsReleaseAnalyzer.Detect(new Dictionary<string, string>
        {
            ["etc/os-release"] = "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\nVERSION=\"Debian GNU/Linux 12 (bookworm)\"\nHOME_URL=\"https://github.com/GoogleContainerTools/distroless\"\n",
        });
        Assert.NotNull(os);
        Assert.True(os.Distroless);
        Assert.Equal("debian", os.Family);
    }

    [Fact]
    public void Detect_NoOsReleaseOnlyAlpineRelease_FallsBack()
    {
        var os = OsReleaseAnalyzer.Detect(new Dictionary<string, string> { ["etc/alpine-release"] = "3.18.4\n" });
        Assert.Equal(new Seawall.Core.Model.OsInfo("alpine", "3.18.4"), os);
    }

    [Fact]
    public void Detect_Nothing_ReturnsNull()
    {
        Assert.Null(OsReleaseAnalyzer.Detect(new Dictionary<string, string>()));
    }
}
