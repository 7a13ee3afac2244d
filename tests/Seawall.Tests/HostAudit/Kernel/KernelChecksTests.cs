using Seawall.Core.Model;
using Seawall.HostAudit.Kernel;
using static Seawall.Tests.HostAudit.HostKernelFixture;

namespace Seawall.Tests.HostAudit.Kernel;

public class KernelChecksTests
{
    private static readonly OsInfo Debian = new("debian", "12");
    private static readonly OsInfo Rhel = new("redhat", "9.3");
    private static readonly OsInfo Alpine = new("alpine", "3.19.1");

    private const string DebianProcVersion =
        "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n";

    private static HostKernelFixture DebianHost(string release = "6.1.0-18-amd64") =>
        new HostKernelFixture().Sysctl("kernel.osrelease", release).Write("proc/version", DebianProcVersion);

    // ---- host-kernel-reboot-pending ----

    [Fact]
    public void Reboot_marker_with_its_packages_fails()
    {
        using var host = DebianHost()
            .Write("var/run/reboot-required", "*** System restart required ***\n")
            .Write("var/run/reboot-required.pkgs", "linux-image-6.1.0-18-amd64\nlibc6\nlibc6\n");
        var finding = Single(host.Findings(new KernelChecks(), Debian, [Deb("linux-image-6.1.0-18-amd64", "6.1.76-1")]), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("var/run/reboot-required", finding.Location?.Path);
        Assert.Contains("var/run/reboot-required.pkgs: linux-image-6.1.0-18-amd64, libc6", finding.Evidence);
        Assert.NotNull(finding.Remediation);
    }

    [Fact]
    public void Marker_under_run_counts_once_when_var_run_links_to_it()
    {
        using var host = DebianHost().Write("run/reboot-required", "*** System restart required ***\n").Directory("var");
        File.CreateSymbolicLink(Path.Combine(host.Root, "var", "run"), "/run");
        var finding = Single(host.Findings(new KernelChecks(), Debian, [Deb("linux-image-6.1.0-18-amd64", "6.1.76-1")]), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Single(finding.Evidence!.Split("; "));
    }

    [Fact]
    public void Running_the_newest_installed_kernel_passes()
    {
        using var host = DebianHost();
        var finding = Single(host.Findings(new KernelChecks(), Debian,
            [Deb("linux-image-6.1.0-17-amd64", "6.1.69-1"), Deb("linux-image-6.1.0-18-amd64", "6.1.76-1"), Deb("linux-image-amd64", "6.1.76-1")]), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Contains("running 6.1.0-18-amd64 (linux-image-6.1.0-18-amd64 6.1.76-1)", finding.Evidence);
        Assert.Null(finding.Remediation);
    }

    [Fact]
    public void Newer_installed_kernel_of_the_same_flavour_fails()
    {
        using var host = DebianHost();
        var finding = Single(host.Findings(new KernelChecks(), Debian,
            [Deb("linux-image-6.1.0-18-amd64", "6.1.76-1"), Deb("linux-image-6.1.0-20-amd64", "6.1.85-1"), Deb("linux-image-6.1.0-20-amd64-dbg", "6.1.85-1")]), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("running 6.1.0-18-amd64 (linux-image-6.1.0-18-amd64 6.1.76-1), newer installed: 6.1.0-20-amd64 (linux-image-6.1.0-20-amd64 6.1.85-1)", finding.Evidence);
    }

    [Fact]
    public void Newer_kernel_of_another_flavour_is_not_pending()
    {
        using var host = DebianHost();
        var finding = Single(host.Findings(new KernelChecks(), Debian,
            [Deb("linux-image-6.1.0-18-amd64", "6.1.76-1"), Deb("linux-image-6.1.0-20-cloud-amd64", "6.1.85-1")]), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Pass, finding.Status);
    }

    [Fact]
    public void Debian_package_upgraded_in_place_since_boot_fails()
    {
        using var host = DebianHost();
        var finding = Single(host.Findings(new KernelChecks(), Debian, [Deb("linux-image-6.1.0-18-amd64", "6.1.76-1+deb12u1")]), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains("upgraded to 6.1.76-1+deb12u1 after boot; the running build is 6.1.76-1", finding.Evidence);
    }

    [Fact]
    public void Ubuntu_signature_gives_the_running_build()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", "5.15.0-91-generic")
            .Write("proc/version_signature", "Ubuntu 5.15.0-91.101-generic 5.15.131\n");
        var packages = new[] { Deb("linux-image-unsigned-5.15.0-91-generic", "5.15.0-91.101"), Deb("linux-image-5.15.0-91-generic", "5.15.0-91.101") };
        var finding = Single(host.Findings(new KernelChecks(), new OsInfo("ubuntu", "22.04"), packages), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Contains("(linux-image-5.15.0-91-generic 5.15.0-91.101)", finding.Evidence);
    }

    [Fact]
    public void Rpm_kernel_core_older_than_installed_fails_and_newest_passes()
    {
        var packages = new[]
        {
            Rpm("kernel-core", "5.14.0", "362.8.1.el9_3"), Rpm("kernel", "5.14.0", "362.8.1.el9_3"),
            Rpm("kernel-core", "5.14.0", "427.13.1.el9_4"), Rpm("kernel", "5.14.0", "427.13.1.el9_4"),
            Rpm("kernel-headers", "5.14.0", "503.el9"), Rpm("kernel-tools", "5.14.0", "503.el9"),
        };
        using (var old = new HostKernelFixture().Sysctl("kernel.osrelease", "5.14.0-362.8.1.el9_3.x86_64"))
        {
            var finding = Single(old.Findings(new KernelChecks(), Rhel, packages), "host-kernel-reboot-pending");
            Assert.Equal(FindingStatus.Fail, finding.Status);
            Assert.Contains("newer installed: 5.14.0-427.13.1.el9_4.x86_64 (kernel 5.14.0-427.13.1.el9_4)", finding.Evidence);
        }
        using var current = new HostKernelFixture().Sysctl("kernel.osrelease", "5.14.0-427.13.1.el9_4.x86_64");
        Assert.Equal(FindingStatus.Pass, Single(current.Findings(new KernelChecks(), Rhel, packages), "host-kernel-reboot-pending").Status);
    }

    [Fact]
    public void Alpine_kernel_replaced_by_an_upgrade_fails()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", "6.6.14-0-lts");
        var finding = Single(host.Findings(new KernelChecks(), Alpine, [Apk("linux-lts", "6.6.15-r0"), Apk("linux-firmware-none", "20240115-r0")]), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains("running 6.6.14-0-lts has no installed package; newer installed: 6.6.15-0-lts (linux-lts 6.6.15-r0)", finding.Evidence);
    }

    [Fact]
    public void Alpine_running_its_package_passes()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", "6.6.14-0-lts");
        Assert.Equal(FindingStatus.Pass, Single(host.Findings(new KernelChecks(), Alpine, [Apk("linux-lts", "6.6.14-r0")]), "host-kernel-reboot-pending").Status);
    }

    [Fact]
    public void Host_without_kernel_packages_is_info()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", "6.1.75-flatcar");
        var finding = Single(host.Findings(new KernelChecks(), new OsInfo("flatcar", "3815.2.0")), "host-kernel-reboot-pending");
        Assert.Equal(FindingStatus.Info, finding.Status);
    }

    // ---- host-kernel-livepatch ----

    [Fact]
    public void Enabled_live_patches_pass_with_their_providers()
    {
        using var host = DebianHost()
            .Write("sys/kernel/livepatch/lkp_Ubuntu_6_8_0_1047_50_aws_121/enabled", "1\n")
            .Write("sys/kernel/livepatch/lkp_Ubuntu_6_8_0_1047_50_aws_121/transition", "0\n")
            .Write("var/snap/canonical-livepatch/common/machine-token", "x");
        var finding = Single(host.Findings(new KernelChecks(), Debian), "host-kernel-livepatch");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Equal("lkp_Ubuntu_6_8_0_1047_50_aws_121 (Canonical Livepatch, enabled); Canonical Livepatch enabled", finding.Evidence);
    }

    [Fact]
    public void Disabled_patch_and_unloaded_kpatch_module_warn()
    {
        const string release = "5.14.0-362.8.1.el9_3.x86_64";
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", release)
            .Write("sys/kernel/livepatch/kpatch_5_14_0_362_8_1_1_1/enabled", "0\n")
            .Write($"var/lib/kpatch/{release}/kpatch-5_14_0_362_8_1-1-2.ko", "module");
        var finding = Single(host.Findings(new KernelChecks(), Rhel), "host-kernel-livepatch");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("kpatch_5_14_0_362_8_1_1_1 (kpatch, disabled)", finding.Evidence);
        Assert.Contains($"kpatch module var/lib/kpatch/{release}/kpatch-5_14_0_362_8_1-1-2.ko is installed for the running kernel but not loaded", finding.Evidence);
    }

    [Fact]
    public void KernelCare_installed_without_its_module_warns_and_running_passes()
    {
        using (var idle = DebianHost().Write("etc/sysconfig/kcare/kcare.conf", "AUTO_UPDATE=True\n"))
        {
            var finding = Single(idle.Findings(new KernelChecks(), Debian), "host-kernel-livepatch");
            Assert.Equal(FindingStatus.Warn, finding.Status);
            Assert.Contains("KernelCare is installed", finding.Evidence);
        }
        using var running = DebianHost()
            .Write("etc/sysconfig/kcare/kcare.conf", "AUTO_UPDATE=True\n")
            .Write("proc/kcare/effective_version", "6.1.0-28.8820deb12u1\n")
            .Write("proc/kcare/cvelist", "CVE-2024-1086\nCVE-2024-26581\n");
        var patched = Single(running.Findings(new KernelChecks(), Debian), "host-kernel-livepatch");
        Assert.Equal(FindingStatus.Pass, patched.Status);
        Assert.Equal("KernelCare effective kernel 6.1.0-28.8820deb12u1, 2 CVEs patched (proc/kcare/cvelist)", patched.Evidence);
    }

    [Fact]
    public void No_live_patching_is_info()
    {
        using var host = DebianHost();
        Assert.Equal(FindingStatus.Info, Single(host.Findings(new KernelChecks(), Debian), "host-kernel-livepatch").Status);
    }

    // ---- host-kernel-cve-exposure ----

    private static DetectedVulnerability Vuln(string id, string package, string version, Severity severity, params string[] fixedIn) =>
        new() { Id = id, PackageName = package, InstalledVersion = version, Severity = severity, FixedVersions = fixedIn };

    [Fact]
    public void Without_an_advisory_database_exposure_is_info()
    {
        using var host = DebianHost();
        var finding = Single(host.Findings(new KernelChecks(), Debian, [Deb("linux-image-6.1.0-18-amd64", "6.1.76-1")]), "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Contains("no advisory database", finding.Evidence);
    }

    [Fact]
    public void Running_kernel_vulnerabilities_are_counted_by_severity()
    {
        using var host = DebianHost();
        var packages = new[] { Deb("linux-image-6.1.0-18-amd64", "6.1.76-1"), Deb("linux-image-6.1.0-20-amd64", "6.1.85-1"), Deb("openssl", "3.0.11-1~deb12u2") };
        var vulnerabilities = new[]
        {
            Vuln("CVE-2024-1086", "linux-image-6.1.0-18-amd64", "6.1.76-1", Severity.High, "6.1.85-1"),
            Vuln("CVE-2024-26581", "linux-image-6.1.0-18-amd64", "6.1.76-1", Severity.High),
            Vuln("CVE-2023-52447", "linux-image-6.1.0-18-amd64", "6.1.76-1", Severity.Medium),
            Vuln("CVE-2024-0001", "linux-image-6.1.0-20-amd64", "6.1.85-1", Severity.Critical),
            Vuln("CVE-2024-0727", "openssl", "3.0.11-1~deb12u2", Severity.Critical),
        };
        var finding = Single(host.Findings(new KernelChecks(), Debian, packages, vulnerabilities), "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal(
            "linux-image-6.1.0-18-amd64 6.1.76-1 (running 6.1.0-18-amd64): 3 known vulnerabilities (HIGH 2, MEDIUM 1; 1 fixed in a newer package): CVE-2024-1086, CVE-2024-26581, CVE-2023-52447",
            finding.Evidence);
    }

    [Fact]
    public void KernelCare_covered_vulnerabilities_are_counted_apart()
    {
        using var host = DebianHost().Write("proc/kcare/effective_version", "6.1.0-28\n").Write("proc/kcare/cvelist", "CVE-2024-1086\n");
        var packages = new[] { Deb("linux-image-6.1.0-18-amd64", "6.1.76-1") };
        var partly = Single(host.Findings(new KernelChecks(), Debian, packages,
            [Vuln("CVE-2024-1086", "linux-image-6.1.0-18-amd64", "6.1.76-1", Severity.High), Vuln("CVE-2023-52447", "linux-image-6.1.0-18-amd64", "6.1.76-1", Severity.Medium)]), "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Fail, partly.Status);
        Assert.Equal(Severity.Medium, partly.Severity);
        Assert.EndsWith("1 known vulnerabilities (MEDIUM 1; 0 fixed in a newer package): CVE-2023-52447; KernelCare live patches cover 1: CVE-2024-1086", partly.Evidence);

        var covered = Single(host.Findings(new KernelChecks(), Debian, packages,
            [Vuln("CVE-2024-1086", "linux-image-6.1.0-18-amd64", "6.1.76-1", Severity.High)]), "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Pass, covered.Status);
    }

    [Fact]
    public void Rpm_kernel_subpackages_count_once_per_flaw()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", "5.14.0-362.8.1.el9_3.x86_64");
        var packages = new[] { Rpm("kernel-core", "5.14.0", "362.8.1.el9_3"), Rpm("kernel-modules", "5.14.0", "362.8.1.el9_3"), Rpm("kernel-core", "5.14.0", "427.13.1.el9_4") };
        var vulnerabilities = new[]
        {
            Vuln("CVE-2024-1086", "kernel-core", "5.14.0-362.8.1.el9_3", Severity.High),
            Vuln("CVE-2024-1086", "kernel-modules", "5.14.0-362.8.1.el9_3", Severity.High),
            Vuln("CVE-2024-9999", "kernel-core", "5.14.0-427.13.1.el9_4", Severity.Low),
        };
        var finding = Single(host.Findings(new KernelChecks(), Rhel, packages, vulnerabilities), "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains(": 1 known vulnerabilities (HIGH 1;", finding.Evidence);
        Assert.DoesNotContain("CVE-2024-9999", finding.Evidence);
    }

    [Fact]
    public void No_vulnerabilities_for_the_running_kernel_passes()
    {
        using var host = DebianHost();
        var finding = Single(host.Findings(new KernelChecks(), Debian, [Deb("linux-image-6.1.0-18-amd64", "6.1.76-1")], []), "host-kernel-cve-exposure");
        Assert.Equal(FindingStatus.Pass, finding.Status);
    }

    [Fact]
    public void Long_id_lists_are_capped()
    {
        using var host = DebianHost();
        var vulnerabilities = Enumerable.Range(1, KernelChecks.MaxListedIds + 5)
            .Select(i => Vuln($"CVE-2024-{i:D5}", "linux-image-6.1.0-18-amd64", "6.1.76-1", Severity.Low)).ToList();
        var finding = Single(host.Findings(new KernelChecks(), Debian, [Deb("linux-image-6.1.0-18-amd64", "6.1.76-1")], vulnerabilities), "host-kernel-cve-exposure");
        Assert.EndsWith(", and 5 more (see the vulnerability results)", finding.Evidence);
    }
}
