using Seawall.Core.Model;
using Seawall.HostAudit.Kernel;
using static Seawall.Tests.HostAudit.HostKernelFixture;

namespace Seawall.Tests.HostAudit.Kernel;

public class InstalledKernelsTests
{
    [Theory]
    [InlineData("linux-image-6.1.0-18-amd64", "6.1.0-18-amd64", "deb:amd64")]
    [InlineData("linux-image-6.1.0-18-cloud-amd64", "6.1.0-18-cloud-amd64", "deb:cloud-amd64")]
    [InlineData("linux-image-6.1.0-18-amd64-unsigned", "6.1.0-18-amd64", "deb:amd64")]
    [InlineData("linux-image-6.1.0-0.deb11.13-amd64", "6.1.0-0.deb11.13-amd64", "deb:amd64")]
    [InlineData("linux-image-unsigned-5.15.0-91-generic", "5.15.0-91-generic", "deb:generic")]
    [InlineData("proxmox-kernel-6.5.13-1-pve-signed", "6.5.13-1-pve", "deb:pve")]
    [InlineData("pve-kernel-5.15.131-1-pve", "5.15.131-1-pve", "deb:pve")]
    public void Debian_kernel_package_names_give_the_release(string name, string release, string family)
    {
        var kernel = Assert.Single(InstalledKernels.From([Deb(name, "1.0-1")], null));
        Assert.Equal(release, kernel.Release);
        Assert.Equal(family, kernel.Family);
    }

    [Theory]
    [InlineData("linux-image-amd64")]
    [InlineData("linux-image-generic")]
    [InlineData("linux-image-6.1.0-18-amd64-dbg")]
    [InlineData("linux-headers-6.1.0-18-amd64")]
    [InlineData("linux-libc-dev")]
    public void Other_linux_packages_are_no_kernels(string name) =>
        Assert.Empty(InstalledKernels.From([Deb(name, "6.1.76-1")], null));

    [Fact]
    public void Rpm_kernels_map_version_release_arch_and_variants()
    {
        var kernels = InstalledKernels.From(
        [
            Rpm("kernel-core", "5.14.0", "362.8.1.el9_3"),
            Rpm("kernel-debug-core", "6.5.6", "300.fc39"),
            Rpm("kernel-default", "5.14.21", "150500.55.39.1"),
            Rpm("kernel-headers", "5.14.0", "362.8.1.el9_3"),
            Rpm("kernel-modules-extra", "5.14.0", "362.8.1.el9_3"),
            Rpm("kernel-devel", "5.14.0", "362.8.1.el9_3"),
        ], null);
        Assert.Equal(3, kernels.Count);
        Assert.Equal(["5.14.0-362.8.1.el9_3.x86_64"], kernels[0].Releases);
        Assert.Contains("6.5.6-300.fc39.x86_64+debug", kernels[1].Releases);
        Assert.Contains("5.14.21-150500.55.39-default", kernels[2].Releases);
        Assert.Equal("rpm:kernel-", kernels[0].Family);
    }

    [Fact]
    public void Alpine_flavours_map_to_their_release()
    {
        var kernel = Assert.Single(InstalledKernels.From([Apk("linux-virt", "6.6.14-r1"), Apk("linux-firmware", "20240115-r0"), Apk("linux-pam", "1.5.3-r7")], new OsInfo("alpine", "3.19")));
        Assert.Equal("6.6.14-1-virt", kernel.Release);
    }

    [Fact]
    public void Package_format_comes_from_purl_then_database_then_os()
    {
        Assert.Equal(PackageFormat.Rpm, InstalledKernels.FormatOf(new Package { Name = "kernel", Version = "1-1", Purl = "pkg:rpm/redhat/kernel@1-1" }, null));
        Assert.Equal(PackageFormat.Dpkg, InstalledKernels.FormatOf(Deb("x", "1"), null));
        Assert.Equal(PackageFormat.Apk, InstalledKernels.FormatOf(new Package { Name = "x", Version = "1" }, new OsInfo("alpine", "3.19")));
        Assert.Null(InstalledKernels.FormatOf(new Package { Name = "x", Version = "1" }, null));
    }
}
