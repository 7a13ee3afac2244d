using Seawall.ContainerAudit.Checks;
using Seawall.ContainerAudit.Runtime;

namespace Seawall.ContainerAudit.Risk;

/// <summary>
/// The ways a container has to host root, each a known, public escape technique. A path counts only where its
/// preconditions hold: a capability works against the host only for a root that is host root (see
/// <see cref="ContainerFacts.HostCapabilities"/>); a socket or a writable host directory needs no capability.
/// </summary>
public static class HostRootPaths
{
    private static readonly string[] BlockDevicePrefixes = ["/dev/sd", "/dev/nvme", "/dev/vd", "/dev/xvd", "/dev/hd", "/dev/dm-", "/dev/mapper/", "/dev/mmcblk", "/dev/loop", "/dev/mem", "/dev/kmem", "/dev/port"];

    /// <summary>Host directories where a write becomes code run as root (cron, systemd units, binaries, the runtime's state).</summary>
    private static readonly string[] WritableToRoot = ["/", "/etc", "/root", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/etc/kubernetes", "/proc", "/sys"];

    public static IReadOnlyList<string> For(ContainerFacts facts)
    {
        var c = facts.Container;
        var paths = new List<string>();
        if (c.Privileged && facts.RootMapsToHostRoot)
        {
            paths.Add("privileged");
        }
        foreach (var socket in c.Mounts.Where(m => m.Type == "bind" && RuntimeChecks.IsRuntimeSocket(m.Source)))
        {
            paths.Add($"runtime socket mounted ({socket.Source})");
        }
        if (facts.CanBeRoot && facts.RootMapsToHostRoot)
        {
            foreach (var mount in c.Mounts.Where(m => m.Type == "bind" && m.Writable && WritableToRoot.Contains(m.Source.TrimEnd('/') is { Length: > 0 } s ? s : "/", StringComparer.Ordinal)))
            {
                paths.Add($"writable host {mount.Source} mounted at {mount.Destination}");
            }
        }
        var caps = facts.HostCapabilities;
        if (!c.Privileged)
        {
            if (caps.Contains("SYS_ADMIN") && c.HostPid)
            {
                paths.Add("SYS_ADMIN with the host's PID namespace (setns into PID 1's namespaces)");
            }
            if (caps.Contains("SYS_PTRACE") && c.HostPid)
            {
                paths.Add("SYS_PTRACE with the host's PID namespace (inject into a host root process)");
            }
            if (caps.Contains("SYS_MODULE"))
            {
                paths.Add("SYS_MODULE (load a kernel module)");
            }
            if (caps.Contains("DAC_READ_SEARCH"))
            {
                paths.Add("DAC_READ_SEARCH (open_by_handle_at reads any host file)");
            }
            if (caps.Contains("SYS_RAWIO") || caps.Contains("MKNOD") && c.DeviceCgroupRules.Any(r => r.StartsWith("b ", StringComparison.Ordinal) || r.StartsWith("a ", StringComparison.Ordinal)))
            {
                paths.Add(caps.Contains("SYS_RAWIO") ? "SYS_RAWIO (raw I/O ports and memory)" : "MKNOD with a block-device cgroup rule (create and open a host disk)");
            }
            if (facts.CanBeRoot)
            {
                foreach (var device in c.Devices.Where(d => d.Permissions.Contains('w', StringComparison.Ordinal) && BlockDevicePrefixes.Any(p => d.PathOnHost.StartsWith(p, StringComparison.Ordinal))))
                {
                    paths.Add($"host device {device.PathOnHost} writable");
                }
            }
        }
        return paths;
    }
}
