using System.Diagnostics;
using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.HostRole;
using Seawall.HostAudit.Isolation;
using Seawall.HostAudit.Kernel;
using Seawall.HostAudit.Lockdown;
using Seawall.HostAudit.Sysctl;

namespace Seawall.Tests.HostAudit;

/// <summary>
/// The kernel-side groups on this machine's real "/": no value is assumed, each is compared with what the kernel
/// shows through File.ReadAllText, which proves the checks read the live files.
/// </summary>
public class HostKernelLiveTests
{
    [Fact]
    public void Kernel_side_groups_read_the_live_host()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/proc/sys/kernel/osrelease"), "needs a Linux /proc");
        using var files = HostFileTree.Open("/");
        var context = new HostContext(files, null, []);
        var stopwatch = Stopwatch.StartNew();
        var findings = new HostAuditor([new KernelChecks(), new LockdownChecks(), new SysctlChecks(), new IsolationChecks(), new HostRoleChecks()]).Run(context);
        stopwatch.Stop();
        Assert.Empty(context.Warnings);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"the kernel-side groups took {stopwatch.Elapsed}");

        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        Assert.Equal(release, context.KernelRelease);
        Assert.Contains(release, Assert.Single(findings, f => f.CheckId == "host-kernel-reboot-pending").Evidence);

        foreach (var key in (string[])["kernel.randomize_va_space", "kernel.kptr_restrict", "fs.protected_symlinks", "net.ipv4.tcp_syncookies"])
        {
            var path = "/proc/sys/" + key.Replace('.', '/');
            if (!File.Exists(path))
            {
                continue;
            }
            var value = File.ReadAllText(path).Trim();
            var finding = Assert.Single(findings, f => f.CheckId == "host-sysctl-" + key.Replace('.', '-').Replace('_', '-'));
            Assert.StartsWith($"{key} = {value} (expected ", finding.Evidence);
        }

        const string vulnerabilities = "/sys/devices/system/cpu/vulnerabilities";
        if (Directory.Exists(vulnerabilities))
        {
            var mitigations = findings.Where(f => f.CheckId == "host-isolation-cpu-mitigations").ToList();
            var files_ = Directory.GetFiles(vulnerabilities);
            Assert.Equal(files_.Length, mitigations.Count);
            foreach (var file in files_)
            {
                var finding = Assert.Single(mitigations, f => f.Location?.Path == "sys/devices/system/cpu/vulnerabilities/" + Path.GetFileName(file));
                Assert.StartsWith($"{Path.GetFileName(file)}: {File.ReadAllText(file).Trim()}", finding.Evidence);
            }
        }

        if (File.Exists("/proc/sys/kernel/seccomp/actions_avail"))
        {
            Assert.Contains(File.ReadAllText("/proc/sys/kernel/seccomp/actions_avail").Trim(), Assert.Single(findings, f => f.CheckId == "host-isolation-seccomp").Evidence);
        }

        var lockdownModules = findings.Count(f => f.CheckId.StartsWith("host-lockdown-module-", StringComparison.Ordinal) && f.CheckId != "host-lockdown-module-signatures");
        Assert.Equal(DeniedModules.All.Count, lockdownModules);
        if (File.Exists("/proc/modules"))
        {
            var loaded = File.ReadAllLines("/proc/modules").Select(l => l.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
            foreach (var denied in DeniedModules.All.Where(d => loaded.Contains(d.Name)))
            {
                Assert.Contains($"{denied.Name} is loaded (proc/modules)", Assert.Single(findings, f => f.CheckId == denied.Check.Id).Evidence);
            }
        }

        // Every finding names a check its group declares, with a status the report knows.
        var declared = HostCheckCatalog.All().SelectMany(g => g.Checks).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(findings, f => Assert.Contains(f.CheckId, declared));
        Assert.All(findings.Where(f => f.Status is FindingStatus.Fail or FindingStatus.Warn), f => Assert.False(string.IsNullOrEmpty(f.Evidence)));
    }
}
