using Seawall.Core.Model;
using Seawall.HostAudit.Lockdown;
using static Seawall.Tests.HostAudit.HostKernelFixture;

namespace Seawall.Tests.HostAudit.Lockdown;

public class LockdownChecksTests
{
    private const string Release = "6.1.0-18-amd64";

    private const string ModulesDep =
        "kernel/net/sctp/sctp.ko.xz: kernel/lib/libcrc32c.ko.xz\n" +
        "kernel/net/dccp/dccp.ko.xz:\n" +
        "kernel/drivers/usb/storage/usb-storage.ko.xz: kernel/drivers/usb/common/usb-common.ko.xz\n" +
        "kernel/fs/udf/udf.ko.xz: kernel/lib/crc-itu-t.ko.xz\n" +
        "kernel/fs/hfsplus/hfsplus.ko.xz:\n";

    /// <summary>A live-looking host: proc mounted, modules listed, an index of the running kernel's modules.</summary>
    private static HostKernelFixture Host(string loaded = "ext4 1007616 1 - Live 0x0\n") =>
        new HostKernelFixture()
            .Sysctl("kernel.osrelease", Release)
            .Sysctl("kernel.modules_disabled", "0")
            .Write("proc/modules", loaded)
            .Write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=1 ro quiet\n")
            .Write($"lib/modules/{Release}/modules.dep", ModulesDep)
            .Write($"lib/modules/{Release}/modules.builtin", "kernel/fs/squashfs/squashfs.ko\nkernel/fs/ext4/ext4.ko\n");

    private static Finding Module(HostKernelFixture host, string name) => Single(host.Findings(new LockdownChecks()), $"host-lockdown-module-{name}");

    // ---- host-lockdown-mode ----

    [Theory]
    [InlineData("none [integrity] confidentiality\n", FindingStatus.Pass)]
    [InlineData("none integrity [confidentiality]\n", FindingStatus.Pass)]
    [InlineData("[none] integrity confidentiality\n", FindingStatus.Warn)]
    public void Lockdown_mode(string text, FindingStatus expected)
    {
        using var host = Host().Write("sys/kernel/security/lockdown", text);
        var finding = Single(host.Findings(new LockdownChecks()), "host-lockdown-mode");
        Assert.Equal(expected, finding.Status);
        Assert.StartsWith("lockdown = ", finding.Evidence);
    }

    [Fact]
    public void Kernel_without_lockdown_lsm_is_info_and_without_securityfs_silent()
    {
        using (var host = Host().Write("sys/kernel/security/lsm", "capability,yama,apparmor"))
        {
            Assert.Equal(FindingStatus.Info, Single(host.Findings(new LockdownChecks()), "host-lockdown-mode").Status);
        }
        using var bare = Host();
        Assert.DoesNotContain(bare.Findings(new LockdownChecks()), f => f.CheckId == "host-lockdown-mode");
    }

    // ---- host-lockdown-modules-disabled ----

    [Theory]
    [InlineData("1", FindingStatus.Pass)]
    [InlineData("0", FindingStatus.Warn)]
    public void Modules_disabled(string value, FindingStatus expected)
    {
        using var host = Host().Sysctl("kernel.modules_disabled", value);
        var finding = Single(host.Findings(new LockdownChecks()), "host-lockdown-modules-disabled");
        Assert.Equal(expected, finding.Status);
        Assert.Equal($"kernel.modules_disabled = {value} (expected 1)", finding.Evidence);
    }

    // ---- host-lockdown-module-signatures ----

    [Fact]
    public void Signature_enforcement_from_the_parameter_command_line_or_lockdown_passes()
    {
        using (var param = Host().Write("sys/module/module/parameters/sig_enforce", "Y\n"))
        {
            Assert.Equal(FindingStatus.Pass, Single(param.Findings(new LockdownChecks()), "host-lockdown-module-signatures").Status);
        }
        using (var cmdline = Host().Write("sys/module/module/parameters/sig_enforce", "N\n").Write("proc/cmdline", "root=/dev/sda1 module.sig_enforce=1 quiet\n"))
        {
            var finding = Single(cmdline.Findings(new LockdownChecks()), "host-lockdown-module-signatures");
            Assert.Equal(FindingStatus.Pass, finding.Status);
            Assert.Contains("proc/cmdline", finding.Evidence);
        }
        using var lockdown = Host().Write("sys/module/module/parameters/sig_enforce", "N\n").Write("sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
        Assert.Equal(FindingStatus.Pass, Single(lockdown.Findings(new LockdownChecks()), "host-lockdown-module-signatures").Status);
    }

    [Fact]
    public void Unenforced_signatures_warn()
    {
        using var host = Host().Write("sys/module/module/parameters/sig_enforce", "N\n").Write("sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
        var finding = Single(host.Findings(new LockdownChecks()), "host-lockdown-module-signatures");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("sig_enforce = N (sys/module/module/parameters/sig_enforce); no module.sig_enforce=1 on the kernel command line; lockdown = none", finding.Evidence);
    }

    [Fact]
    public void Kernel_config_decides_without_the_parameter()
    {
        using (var unsigned = Host().Write($"boot/config-{Release}", "#\n# CONFIG_MODULE_SIG is not set\nCONFIG_MODULES=y\n"))
        {
            var finding = Single(unsigned.Findings(new LockdownChecks()), "host-lockdown-module-signatures");
            Assert.Equal(FindingStatus.Warn, finding.Status);
            Assert.Contains("kernel built without module signing", finding.Evidence);
        }
        using var forced = Host().Write($"boot/config-{Release}", "#\nCONFIG_MODULE_SIG=y\nCONFIG_MODULE_SIG_FORCE=y\n");
        Assert.Equal(FindingStatus.Pass, Single(forced.Findings(new LockdownChecks()), "host-lockdown-module-signatures").Status);
    }

    // ---- host-lockdown-module-* ----

    [Fact]
    public void Loaded_denied_module_fails()
    {
        using var host = Host("sctp 434176 4 - Live 0xffffffffc0a00000\nlibcrc32c 12288 3 sctp,nf_tables, Live 0x0\n");
        var finding = Module(host, "sctp");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("sctp is loaded (proc/modules)", finding.Evidence);
        Assert.Equal("proc/modules", finding.Location?.Path);
        Assert.Contains("install sctp /bin/false", finding.Remediation);
        Assert.Contains("CIS-Debian-12-3.2.4", finding.References);
    }

    [Fact]
    public void Loaded_module_despite_a_rule_says_so()
    {
        using var host = Host("usb_storage 86016 0 - Live 0x0\n").Write("etc/modprobe.d/usb.conf", "install usb-storage /bin/false\n");
        var finding = Module(host, "usb-storage");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains("although 'install usb_storage /bin/false' at etc/modprobe.d/usb.conf:1", finding.Evidence);
    }

    [Fact]
    public void Install_false_rule_passes_with_its_line()
    {
        using var host = Host().Write("etc/modprobe.d/cis.conf", "# CIS 3.2.1\nblacklist dccp\ninstall dccp /bin/false\n");
        var finding = Module(host, "dccp");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Equal(new Location("etc/modprobe.d/cis.conf", 3), finding.Location);
        Assert.Equal("not loaded; 'blacklist dccp' at etc/modprobe.d/cis.conf:2, 'install dccp /bin/false' at etc/modprobe.d/cis.conf:3", finding.Evidence);
    }

    [Fact]
    public void Dash_and_underscore_names_match_and_continuations_are_joined()
    {
        using var host = Host().Write("usr/lib/modprobe.d/usb.conf", "install usb-storage \\\n  /bin/true # no usb disks\n");
        var finding = Module(host, "usb-storage");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Contains("'install usb_storage /bin/true' at usr/lib/modprobe.d/usb.conf:1", finding.Evidence);
    }

    [Fact]
    public void A_file_in_etc_hides_the_same_name_in_lib()
    {
        using var host = Host().Write("lib/modprobe.d/hardening.conf", "install dccp /bin/false\n").Write("etc/modprobe.d/hardening.conf", "# emptied by the admin\n");
        var finding = Module(host, "dccp");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal($"not loaded, loadable on demand (lib/modules/{Release}/kernel/net/dccp/dccp.ko.xz), and no install or blacklist rule in modprobe.d", finding.Evidence);
    }

    [Fact]
    public void Blacklist_only_warns()
    {
        using var host = Host().Write("etc/modprobe.d/blacklist.conf", "blacklist udf\n");
        var finding = Module(host, "udf");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("only blacklisted ('blacklist udf' at etc/modprobe.d/blacklist.conf:1), so an explicit modprobe udf still loads it", finding.Evidence);
    }

    [Fact]
    public void Module_missing_from_the_kernel_passes()
    {
        using var host = Host();
        var finding = Module(host, "tipc");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Equal($"not installed for this kernel (not in lib/modules/{Release}/modules.dep)", finding.Evidence);
    }

    [Fact]
    public void Kernel_command_line_blacklists_count()
    {
        using var host = Host().Write("proc/cmdline", "ro module_blacklist=sctp,hfsplus modprobe.blacklist=dccp\n");
        var findings = host.Findings(new LockdownChecks());
        Assert.Equal(FindingStatus.Pass, Single(findings, "host-lockdown-module-sctp").Status);
        Assert.Equal(FindingStatus.Pass, Single(findings, "host-lockdown-module-hfsplus").Status);
        var dccp = Single(findings, "host-lockdown-module-dccp");
        Assert.Equal(FindingStatus.Warn, dccp.Status);
        Assert.Contains("'modprobe.blacklist=dccp' at proc/cmdline", dccp.Evidence);
    }

    [Fact]
    public void Squashfs_is_advisory()
    {
        using (var loaded = Host("squashfs 73728 4 - Live 0x0\n").Write($"lib/modules/{Release}/modules.builtin", "kernel/fs/ext4/ext4.ko\n"))
        {
            Assert.Equal(FindingStatus.Warn, Module(loaded, "squashfs").Status);
        }
        using var builtIn = Host();
        var finding = Module(builtIn, "squashfs");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Contains("built into the kernel", finding.Evidence);
    }

    [Fact]
    public void Built_in_module_is_detected_from_sys_module_without_an_index()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", Release).Write("proc/modules", "")
            .Write("sys/module/bluetooth/parameters/disable_esco", "N\n");
        var finding = Module(host, "bluetooth");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Contains("built into the kernel (sys/module/bluetooth without initstate)", finding.Evidence);
    }

    [Fact]
    public void Kernel_without_module_support_passes_everything()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", "6.18.44-fc");
        var findings = host.Findings(new LockdownChecks());
        var modules = findings.Where(f => f.CheckId.StartsWith("host-lockdown-module-", StringComparison.Ordinal) && f.CheckId != "host-lockdown-module-signatures").ToList();
        Assert.Equal(DeniedModules.All.Count, modules.Count);
        Assert.All(modules, f => Assert.Equal(FindingStatus.Pass, f.Status));
        Assert.Equal(FindingStatus.Pass, Single(findings, "host-lockdown-module-signatures").Status);
    }

    [Fact]
    public void Modules_disabled_makes_unloaded_modules_pass()
    {
        using var host = Host().Sysctl("kernel.modules_disabled", "1");
        Assert.Equal(FindingStatus.Pass, Module(host, "dccp").Status);
    }

    [Fact]
    public void Every_denied_module_gets_one_finding()
    {
        using var host = Host();
        var findings = host.Findings(new LockdownChecks());
        foreach (var denied in DeniedModules.All)
        {
            Single(findings, denied.Check.Id);
        }
    }

    [Fact]
    public void Root_without_proc_reads_the_rules_only()
    {
        using var host = new HostKernelFixture().Write("etc/modprobe.d/cis.conf", "install rds /bin/false\n");
        var findings = host.Findings(new LockdownChecks());
        Assert.Equal(FindingStatus.Pass, Single(findings, "host-lockdown-module-rds").Status);
        var tipc = Single(findings, "host-lockdown-module-tipc");
        Assert.Equal(FindingStatus.Warn, tipc.Status);
        Assert.StartsWith("loaded state unknown (no proc/modules under the root)", tipc.Evidence);
    }
}
