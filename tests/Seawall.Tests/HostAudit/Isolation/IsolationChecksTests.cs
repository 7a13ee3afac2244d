using Seawall.Core.Model;
using Seawall.HostAudit.Isolation;
using static Seawall.Tests.HostAudit.HostKernelFixture;

namespace Seawall.Tests.HostAudit.Isolation;

public class IsolationChecksTests
{
    private const string Profiles =
        "docker-default (enforce)\n/usr/sbin/chronyd (enforce)\nnvidia_modprobe (enforce)\n/usr/bin/man (complain)\nlsb_release (enforce)\n";

    private static List<Finding> Run(HostKernelFixture host) => host.Findings(new IsolationChecks());

    // ---- host-isolation-mac ----

    [Fact]
    public void An_active_mac_lsm_passes_and_none_fails()
    {
        using (var host = new HostKernelFixture().Write("sys/kernel/security/lsm", "lockdown,capability,landlock,yama,apparmor,bpf"))
        {
            var finding = Single(Run(host), "host-isolation-mac");
            Assert.Equal(FindingStatus.Pass, finding.Status);
            Assert.Equal("active LSMs: lockdown,capability,landlock,yama,apparmor,bpf (sys/kernel/security/lsm)", finding.Evidence);
        }
        using var none = new HostKernelFixture().Write("sys/kernel/security/lsm", "capability,landlock,yama");
        Assert.Equal(FindingStatus.Fail, Single(Run(none), "host-isolation-mac").Status);
    }

    [Fact]
    public void Without_securityfs_the_module_parameters_decide()
    {
        using var host = new HostKernelFixture().Write("sys/module/apparmor/parameters/enabled", "Y\n");
        Assert.Equal(FindingStatus.Pass, Single(Run(host), "host-isolation-mac").Status);
    }

    [Fact]
    public void Sysfs_without_any_mac_trace_warns()
    {
        using (var host = new HostKernelFixture().Write("sys/module/8250/parameters/nr_uarts", "4\n"))
        {
            var finding = Single(Run(host), "host-isolation-mac");
            Assert.Equal(FindingStatus.Warn, finding.Status);
            Assert.StartsWith("no MAC module visible", finding.Evidence);
        }
        using var bare = new HostKernelFixture();
        Assert.DoesNotContain(Run(bare), f => f.CheckId == "host-isolation-mac");
    }

    // ---- host-isolation-apparmor ----

    [Fact]
    public void Enforcing_profiles_pass_with_counts()
    {
        using var host = new HostKernelFixture().Write("sys/kernel/security/lsm", "capability,apparmor")
            .Write("sys/module/apparmor/parameters/enabled", "Y\n")
            .Write("sys/kernel/security/apparmor/profiles", Profiles);
        var finding = Single(Run(host), "host-isolation-apparmor");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Equal("5 profiles loaded (1 complain, 4 enforce); docker-default loaded", finding.Evidence);
    }

    [Fact]
    public void Complain_only_profiles_warn_and_disabled_apparmor_fails()
    {
        using (var complain = new HostKernelFixture().Write("sys/kernel/security/lsm", "capability,apparmor")
            .Write("sys/kernel/security/apparmor/profiles", "/usr/bin/man (complain)\nlsb_release (complain)\n"))
        {
            Assert.Equal(FindingStatus.Warn, Single(Run(complain), "host-isolation-apparmor").Status);
        }
        using var disabled = new HostKernelFixture().Write("sys/module/apparmor/parameters/enabled", "N\n").Write("sys/kernel/security/lsm", "capability,apparmor");
        Assert.Equal(FindingStatus.Fail, Single(Run(disabled), "host-isolation-apparmor").Status);
    }

    [Fact]
    public void AppArmor_is_not_reported_where_it_is_not_active()
    {
        using var host = new HostKernelFixture().Write("sys/kernel/security/lsm", "capability,selinux");
        Assert.DoesNotContain(Run(host), f => f.CheckId == "host-isolation-apparmor");
    }

    // ---- host-isolation-selinux ----

    private static string SelinuxConfig(string mode) => $"# This file controls the state of SELinux\nSELINUX={mode}\nSELINUXTYPE=targeted\n";

    [Theory]
    [InlineData("1", "enforcing", FindingStatus.Pass)]
    [InlineData("0", "enforcing", FindingStatus.Fail)]
    [InlineData("1", "permissive", FindingStatus.Warn)]
    public void SELinux_running_mode_against_its_config(string enforce, string configured, FindingStatus expected)
    {
        using var host = new HostKernelFixture().Write("sys/kernel/security/lsm", "capability,selinux")
            .Write("sys/fs/selinux/enforce", enforce)
            .Write("etc/selinux/config", SelinuxConfig(configured));
        var finding = Single(Run(host), "host-isolation-selinux");
        Assert.Equal(expected, finding.Status);
        Assert.Contains($"SELINUX={configured} (etc/selinux/config:2)", finding.Evidence);
    }

    [Fact]
    public void SELinux_configured_but_not_running_fails()
    {
        using var host = new HostKernelFixture().Write("sys/kernel/security/lsm", "capability,yama")
            .Write("etc/selinux/config", SelinuxConfig("enforcing"));
        var finding = Single(Run(host), "host-isolation-selinux");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal(new Location("etc/selinux/config", 2), finding.Location);
    }

    [Fact]
    public void SELinux_is_not_reported_on_a_host_without_it()
    {
        using var host = new HostKernelFixture().Write("sys/kernel/security/lsm", "capability,apparmor");
        Assert.DoesNotContain(Run(host), f => f.CheckId == "host-isolation-selinux");
    }

    // ---- host-isolation-seccomp ----

    [Fact]
    public void Seccomp_filters_from_actions_avail_pass()
    {
        using var host = new HostKernelFixture().Write("proc/sys/kernel/seccomp/actions_avail", "kill_process kill_thread trap errno user_notif trace log allow\n");
        var finding = Single(Run(host), "host-isolation-seccomp");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Contains("kill_process kill_thread", finding.Evidence);
    }

    [Fact]
    public void Kernel_without_seccomp_fails()
    {
        using (var status = new HostKernelFixture().Write("proc/self/status", "Name:\tseawall\nState:\tR (running)\nUid:\t0\t0\t0\t0\n"))
        {
            Assert.Equal(FindingStatus.Fail, Single(Run(status), "host-isolation-seccomp").Status);
        }
        using var config = new HostKernelFixture().Sysctl("kernel.osrelease", "4.9.0-custom").Write("boot/config-4.9.0-custom", "#\nCONFIG_SECCOMP=y\n# CONFIG_SECCOMP_FILTER is not set\n");
        Assert.Equal(FindingStatus.Fail, Single(Run(config), "host-isolation-seccomp").Status);
    }

    [Fact]
    public void Kernel_config_with_seccomp_filter_passes()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.osrelease", "4.9.0-8-amd64").Write("boot/config-4.9.0-8-amd64", "#\nCONFIG_SECCOMP=y\nCONFIG_SECCOMP_FILTER=y\n");
        Assert.Equal(FindingStatus.Pass, Single(Run(host), "host-isolation-seccomp").Status);
    }

    // ---- host-isolation-cgroup-version / -controllers ----

    [Fact]
    public void Cgroup_v2_with_every_controller_passes()
    {
        using var host = new HostKernelFixture().Write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        var findings = Run(host);
        Assert.Equal(FindingStatus.Pass, Single(findings, "host-isolation-cgroup-version").Status);
        var controllers = Single(findings, "host-isolation-cgroup-controllers");
        Assert.Equal(FindingStatus.Pass, controllers.Status);
        Assert.Equal("cpu memory pids io available (sys/fs/cgroup/cgroup.controllers)", controllers.Evidence);
    }

    [Fact]
    public void Missing_controllers_fail()
    {
        using var host = new HostKernelFixture().Write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io\n");
        var finding = Single(Run(host), "host-isolation-cgroup-controllers");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("missing: memory pids; available: cpu io (sys/fs/cgroup/cgroup.controllers)", finding.Evidence);
    }

    [Fact]
    public void Cgroup_v1_warns_and_reads_proc_cgroups()
    {
        using var host = new HostKernelFixture().Directory("sys/fs/cgroup/memory").Directory("sys/fs/cgroup/unified")
            .Write("sys/fs/cgroup/unified/cgroup.controllers", "")
            .Write("proc/cgroups", "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t2\t1\t1\ncpu\t3\t60\t1\nblkio\t4\t60\t1\nmemory\t5\t90\t0\npids\t6\t60\t1\n");
        var findings = Run(host);
        var version = Single(findings, "host-isolation-cgroup-version");
        Assert.Equal(FindingStatus.Warn, version.Status);
        Assert.StartsWith("hybrid cgroups", version.Evidence);
        var controllers = Single(findings, "host-isolation-cgroup-controllers");
        Assert.Equal(FindingStatus.Fail, controllers.Status);
        Assert.Equal("missing: memory; available: cpu pids io (proc/cgroups)", controllers.Evidence);
    }

    // ---- host-isolation-cpu-mitigations ----

    [Fact]
    public void Each_cpu_vulnerability_file_is_one_finding()
    {
        const string dir = "sys/devices/system/cpu/vulnerabilities";
        using var host = new HostKernelFixture()
            .Write($"{dir}/meltdown", "Not affected\n")
            .Write($"{dir}/spectre_v1", "Mitigation: usercopy/swapgs barriers and __user pointer sanitization\n")
            .Write($"{dir}/spectre_v2", "Vulnerable, IBPB: disabled, STIBP: disabled, PBRSB-eIBRS: Not affected\n")
            .Write($"{dir}/mds", "Mitigation: Clear CPU buffers; SMT vulnerable\n")
            .Write("proc/cmdline", "ro quiet mitigations=off\n");
        var findings = Run(host).Where(f => f.CheckId == "host-isolation-cpu-mitigations").ToList();
        Assert.Equal(4, findings.Count);
        var spectre = Assert.Single(findings, f => f.Location?.Path == $"{dir}/spectre_v2");
        Assert.Equal(FindingStatus.Fail, spectre.Status);
        Assert.Equal("spectre_v2: Vulnerable, IBPB: disabled, STIBP: disabled, PBRSB-eIBRS: Not affected (kernel command line: mitigations=off)", spectre.Evidence);
        Assert.Equal(FindingStatus.Warn, Assert.Single(findings, f => f.Location?.Path == $"{dir}/mds").Status);
        Assert.Equal(FindingStatus.Pass, Assert.Single(findings, f => f.Location?.Path == $"{dir}/meltdown").Status);
        Assert.Equal(FindingStatus.Pass, Assert.Single(findings, f => f.Location?.Path == $"{dir}/spectre_v1").Status);
    }
}
