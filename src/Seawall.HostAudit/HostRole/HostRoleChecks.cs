using Seawall.Core.Model;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit.HostRole;

/// <summary>
/// What kind of host this is: a container-optimised OS, and whether it runs many services besides its containers
/// (NIST SP 800-190 4.5.1 and 4.5.2: container hosts should run containers only).
/// </summary>
public sealed class HostRoleChecks : IHostCheckGroup
{
    /// <summary>More services than this outside containers (besides the runtime and the base system) is a mixed host.</summary>
    internal const int MixedServiceThreshold = 5;

    /// <summary>A process counts as long-running when it has run this long, or started this soon after boot.</summary>
    internal static readonly TimeSpan LongRunning = TimeSpan.FromMinutes(10);

    /// <summary>USER_HZ, the unit of /proc/PID/stat's start time: 100 on every Linux architecture's ABI.</summary>
    private const double ClockTicksPerSecond = 100;

    internal static readonly CheckInfo ContainerOs = new("host-role-container-os", "The host runs a container-optimised OS", Severity.Low)
    {
        Description = "Container-optimised OSs (Bottlerocket, Flatcar, Talos, Container-Optimized OS, Fedora CoreOS, RHCOS, k3OS, " +
            "openSUSE MicroOS) ship only what running containers needs, usually with a read-only root and atomic updates: a much " +
            "smaller attack and patching surface than a general-purpose distribution. Recognised from os-release (ID, VARIANT_ID).",
        Remediation = "Where possible run container workloads on a container-optimised OS; otherwise harden the general-purpose OS " +
            "(remove unneeded packages and services, per NIST SP 800-123).",
        References = ["NIST-800-190-4.5.1"],
    };

    internal static readonly CheckInfo MixedWorkloads = new("host-role-mixed-workloads", "The container host runs no other services", Severity.Medium)
    {
        Description = "NIST SP 800-190 asks that hosts running containers run only containers: a web server or database installed " +
            "on the host beside them widens the attack surface every container shares and cannot get the container-specific " +
            "defences. Heuristic: with a container runtime running, each process outside a container cgroup (docker, " +
            "containerd/k8s.io, kubepods, libpod, crio, lxc) and outside user sessions is attributed to its systemd unit " +
            "(system.slice/NAME.service), its OpenRC service, or else (no service manager cgroups) its program when PID 1 or a " +
            "supervisor is its parent. Only long-running processes count (running for 10 minutes, or since boot), so " +
            "commands and timer jobs do not; the runtimes themselves, kernel threads and a base set of system daemons (init, " +
            "sshd, cron, syslog, journald, udev, dbus, time sync, getty, network configuration, auditd, cloud and guest " +
            "agents) are not counted either. More than 5 other services warns.",
        Remediation = "Move the extra services into containers or onto other hosts, and disable what is not needed (systemctl disable --now NAME).",
        References = ["NIST-800-190-4.5.2", "NIST-800-190-4.5.1"],
    };

    // ID (and VARIANT_ID where the ID is shared with the general-purpose distribution) -> name.
    private static readonly (string Id, string? Variant, string Name)[] ContainerOsIds =
    [
        ("bottlerocket", null, "Bottlerocket"),
        ("flatcar", null, "Flatcar Container Linux"),
        ("talos", null, "Talos Linux"),
        ("cos", null, "Container-Optimized OS"),
        ("fedora", "coreos", "Fedora CoreOS"),
        ("rhcos", null, "Red Hat Enterprise Linux CoreOS"),
        ("rhel", "coreos", "Red Hat Enterprise Linux CoreOS"),
        ("scos", null, "CentOS Stream CoreOS"),
        ("centos", "coreos", "CentOS Stream CoreOS"),
        ("k3os", null, "k3OS"),
        ("opensuse-microos", null, "openSUSE MicroOS"),
        ("sle-micro", null, "SUSE Linux Enterprise Micro"),
        ("sl-micro", null, "SUSE Linux Micro"),
    ];

    /// <summary>Base system daemons every host has (matched on the unit or program name, without ".service").</summary>
    private static readonly HashSet<string> BaseSystem = new(StringComparer.Ordinal)
    {
        "init", "sshd", "ssh", "cron", "crond", "cronie", "anacron", "atd", "rsyslog", "rsyslogd", "syslog-ng", "syslogd", "klogd",
        "dbus", "dbus-daemon", "dbus-broker", "dbus-broker-launch", "chrony", "chronyd", "ntp", "ntpd", "openntpd", "getty", "agetty",
        "polkit", "polkitd", "NetworkManager", "dhclient", "dhcpcd", "wpa_supplicant", "auditd", "irqbalance", "multipathd",
        "dm-event", "lvmetad", "lvm2-lvmpolld", "unattended-upgrades", "snapd", "cloud-init", "qemu-guest-agent", "qemu-ga",
        "amazon-ssm-agent", "google-guest-agent", "google_guest_agent", "google-osconfig-agent", "waagent", "walinuxagent",
        "acpid", "smartd", "mdadm", "mdmonitor", "iscsid", "thermald", "upowerd", "accounts-daemon", "rngd", "haveged", "lxcfs",
        "resolvconf", "nscd", "sssd", "tuned", "firewalld", "nftables", "ufw", "netplan", "ifup", "networking", "udevd",
        "mcelog", "rasdaemon", "kdump", "kdumpctl", "fwupd", "packagekit", "packagekitd", "ModemManager", "apport",
    };

    private static readonly string[] ContainerCgroupMarkers =
    [
        "/docker/", "/docker-", "docker-", "/kubepods", "kubepods.slice", "libpod", "/lxc/", "lxc.payload", "crio-", "/crio/",
        "cri-containerd", "/k8s.io/", "/moby/", "/buildkit/", "/garden/", "/actions_job/", "/ecs/", "/machine.slice/", "/podruntime",
    ];

    /// <summary>Process supervisors whose children are services, for hosts whose cgroups name no unit.</summary>
    private static readonly HashSet<string> Supervisors = new(StringComparer.Ordinal)
    {
        "s6-supervise", "runsv", "supervise-daemon", "supervisord", "monit", "start-stop-daemon", "daemontools", "supervise",
    };

    /// <summary>Interactive programs that are not services, for hosts whose cgroups name no unit.</summary>
    private static readonly HashSet<string> Interactive = new(StringComparer.Ordinal)
    {
        "sh", "bash", "zsh", "dash", "ash", "fish", "sudo", "su", "login", "tmux", "tmux: server", "screen", "sleep", "ps", "top", "htop", "less",
    };

    public string Name => "host-role";

    public IReadOnlyList<CheckInfo> Checks { get; } = [ContainerOs, MixedWorkloads];

    public IEnumerable<Finding> Run(HostContext context)
    {
        if (ContainerOsFinding(context) is { } os)
        {
            yield return os;
        }
        yield return MixedFinding(context);
    }

    private static Finding? ContainerOsFinding(HostContext context)
    {
        var text = context.Files.ReadText("etc/os-release", 64 * 1024) ?? context.Files.ReadText("usr/lib/os-release", 64 * 1024);
        if (text is null)
        {
            return null;
        }
        var fields = OsRelease(text);
        var id = fields.GetValueOrDefault("ID") ?? string.Empty;
        var variants = (fields.GetValueOrDefault("VARIANT_ID") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var pretty = fields.GetValueOrDefault("PRETTY_NAME") ?? fields.GetValueOrDefault("NAME") ?? id;
        var match = ContainerOsIds.FirstOrDefault(c => c.Id == id && (c.Variant is null || variants.Contains(c.Variant)));
        var evidence = $"ID={id}{(variants.Length > 0 ? $" VARIANT_ID={string.Join(",", variants)}" : string.Empty)} ({pretty})";
        return match.Name is not null
            ? ContainerOs.Pass($"{match.Name}: {evidence}")
            : ContainerOs.Info($"general-purpose OS: {evidence}");
    }

    private static Finding MixedFinding(HostContext context)
    {
        var processes = context.Processes.All;
        var runtimes = ContainerRuntimes.Running(context.Processes);
        if (runtimes.Count == 0)
        {
            return MixedWorkloads.Info("no container runtime process (dockerd, containerd, crio, podman, kubelet, ...) is running: not a container host right now");
        }
        var self = context.Files.Root == "/" ? Environment.ProcessId : -1;
        var uptime = Uptime(context.Files.ReadText("proc/uptime", 256));
        var byPid = processes.ToDictionary(p => p.Pid);
        var services = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var containerProcesses = 0;
        foreach (var process in processes)
        {
            if (process.IsKernelThread || process.Pid == 1 || process.Pid == self || runtimes.Contains(process))
            {
                continue;
            }
            var cgroup = process.Cgroup;
            if (ContainerCgroupMarkers.Any(m => cgroup.Contains(m, StringComparison.Ordinal)))
            {
                containerProcesses++;
                continue;
            }
            var stat = process.Stat;
            if (!IsLongRunning(stat, uptime))
            {
                continue;
            }
            var service = UnitOf(cgroup, out var session);
            if (session)
            {
                continue;
            }
            if (service is null)
            {
                // No service manager cgroups: a daemon is a child of init or of a supervisor, not of a shell.
                var parent = stat is null ? null : byPid.GetValueOrDefault(stat.ParentPid);
                var supervised = stat is { ParentPid: 1 } || (parent is not null && (Supervisors.Contains(parent.Program) || Supervisors.Contains(parent.Name)));
                if (!supervised || Interactive.Contains(process.Program) || Interactive.Contains(process.Name))
                {
                    continue;
                }
                service = process.Program;
            }
            if (IsBaseSystem(service) || IsBaseSystem(process.Program) || ContainerRuntimes.Programs.Contains(service))
            {
                continue;
            }
            services[service] = services.GetValueOrDefault(service) + 1;
        }
        var runtimeNames = string.Join(", ", runtimes.Select(p => p.Program).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(6));
        var listed = string.Join(", ", services.Select(s => s.Value > 1 ? $"{s.Key} ({s.Value} processes)" : s.Key));
        var summary = $"{services.Count} services outside containers besides the runtime ({runtimeNames}) and the base system" +
            (services.Count > 0 ? $": {listed}" : string.Empty) + $"; {containerProcesses} container processes; threshold {MixedServiceThreshold}";
        return services.Count > MixedServiceThreshold ? MixedWorkloads.Warn(summary)
            : services.Count > 0 ? MixedWorkloads.Info(summary)
            : MixedWorkloads.Pass(summary);
    }

    /// <summary>
    /// The service unit a process belongs to from its cgroup: the innermost systemd *.service of the path, or its OpenRC
    /// service (openrc.NAME); null when the path names neither. <paramref name="session"/> is set for user sessions and
    /// init, which are no services.
    /// </summary>
    internal static string? UnitOf(string cgroup, out bool session)
    {
        session = false;
        foreach (var line in cgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = line[(line.IndexOf(':', line.IndexOf(':') + 1) + 1)..];
            if (path.Contains("user.slice", StringComparison.Ordinal) || path.Contains("/user/", StringComparison.Ordinal) || path.Contains("session-", StringComparison.Ordinal) || path.Contains("init.scope", StringComparison.Ordinal))
            {
                session = true;
                return null;
            }
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.LastOrDefault(p => p.EndsWith(".service", StringComparison.Ordinal)) is { } unit)
            {
                return unit[..^".service".Length];
            }
            if (parts.FirstOrDefault(p => p.StartsWith("openrc.", StringComparison.Ordinal)) is { } openrc)
            {
                return openrc["openrc.".Length..];
            }
        }
        return null;
    }

    /// <summary>Running for <see cref="LongRunning"/>, or started that soon after boot; unknown ages count as long-running.</summary>
    private static bool IsLongRunning(ProcStat? stat, double? uptime)
    {
        if (stat is null || uptime is not { } up)
        {
            return true;
        }
        var started = stat.StartTicks / ClockTicksPerSecond;
        return up - started >= LongRunning.TotalSeconds || started <= LongRunning.TotalSeconds;
    }

    private static double? Uptime(string? text) =>
        text?.Split(' ', 2)[0] is { } first && double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    private static bool IsBaseSystem(string name)
    {
        // Template instances (getty@tty1, serial-getty@ttyS0) count as their template.
        var at = name.IndexOf('@', StringComparison.Ordinal);
        var bare = at > 0 ? name[..at] : name;
        return BaseSystem.Contains(bare) || bare.StartsWith("systemd", StringComparison.Ordinal) || bare.EndsWith("getty", StringComparison.Ordinal);
    }

    private static Dictionary<string, string> OsRelease(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !line.StartsWith('#'))
            {
                fields[line[..equals]] = line[(equals + 1)..].Trim().Trim('"', '\'');
            }
        }
        return fields;
    }
}
