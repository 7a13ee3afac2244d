using Seawall.Core.Model;
using Seawall.HostAudit.Kernel;
using Seawall.Scanning;
using Seawall.Tests.Support;
using Seawall.Tests.Vulnerabilities.Import;

namespace Seawall.Tests.HostAudit.Kernel;

/// <summary>
/// A signed kernel image (Debian's linux-signed-amd64, Ubuntu's linux-signed-hwe-6.8) is matched as the kernel source it
/// signs, at the image package's own version, by `seawall host`; an image scan keeps Trivy's matching by the recorded
/// source. The hosts are fixture roots with dpkg status stanzas in the real format of the distributions' kernel
/// packages; the advisories are a Debian tracker JSON and an Ubuntu OSV record in their real shapes (the shared corpus
/// has no kernel records), with ids of the year 2099: shaped like the feeds' records, not copies of real ones.
/// </summary>
public sealed class SignedKernelSourcesTests
{
    [Theory]
    [InlineData("linux-signed-amd64", "debian", "linux")]
    [InlineData("linux-signed-arm64", "debian", "linux")]
    [InlineData("linux-signed-i386", "debian", "linux")]
    [InlineData("linux-signed-5.10-amd64", "debian", "linux-5.10")]
    [InlineData("linux-signed", "ubuntu", "linux")]
    [InlineData("linux-signed-hwe-6.8", "ubuntu", "linux-hwe-6.8")]
    [InlineData("linux-signed-aws", "ubuntu", "linux-aws")]
    [InlineData("linux", "debian", null)]
    [InlineData("linux-hwe-6.8", "ubuntu", null)]
    [InlineData("linux-signedness", "ubuntu", null)]
    [InlineData("linux-signed-amd64", "redhat", null)]
    [InlineData("linux-signed-armhf", "debian", null)]
    public void Signed_wrapper_sources_name_the_kernel_source(string source, string family, string? expected) =>
        Assert.Equal(expected, SignedKernelSources.UnsignedSource(source, family));

    // Debian 12's kernel of September 2024 as dpkg records it: the image's version is the linux source version it was
    // built from, the signed wrapper's own version swaps the revision's "-" for "+". The meta package carries the same
    // pair; linux-libc-dev comes from linux itself.
    private const string DebianStatus = """
        Package: base-files
        Status: install ok installed
        Priority: required
        Section: admin
        Installed-Size: 341
        Maintainer: Santiago Vila <sanvila@debian.org>
        Architecture: amd64
        Version: 12.4+deb12u7
        Description: Debian base system miscellaneous files

        Package: linux-image-6.1.0-25-amd64
        Status: install ok installed
        Priority: optional
        Section: kernel
        Installed-Size: 410021
        Maintainer: Debian Kernel Team <debian-kernel@lists.debian.org>
        Architecture: amd64
        Source: linux-signed-amd64 (6.1.106+3)
        Version: 6.1.106-3
        Replaces: linux-image-6.1.0-25-amd64-unsigned
        Depends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool
        Recommends: firmware-linux-free, apparmor
        Suggests: linux-doc-6.1, debian-kernel-handbook, grub-pc | grub-efi-amd64 | extlinux
        Conflicts: linux-image-6.1.0-25-amd64-unsigned
        Description: Linux 6.1 for 64-bit PCs (signed)
         The Linux kernel 6.1 and modules for use on PCs with AMD64, Intel 64 or
         VIA Nano processors.
         .
         The kernel image is signed for use with Secure Boot.

        Package: linux-image-amd64
        Status: install ok installed
        Priority: optional
        Section: kernel
        Installed-Size: 13
        Maintainer: Debian Kernel Team <debian-kernel@lists.debian.org>
        Architecture: amd64
        Source: linux-signed-amd64 (6.1.106+3)
        Version: 6.1.106-3
        Provides: wireguard-modules (= 1.0.0)
        Depends: linux-image-6.1.0-25-amd64 (= 6.1.106-3)
        Description: Linux for 64-bit PCs (meta-package)
         This package depends on the latest Linux kernel and modules for use on PCs
         with AMD64, Intel 64 or VIA Nano processors.

        Package: linux-libc-dev
        Status: install ok installed
        Priority: optional
        Section: devel
        Installed-Size: 7584
        Maintainer: Debian Kernel Team <debian-kernel@lists.debian.org>
        Architecture: amd64
        Multi-Arch: same
        Source: linux
        Version: 6.1.106-3
        Description: Linux support headers for userspace development
         This package provides headers from the Linux kernel.

        """;

    private const string DebianOsRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian

        """;

    // The tracker lists the kernel's flaws under "linux" only. 0104 is fixed in a later Debian revision of the same
    // upstream release: the signed wrapper's version 6.1.106+3 sorts after 6.1.106-4 and would call it fixed.
    private const string DebianTracker = """
        {
          "linux": {
            "CVE-2099-0101": {
              "scope": "local",
              "description": "In the Linux kernel, a use-after-free in the netfilter subsystem.",
              "releases": {
                "bookworm": {"status": "resolved", "repositories": {"bookworm": "6.1.112-1", "bookworm-security": "6.1.112-1"}, "fixed_version": "6.1.112-1", "urgency": "not yet assigned"},
                "sid": {"status": "resolved", "repositories": {"sid": "6.11.2-1"}, "fixed_version": "6.10.11-1", "urgency": "not yet assigned"}
              }
            },
            "CVE-2099-0102": {
              "scope": "local",
              "description": "In the Linux kernel, a missing check in the ext4 driver.",
              "releases": {
                "bookworm": {"status": "resolved", "repositories": {"bookworm": "6.1.112-1"}, "fixed_version": "6.1.106-3", "urgency": "not yet assigned"}
              }
            },
            "CVE-2099-0103": {
              "scope": "local",
              "description": "In the Linux kernel, a race in the io_uring subsystem.",
              "releases": {
                "bookworm": {"status": "open", "repositories": {"bookworm": "6.1.112-1"}, "urgency": "high"}
              }
            },
            "CVE-2099-0104": {
              "scope": "local",
              "description": "In the Linux kernel, a regression of the previous upload.",
              "releases": {
                "bookworm": {"status": "resolved", "repositories": {"bookworm": "6.1.112-1"}, "fixed_version": "6.1.106-4", "urgency": "not yet assigned"}
              }
            }
          }
        }
        """;

    private static HostKernelFixture DebianHost() => new HostKernelFixture()
        .Write("etc/os-release", DebianOsRelease)
        .Write("var/lib/dpkg/status", DebianStatus)
        .Sysctl("kernel.osrelease", "6.1.0-25-amd64")
        .Write("proc/version", "Linux version 6.1.0-25-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)\n");

    private static ImportFixture Database(string name, string content)
    {
        var db = new ImportFixture();
        db.Import(db.WriteFile(name, content));
        return db;
    }

    private static ScanService Service(ImportFixture db) =>
        new(new ScanOptions { CacheDir = null, IncludePassed = true, AdvisoryDatabase = db.DatabasePath });

    private static List<DetectedVulnerability> VulnerabilitiesOf(ScanReport report, string package) =>
        [.. report.Results.SelectMany(r => r.Vulnerabilities).Where(v => v.PackageName == package).OrderBy(v => v.Id, StringComparer.Ordinal)];

    [Fact]
    public async Task Debian_host_matches_its_signed_kernel_as_linux_at_the_image_version()
    {
        using var host = DebianHost();
        using var db = Database("tracker.json", DebianTracker);
        var report = await Service(db).ScanHostAsync(host.Root, TestContext.Current.CancellationToken);

        var image = VulnerabilitiesOf(report, "linux-image-6.1.0-25-amd64");
        Assert.Equal(["CVE-2099-0101", "CVE-2099-0103", "CVE-2099-0104"], image.Select(v => v.Id));
        Assert.All(image, v => Assert.Equal("6.1.106-3", v.InstalledVersion));
        Assert.Equal(["6.1.112-1"], image[0].FixedVersions);
        Assert.Equal(["6.1.106-4"], image[2].FixedVersions);
        // Already matched through its own source before, and unchanged.
        Assert.Equal(image.Select(v => v.Id), VulnerabilitiesOf(report, "linux-libc-dev").Select(v => v.Id));
        // A meta package is no kernel: it keeps its recorded source, which the tracker does not list.
        Assert.Empty(VulnerabilitiesOf(report, "linux-image-amd64"));
        // The report states the packages as dpkg recorded them.
        var recorded = report.Results.SelectMany(r => r.Packages).Single(p => p.Name == "linux-image-6.1.0-25-amd64");
        Assert.Equal(("linux-signed-amd64", "6.1.106+3"), (recorded.SourceName, recorded.SourceVersion));

        var exposure = Assert.Single(report.Results[0].Findings, f => f.CheckId == "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Fail, exposure.Status);
        Assert.Equal(Severity.High, exposure.Severity); // the tracker's urgency of 0103
        Assert.Equal(
            "linux-image-6.1.0-25-amd64 6.1.106-3 (running 6.1.0-25-amd64, matched as source linux 6.1.106-3, signed as linux-signed-amd64 6.1.106+3): " +
            "3 known vulnerabilities (HIGH 1, UNKNOWN 2; 2 fixed in a newer package): CVE-2099-0103, CVE-2099-0101, CVE-2099-0104",
            exposure.Evidence);
    }

    [Fact]
    public async Task Debian_host_on_the_fixed_kernel_passes()
    {
        using var host = DebianHost();
        var tracker = DebianTracker.Replace("\"fixed_version\": \"6.1.106-4\"", "\"fixed_version\": \"6.1.106-3\"", StringComparison.Ordinal)
            .Replace("\"fixed_version\": \"6.1.112-1\"", "\"fixed_version\": \"6.1.99-1\"", StringComparison.Ordinal)
            .Replace("\"status\": \"open\", \"repositories\": {\"bookworm\": \"6.1.112-1\"}, \"urgency\": \"high\"",
                "\"status\": \"resolved\", \"repositories\": {\"bookworm\": \"6.1.112-1\"}, \"fixed_version\": \"6.1.106-1\", \"urgency\": \"high\"", StringComparison.Ordinal);
        using var db = Database("tracker.json", tracker);
        var report = await Service(db).ScanHostAsync(host.Root, TestContext.Current.CancellationToken);

        Assert.Empty(VulnerabilitiesOf(report, "linux-image-6.1.0-25-amd64"));
        var exposure = Assert.Single(report.Results[0].Findings, f => f.CheckId == "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Pass, exposure.Status);
        Assert.StartsWith("linux-image-6.1.0-25-amd64 6.1.106-3 (running 6.1.0-25-amd64, matched as source linux 6.1.106-3", exposure.Evidence);
    }

    /// <summary>Trivy matches an image's packages by the source dpkg recorded: the signed image finds nothing there.</summary>
    [Fact]
    public async Task Image_scan_keeps_the_recorded_source()
    {
        using var host = DebianHost();
        using var db = Database("tracker.json", DebianTracker);
        var report = await Service(db).ScanDirectoryAsync(host.Root, ArtifactType.Rootfs, TestContext.Current.CancellationToken);

        Assert.Empty(VulnerabilitiesOf(report, "linux-image-6.1.0-25-amd64"));
        Assert.Equal(["CVE-2099-0101", "CVE-2099-0103", "CVE-2099-0104"], VulnerabilitiesOf(report, "linux-libc-dev").Select(v => v.Id));
    }

    // Ubuntu 22.04 with the 6.8 HWE kernel: the image from linux-signed-hwe-6.8, the modules from linux-hwe-6.8 (same
    // version). Ubuntu's OSV records file the flaw under linux-hwe-6.8.
    private const string UbuntuStatus = """
        Package: linux-image-6.8.0-45-generic
        Status: install ok installed
        Priority: optional
        Section: kernel
        Installed-Size: 14672
        Maintainer: Canonical Kernel Team <kernel-team@lists.ubuntu.com>
        Architecture: amd64
        Source: linux-signed-hwe-6.8
        Version: 6.8.0-45.45~22.04.1
        Depends: linux-modules-6.8.0-45-generic
        Description: Signed kernel image generic
         A kernel image for generic.  This version of it is signed with
         Canonical's signing key.

        Package: linux-modules-6.8.0-45-generic
        Status: install ok installed
        Priority: optional
        Section: kernel
        Installed-Size: 112308
        Maintainer: Canonical Kernel Team <kernel-team@lists.ubuntu.com>
        Architecture: amd64
        Source: linux-hwe-6.8
        Version: 6.8.0-45.45~22.04.1
        Description: Linux kernel extra modules for version 6.8.0 on 64 bit x86 SMP

        """;

    private const string UbuntuRecord = """
        {
          "schema_version": "1.6.3",
          "id": "UBUNTU-CVE-2099-0201",
          "details": "In the Linux kernel, a use-after-free in the netfilter subsystem.",
          "aliases": [],
          "related": [],
          "published": "2099-01-10T00:00:00Z",
          "modified": "2099-01-12T00:00:00Z",
          "upstream": ["CVE-2099-0201"],
          "affected": [
            {
              "package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "linux-hwe-6.8", "purl": "pkg:deb/ubuntu/linux-hwe-6.8@6.8.0-49.49~22.04.1?arch=source&distro=jammy"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "6.8.0-49.49~22.04.1"}]}]
            }
          ],
          "severity": [{"type": "Ubuntu", "score": "medium"}],
          "references": [{"type": "REPORT", "url": "https://ubuntu.com/security/CVE-2099-0201"}]
        }
        """;

    [Fact]
    public async Task Ubuntu_host_matches_its_signed_hwe_kernel_as_linux_hwe()
    {
        using var host = new HostKernelFixture()
            .Write("etc/os-release", "PRETTY_NAME=\"Ubuntu 22.04.5 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n")
            .Write("var/lib/dpkg/status", UbuntuStatus)
            .Sysctl("kernel.osrelease", "6.8.0-45-generic");
        using var db = new ImportFixture();
        db.Import(db.WriteFile("osv/UBUNTU-CVE-2099-0201.json", UbuntuRecord));
        var report = await Service(db).ScanHostAsync(host.Root, TestContext.Current.CancellationToken);

        var image = Assert.Single(VulnerabilitiesOf(report, "linux-image-6.8.0-45-generic"));
        Assert.Equal(("CVE-2099-0201", "Ubuntu:22.04:LTS", "6.8.0-45.45~22.04.1"), (image.Id, image.Ecosystem, image.InstalledVersion));
        Assert.Single(VulnerabilitiesOf(report, "linux-modules-6.8.0-45-generic"));
        var exposure = Assert.Single(report.Results[0].Findings, f => f.CheckId == "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Fail, exposure.Status);
        Assert.Contains("matched as source linux-hwe-6.8 6.8.0-45.45~22.04.1, signed as linux-signed-hwe-6.8 6.8.0-45.45~22.04.1", exposure.Evidence);
        Assert.Contains(": 1 known vulnerabilities (MEDIUM 1; 1 fixed in a newer package): CVE-2099-0201", exposure.Evidence);
    }
}
