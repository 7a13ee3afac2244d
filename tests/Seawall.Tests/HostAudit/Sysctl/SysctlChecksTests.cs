using Seawall.Core.Model;
using Seawall.HostAudit.Sysctl;
using static Seawall.Tests.HostAudit.HostKernelFixture;

namespace Seawall.Tests.HostAudit.Sysctl;

public class SysctlChecksTests
{
    public static TheoryData<string> RuleKeys => [.. SysctlRules.All.Select(r => r.Key)];

    private static SysctlRule Rule(string key) => SysctlRules.All.Concat(SysctlRules.Forwarding).Single(r => r.Key == key);

    [Theory]
    [MemberData(nameof(RuleKeys))]
    public void Each_rule_passes_its_recommended_value(string key)
    {
        var rule = Rule(key);
        using var host = new HostKernelFixture().Sysctl(key, rule.Recommended);
        var finding = Single(host.Findings(new SysctlChecks()), rule.Check.Id);
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.Null(finding.Remediation);
    }

    [Theory]
    [MemberData(nameof(RuleKeys))]
    public void Each_rule_fires_on_a_value_outside_its_sets(string key)
    {
        var rule = Rule(key);
        using var host = new HostKernelFixture().Sysctl(key, "77");
        var finding = Single(host.Findings(new SysctlChecks()), rule.Check.Id);
        Assert.Equal(rule.WarnOnly ? FindingStatus.Warn : FindingStatus.Fail, finding.Status);
        Assert.StartsWith($"{key} = 77 (expected {rule.Recommended}", finding.Evidence);
        Assert.Equal($"sysctl -w {key}={rule.Recommended} && echo '{key} = {rule.Recommended}' >> /etc/sysctl.d/99-seawall.conf", finding.Remediation);
        Assert.Equal(SysctlFiles.ProcPath(key), finding.Location?.Path);
    }

    [Fact]
    public void Evidence_names_the_value_and_what_was_expected()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.kptr_restrict", "0").Sysctl("kernel.randomize_va_space", "1");
        var findings = host.Findings(new SysctlChecks());
        var kptr = Single(findings, "host-sysctl-kernel-kptr-restrict");
        Assert.Equal("kernel.kptr_restrict = 0 (expected 2 or 1)", kptr.Evidence);
        Assert.Equal(FindingStatus.Fail, kptr.Status);
        Assert.Equal(Severity.Medium, kptr.Severity);
        Assert.Contains("lynis:KRNL-6000", kptr.References);
        var aslr = Single(findings, "host-sysctl-kernel-randomize-va-space");
        Assert.Equal(FindingStatus.Warn, aslr.Status);
        Assert.Contains("CIS-Debian-12-1.5.1", aslr.References);
    }

    [Fact]
    public void Keys_the_kernel_lacks_are_not_reported()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.dmesg_restrict", "1");
        var finding = Assert.Single(host.Findings(new SysctlChecks()));
        Assert.Equal("host-sysctl-kernel-dmesg-restrict", finding.CheckId);
    }

    [Fact]
    public void Router_advertisements_are_ignored_while_forwarding()
    {
        using var host = new HostKernelFixture().Sysctl("net.ipv6.conf.all.accept_ra", "1").Sysctl("net.ipv6.conf.all.forwarding", "1");
        var finding = Single(host.Findings(new SysctlChecks()), "host-sysctl-net-ipv6-conf-all-accept-ra");
        Assert.Equal(FindingStatus.Pass, finding.Status);
        Assert.EndsWith("ignored while net.ipv6.conf.all.forwarding = 1", finding.Evidence);
    }

    // ---- forwarding ----

    [Fact]
    public void Forwarding_fails_on_a_plain_server()
    {
        using var host = new HostKernelFixture().Sysctl("net.ipv4.ip_forward", "1").Process(412, "nginx", ["nginx: master process /usr/sbin/nginx"]);
        var finding = Single(host.Findings(new SysctlChecks()), "host-sysctl-net-ipv4-ip-forward");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Contains("CIS-Debian-12-3.3.1", finding.References);
    }

    [Fact]
    public void Forwarding_is_information_on_a_container_host()
    {
        using var host = new HostKernelFixture().Sysctl("net.ipv4.ip_forward", "1")
            .Process(812, "dockerd", ["/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"]);
        var finding = Single(host.Findings(new SysctlChecks()), "host-sysctl-net-ipv4-ip-forward");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Equal("net.ipv4.ip_forward = 1: required by the container runtime running here (dockerd)", finding.Evidence);
    }

    [Fact]
    public void Forwarding_off_passes()
    {
        using var host = new HostKernelFixture().Sysctl("net.ipv4.ip_forward", "0");
        Assert.Equal(FindingStatus.Pass, Single(host.Findings(new SysctlChecks()), "host-sysctl-net-ipv4-ip-forward").Status);
    }

    // ---- host-sysctl-userns ----

    [Theory]
    [InlineData("0", null, null)]
    [InlineData("63229", "0", null)]
    [InlineData("63229", null, "1")]
    public void Restricted_user_namespaces_pass(string max, string? clone, string? apparmor)
    {
        using var host = new HostKernelFixture().Sysctl("user.max_user_namespaces", max);
        if (clone is not null)
        {
            host.Sysctl("kernel.unprivileged_userns_clone", clone);
        }
        if (apparmor is not null)
        {
            host.Sysctl("kernel.apparmor_restrict_unprivileged_userns", apparmor);
        }
        Assert.Equal(FindingStatus.Pass, Single(host.Findings(new SysctlChecks()), "host-sysctl-userns").Status);
    }

    [Fact]
    public void Open_user_namespaces_warn_without_rootless_engines()
    {
        using var host = new HostKernelFixture().Sysctl("user.max_user_namespaces", "63229").Sysctl("kernel.unprivileged_userns_clone", "1");
        var finding = Single(host.Findings(new SysctlChecks()), "host-sysctl-userns");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("user.max_user_namespaces = 63229, kernel.unprivileged_userns_clone = 1: any user may create user namespaces, and no rootless container engine is running", finding.Evidence);
    }

    [Fact]
    public void Open_user_namespaces_are_information_where_rootless_engines_need_them()
    {
        using var host = new HostKernelFixture().Sysctl("user.max_user_namespaces", "63229")
            .Process(2210, "rootlesskit", ["rootlesskit", "--net=slirp4netns", "dockerd-rootless.sh"], uid: 1000)
            .Process(2250, "dockerd", ["dockerd"], uid: 1000);
        var finding = Single(host.Findings(new SysctlChecks()), "host-sysctl-userns");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Contains("rootlesskit (pid 2210, uid 1000)", finding.Evidence);
        Assert.Contains("dockerd (pid 2250, uid 1000)", finding.Evidence);
    }

    // ---- host-sysctl-persisted ----

    [Fact]
    public void Weakened_persisted_hardening_warns_with_its_line()
    {
        using var host = new HostKernelFixture().Sysctl("kernel.kptr_restrict", "0")
            .Write("etc/sysctl.d/99-hardening.conf", "# hardening\nkernel.dmesg_restrict = 1\nkernel.kptr_restrict = 2\n")
            .Sysctl("kernel.dmesg_restrict", "1");
        var finding = Single(host.Findings(new SysctlChecks()), "host-sysctl-persisted");
        Assert.Equal(FindingStatus.Warn, finding.Status);
        Assert.Equal("kernel.kptr_restrict = 0 running, 2 persisted (etc/sysctl.d/99-hardening.conf:3)", finding.Evidence);
        Assert.Equal(new Location("etc/sysctl.d/99-hardening.conf", 3), finding.Location);
    }

    [Fact]
    public void Matching_persisted_values_give_no_finding()
    {
        using var host = new HostKernelFixture().Sysctl("net.ipv4.ip_local_port_range", "32768\t60999")
            .Write("etc/sysctl.conf", "net.ipv4.ip_local_port_range = 32768 60999\n; comment\n");
        Assert.DoesNotContain(host.Findings(new SysctlChecks()), f => f.CheckId == "host-sysctl-persisted");
    }

    [Fact]
    public void Later_files_and_etc_win_and_other_keys_are_information()
    {
        using var host = new HostKernelFixture()
            .Sysctl("vm.swappiness", "60")
            .Sysctl("kernel.dmesg_restrict", "1")
            .Write("usr/lib/sysctl.d/10-tune.conf", "vm.swappiness = 10\n")
            .Write("etc/sysctl.d/10-tune.conf", "vm.swappiness = 30\n")
            .Write("etc/sysctl.d/20-late.conf", "-kernel/dmesg_restrict = 0\n")
            .Write("etc/sysctl.conf", "kernel.dmesg_restrict = 1\n");
        var finding = Single(host.Findings(new SysctlChecks()), "host-sysctl-persisted");
        Assert.Equal(FindingStatus.Info, finding.Status);
        Assert.Equal("vm.swappiness = 60 running, 30 persisted (etc/sysctl.d/10-tune.conf:1)", finding.Evidence);
    }

    [Fact]
    public void Glob_keys_apply_to_the_table_keys_they_match()
    {
        using var host = new HostKernelFixture()
            .Sysctl("net.ipv4.conf.all.rp_filter", "1")
            .Sysctl("net.ipv4.conf.default.rp_filter", "2")
            .Write("usr/lib/sysctl.d/50-default.conf", "net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.*.rp_filter = 2\n");
        var finding = Single(host.Findings(new SysctlChecks()), "host-sysctl-persisted");
        Assert.Equal("net.ipv4.conf.all.rp_filter = 1 running, 2 persisted (usr/lib/sysctl.d/50-default.conf:2)", finding.Evidence);
        Assert.Equal(FindingStatus.Info, finding.Status);
    }

    [Theory]
    [InlineData("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.all.rp_filter", true)]
    [InlineData("net.ipv4.conf.*.rp_filter", "net.ipv4.conf.eth0/100.rp_filter", true)]
    [InlineData("net.ipv4.*.rp_filter", "net.ipv4.conf.all.rp_filter", false)]
    [InlineData("kernel.?ptr_restrict", "kernel.kptr_restrict", true)]
    public void Glob_matching_stays_within_one_component(string pattern, string key, bool expected) =>
        Assert.Equal(expected, SysctlFiles.Matches(pattern, key));

    [Fact]
    public void Slash_keys_keep_dots_inside_names()
    {
        Assert.Equal("net.ipv4.conf.eth0/100.rp_filter", SysctlFiles.Canonical("net/ipv4/conf/eth0.100/rp_filter"));
        Assert.Equal("proc/sys/net/ipv4/conf/eth0.100/rp_filter", SysctlFiles.ProcPath("net.ipv4.conf.eth0/100.rp_filter"));
        Assert.Equal("kernel.kptr_restrict", SysctlFiles.Canonical("kernel.kptr_restrict"));
    }
}
