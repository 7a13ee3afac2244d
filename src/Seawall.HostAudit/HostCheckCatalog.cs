using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit;

/// <summary>Every built-in host check group, one line each: add a group here and `seawall host` runs it.</summary>
public static class HostCheckCatalog
{
    public static IReadOnlyList<IHostCheckGroup> All() =>
    [
        new Kernel.KernelChecks(),
        new Lockdown.LockdownChecks(),
        new Sysctl.SysctlChecks(),
        new Isolation.IsolationChecks(),
        new HostRole.HostRoleChecks(),
        new Ssh.SshCheckGroup(),
        new Accounts.AccountsCheckGroup(),
        new RuntimeDaemon.RuntimeDaemonChecks(),
        new RuntimeVersions.RuntimeVersionChecks(),
        new AttackSurface.AttackSurfaceChecks(),
    ];
}
