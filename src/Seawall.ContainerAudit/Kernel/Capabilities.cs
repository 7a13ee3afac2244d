using System.Globalization;

namespace Seawall.ContainerAudit.Kernel;

/// <summary>
/// Linux capabilities by bit number (include/uapi/linux/capability.h) and the sets the runtimes grant, so the
/// runtime's words (CapAdd "SYS_ADMIN", "CAP_SYS_ADMIN", "ALL") and the kernel's masks (CapEff 00000000a80425fb)
/// can be compared as sets of the same names.
/// </summary>
public static class Capabilities
{
    /// <summary>Names without the CAP_ prefix, indexed by bit.</summary>
    public static readonly IReadOnlyList<string> ByBit =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    /// <summary>
    /// What Docker (moby oci/caps/defaults.go) and Podman's containers.conf grant a container that adds and drops
    /// nothing. Docker's 14; Podman drops NET_RAW, MKNOD and AUDIT_WRITE by default but an API client cannot tell
    /// from inspect, so the Docker set is the conservative assumption for both.
    /// </summary>
    public static readonly IReadOnlySet<string> DockerDefault = new SortedSet<string>(StringComparer.Ordinal)
    {
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP",
        "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    };

    /// <summary>
    /// Capabilities that give a container a way to the host or to other containers (the docker-bench 5.3 and
    /// Kubescape C-0046 "insecure capabilities" lists, plus BPF and PERFMON which read kernel memory).
    /// </summary>
    public static readonly IReadOnlySet<string> Dangerous = new SortedSet<string>(StringComparer.Ordinal)
    {
        "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "DAC_READ_SEARCH", "NET_ADMIN",
        "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG", "LINUX_IMMUTABLE", "SYS_RESOURCE", "IPC_OWNER",
    };

    /// <summary>Every capability this table knows (a privileged container's set).</summary>
    public static IReadOnlySet<string> All { get; } = new SortedSet<string>(ByBit, StringComparer.Ordinal);

    /// <summary>"cap_sys_admin", "CAP_SYS_ADMIN" and "SYS_ADMIN" are one name; "ALL" stays "ALL".</summary>
    public static string Normalize(string name)
    {
        var upper = name.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper[4..] : upper;
    }

    /// <summary>
    /// The set a container gets: the default set, then CapDrop, then CapAdd (Docker applies drops before adds, so
    /// `--cap-drop ALL --cap-add NET_BIND_SERVICE` keeps NET_BIND_SERVICE); everything when privileged.
    /// </summary>
    public static IReadOnlySet<string> Effective(bool privileged, IEnumerable<string> add, IEnumerable<string> drop, IReadOnlySet<string>? defaults = null)
    {
        if (privileged)
        {
            return All;
        }
        var set = new SortedSet<string>(defaults ?? DockerDefault, StringComparer.Ordinal);
        foreach (var name in drop.Select(Normalize))
        {
            if (name == "ALL")
            {
                set.Clear();
            }
            else
            {
                set.Remove(name);
            }
        }
        foreach (var name in add.Select(Normalize))
        {
            if (name == "ALL")
            {
                set.UnionWith(All);
            }
            else
            {
                set.Add(name);
            }
        }
        return set;
    }

    /// <summary>
    /// The names set in a /proc/PID/status mask ("00000000a80425fb"). Bits past the table are named by number
    /// (a newer kernel), so a comparison never silently loses one.
    /// </summary>
    public static IReadOnlySet<string>? Decode(string? hex)
    {
        if (hex is null || !ulong.TryParse(hex.Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask))
        {
            return null;
        }
        var set = new SortedSet<string>(StringComparer.Ordinal);
        for (var bit = 0; bit < 64; bit++)
        {
            if ((mask & (1UL << bit)) != 0)
            {
                set.Add(bit < ByBit.Count ? ByBit[bit] : "BIT_" + bit.ToString(CultureInfo.InvariantCulture));
            }
        }
        return set;
    }
}
