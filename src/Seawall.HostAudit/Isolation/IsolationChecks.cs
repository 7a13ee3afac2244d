using Seawall.Core.Model;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit.Isolation;

/// <summary>
/// The kernel features container isolation is built from: a mandatory access control LSM (AppArmor or SELinux)
/// enforcing, seccomp filters, cgroups with the controllers runtimes limit containers by, and the CPU's
/// speculative-execution mitigations, which separate containers sharing cores.
/// </summary>
public sealed class IsolationChecks : IHostCheckGroup
{
    private static readonly string[] MacModules = ["apparmor", "selinux", "smack", "tomoyo"];

    internal static readonly CheckInfo Mac = new("host-isolation-mac", "A mandatory access control LSM (AppArmor, SELinux) is active", Severity.Medium)
    {
        Description = "Docker, containerd, CRI-O and Podman confine every container with an AppArmor profile (docker-default) or " +
            "SELinux labels (container_t) on top of namespaces; without an active MAC module that layer is simply missing and a " +
            "container escape meets no second wall.",
        Remediation = "Enable AppArmor (apt-get install apparmor; apparmor=1 security=apparmor on the kernel command line) or SELinux " +
            "(SELINUX=enforcing in /etc/selinux/config, then reboot) and restart the container runtime.",
        References = ["lynis:MACF-6290", "CIS-Docker: Ensure that, if applicable, an AppArmor Profile is enabled", "CIS-Docker: Ensure that, if applicable, SELinux security options are set"],
    };

    internal static readonly CheckInfo AppArmor = new("host-isolation-apparmor", "AppArmor is enabled with profiles in enforce mode", Severity.Medium)
    {
        Description = "AppArmor is only a wall where profiles enforce: complain mode logs what it would deny. Counts the loaded " +
            "profiles by mode (sys/kernel/security/apparmor/profiles) and notes whether Docker's docker-default profile is loaded.",
        Remediation = "Put profiles in enforce mode: aa-enforce /etc/apparmor.d/* (apparmor-utils), then check the services still work.",
        References = ["CIS-Debian-12-1.3.1.3", "CIS-Debian-12-1.3.1.4", "lynis:MACF-6208", "CIS-Docker: Ensure that, if applicable, an AppArmor Profile is enabled"],
    };

    internal static readonly CheckInfo SeLinux = new("host-isolation-selinux", "SELinux is enforcing and configured to stay so", Severity.Medium)
    {
        Description = "In permissive mode SELinux only logs denials, so container_t confines nothing. Compares the running mode " +
            "(sys/fs/selinux/enforce) with the one configured for the next boot (SELINUX= in etc/selinux/config).",
        Remediation = "setenforce 1 and set SELINUX=enforcing in /etc/selinux/config (a host booted with SELinux disabled needs a relabel: touch /.autorelabel, reboot).",
        References = ["lynis:MACF-6234", "CIS-Distribution: Ensure the SELinux mode is enforcing", "CIS-Docker: Ensure that, if applicable, SELinux security options are set"],
    };

    internal static readonly CheckInfo Seccomp = new("host-isolation-seccomp", "The kernel supports seccomp filters", Severity.High)
    {
        Description = "Container runtimes apply a default seccomp profile that blocks some 40 risky system calls (keyctl, " +
            "unshare, mount, bpf, ...); a kernel without seccomp filter mode (CONFIG_SECCOMP_FILTER) runs every container unfiltered.",
        Remediation = "Run a kernel built with CONFIG_SECCOMP=y and CONFIG_SECCOMP_FILTER=y (every mainstream distribution kernel is).",
        References = ["CIS-Docker: Ensure the default seccomp profile is not Disabled"],
    };

    internal static readonly CheckInfo CgroupVersion = new("host-isolation-cgroup-version", "cgroup v2 (unified hierarchy) is in use", Severity.Low)
    {
        Description = "cgroup v2 gives one hierarchy with safe delegation to unprivileged users (rootless containers get resource " +
            "limits), pressure stall information and eBPF device control; systemd and Kubernetes are phasing out v1 (Kubernetes " +
            "moved it to maintenance mode in 1.31). v1 or the hybrid layout still works but is legacy.",
        Remediation = "Boot with systemd.unified_cgroup_hierarchy=1 (and no cgroup_no_v1 or systemd.legacy_systemd_cgroup_controller " +
            "overrides); Docker 20.10+, containerd 1.4+, runc 1.0+ and Kubernetes 1.25+ support v2.",
        References = ["NIST-800-190-4.5.3"],
    };

    internal static readonly CheckInfo CgroupControllers = new("host-isolation-cgroup-controllers", "cgroup controllers cpu, memory, pids and io are available", Severity.Medium)
    {
        Description = "Runtimes enforce --memory, --cpus, --pids-limit and block I/O limits through these controllers: without " +
            "memory or pids one container can exhaust the host's memory or fork-bomb it for every other container.",
        Remediation = "Enable the missing controllers on the kernel command line (e.g. remove cgroup_disable=memory; add " +
            "cgroup_enable=memory swapaccount=1 on kernels that need it) and reboot.",
        References = ["CIS-Docker: Ensure that the memory usage for containers is limited", "CIS-Docker: Ensure that CPU priority is set appropriately on containers", "CIS-Docker: Ensure that the PIDs cgroup limit is used"],
    };

    internal static readonly CheckInfo CpuMitigations = new("host-isolation-cpu-mitigations", "CPU vulnerabilities are mitigated", Severity.High)
    {
        Description = "Speculative-execution flaws (Spectre, Meltdown, MDS, L1TF, Retbleed, ...) let code in one container read memory " +
            "of the kernel or of containers on the same core. Reads each sys/devices/system/cpu/vulnerabilities file: " +
            "\"Vulnerable\" fails, \"Mitigation\" and \"Not affected\" pass, and a mitigation that leaves SMT siblings exposed warns.",
        Remediation = "Install current CPU microcode (intel-microcode / amd64-microcode / linux-firmware) and kernel, remove " +
            "mitigations=off or other mitigation-disabling flags from the kernel command line, and consider nosmt where " +
            "untrusted containers share a host.",
        References = ["NIST-800-190-4.5.3"],
    };

    public string Name => "isolation";

    public IReadOnlyList<CheckInfo> Checks { get; } = [Mac, AppArmor, SeLinux, Seccomp, CgroupVersion, CgroupControllers, CpuMitigations];

    public IEnumerable<Finding> Run(HostContext context)
    {
        var files = context.Files;
        var lsms = files.ReadText("sys/kernel/security/lsm", 4096)?.Trim()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var appArmorEnabled = files.ReadText("sys/module/apparmor/parameters/enabled", 64)?.Trim();
        var seLinuxEnforce = files.ReadText("sys/fs/selinux/enforce", 64)?.Trim();

        var appArmorActive = lsms?.Contains("apparmor") ?? appArmorEnabled == "Y";
        var seLinuxActive = lsms?.Contains("selinux") ?? seLinuxEnforce is not null;

        if (lsms is not null || appArmorEnabled is not null || seLinuxEnforce is not null)
        {
            var active = lsms?.Where(MacModules.Contains).ToList()
                ?? [.. new[] { appArmorActive ? "apparmor" : null, seLinuxActive ? "selinux" : null }.OfType<string>()];
            var evidence = lsms is null
                ? $"no sys/kernel/security/lsm; AppArmor enabled = {appArmorEnabled ?? "absent"}, SELinux {(seLinuxEnforce is null ? "absent" : "present")}"
                : $"active LSMs: {string.Join(",", lsms)} (sys/kernel/security/lsm)";
            yield return active.Count > 0 ? Mac.Pass(evidence) : Mac.Fail(evidence, new Location(lsms is null ? null : "sys/kernel/security/lsm"));
        }
        else if (files.Exists("sys/module"))
        {
            // sysfs is there but none of the three places shows a MAC module; securityfs or selinuxfs may just be unmounted.
            yield return Mac.Warn("no MAC module visible: no sys/kernel/security/lsm (securityfs not mounted?), no sys/module/apparmor, no sys/fs/selinux/enforce");
        }

        if (appArmorActive)
        {
            yield return AppArmorFinding(files, appArmorEnabled);
        }
        if (SeLinuxFinding(files, seLinuxActive, seLinuxEnforce) is { } selinux)
        {
            yield return selinux;
        }
        if (SeccompFinding(context) is { } seccomp)
        {
            yield return seccomp;
        }
        foreach (var finding in Cgroups(files))
        {
            yield return finding;
        }
        foreach (var finding in Mitigations(files))
        {
            yield return finding;
        }
    }

    private static Finding AppArmorFinding(HostFileTree files, string? enabled)
    {
        if (enabled == "N")
        {
            return AppArmor.Fail("AppArmor is built in but disabled (sys/module/apparmor/parameters/enabled = N)", new Location("sys/module/apparmor/parameters/enabled"));
        }
        var profiles = files.ReadText("sys/kernel/security/apparmor/profiles", 8 * 1024 * 1024);
        if (profiles is null)
        {
            return AppArmor.Info("AppArmor is active but its profile list (sys/kernel/security/apparmor/profiles) is not readable; run the audit as root");
        }
        var modes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var dockerDefault = false;
        foreach (var line in profiles.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var open = line.LastIndexOf(" (", StringComparison.Ordinal);
            if (open < 0 || !line.EndsWith(')'))
            {
                continue;
            }
            var mode = line[(open + 2)..^1];
            modes[mode] = modes.GetValueOrDefault(mode) + 1;
            dockerDefault |= line[..open] == "docker-default";
        }
        var total = modes.Values.Sum();
        var enforcing = modes.GetValueOrDefault("enforce") + modes.GetValueOrDefault("kill");
        var evidence = $"{total} profiles loaded ({(total == 0 ? "none" : string.Join(", ", modes.Select(m => $"{m.Value} {m.Key}")))}); " +
            (dockerDefault ? "docker-default loaded" : "docker-default not loaded (Docker loads it when it starts a container)");
        var location = new Location("sys/kernel/security/apparmor/profiles");
        if (total == 0)
        {
            return AppArmor.Fail(evidence, location);
        }
        return enforcing == 0 ? AppArmor.Warn(evidence, location) : AppArmor.Pass(evidence);
    }

    private static Finding? SeLinuxFinding(HostFileTree files, bool active, string? enforce)
    {
        var config = files.ReadText("etc/selinux/config", 64 * 1024);
        if (!active && enforce is null && config is null)
        {
            return null;
        }
        string? configured = null;
        var configLine = 0;
        if (config is not null)
        {
            var lines = config.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.StartsWith("SELINUX=", StringComparison.Ordinal))
                {
                    configured = line["SELINUX=".Length..].Trim().Trim('"').ToLowerInvariant();
                    configLine = i + 1;
                }
            }
        }
        var configText = configured is null ? "etc/selinux/config sets no mode" : $"SELINUX={configured} (etc/selinux/config:{configLine})";
        var configLocation = configured is null ? null : new Location("etc/selinux/config", configLine);
        if (enforce is null)
        {
            // Configured but not running: the kernel has no SELinux, or it was booted with selinux=0.
            return configured is "enforcing" or "permissive"
                ? SeLinux.Fail($"SELinux is not running (no sys/fs/selinux) although {configText}", configLocation)
                : active ? SeLinux.Info($"SELinux is active but sys/fs/selinux is not mounted; {configText}") : null;
        }
        var running = enforce == "1" ? "enforcing" : "permissive";
        var evidence = $"running {running} (sys/fs/selinux/enforce = {enforce}); {configText}";
        if (running != "enforcing")
        {
            return SeLinux.Fail(evidence, new Location("sys/fs/selinux/enforce"));
        }
        return configured is "enforcing" ? SeLinux.Pass(evidence) : SeLinux.Warn(evidence + ": the next boot is not enforcing", configLocation);
    }

    private static Finding? SeccompFinding(HostContext context)
    {
        var files = context.Files;
        if (files.ReadText("proc/sys/kernel/seccomp/actions_avail", 4096)?.Trim() is { Length: > 0 } actions)
        {
            return Seccomp.Pass($"seccomp filters available (proc/sys/kernel/seccomp/actions_avail: {actions})");
        }
        var status = files.ReadText("proc/self/status", 64 * 1024) ?? files.ReadText("proc/1/status", 64 * 1024);
        var config = context.KernelRelease is { } release ? files.ReadText($"boot/config-{release}", 4 * 1024 * 1024) : null;
        if (config is not null)
        {
            if (config.Contains("\nCONFIG_SECCOMP_FILTER=y", StringComparison.Ordinal))
            {
                return Seccomp.Pass($"CONFIG_SECCOMP_FILTER=y (boot/config-{context.KernelRelease})");
            }
            return Seccomp.Fail($"no CONFIG_SECCOMP_FILTER=y in boot/config-{context.KernelRelease}", new Location($"boot/config-{context.KernelRelease}"));
        }
        if (status is null)
        {
            return null;
        }
        return status.Contains("\nSeccomp:", StringComparison.Ordinal)
            ? Seccomp.Info("the kernel has seccomp (Seccomp field in proc/self/status) but neither proc/sys/kernel/seccomp/actions_avail (kernels before 4.14) nor its boot/config tells whether filter mode is built in")
            : Seccomp.Fail("the kernel has no seccomp: no Seccomp field in proc/self/status and no proc/sys/kernel/seccomp");
    }

    private static IEnumerable<Finding> Cgroups(HostFileTree files)
    {
        if (files.Stat("sys/fs/cgroup") is null)
        {
            yield break;
        }
        string[] wanted = ["cpu", "memory", "pids", "io"];
        if (files.ReadText("sys/fs/cgroup/cgroup.controllers", 4096) is { } unified)
        {
            yield return CgroupVersion.Pass("cgroup v2: sys/fs/cgroup/cgroup.controllers present");
            var available = unified.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            yield return Controllers(wanted, available, "sys/fs/cgroup/cgroup.controllers");
            yield break;
        }
        var hybrid = files.Exists("sys/fs/cgroup/unified/cgroup.controllers");
        yield return CgroupVersion.Warn(hybrid
            ? "hybrid cgroups: v1 controllers with an empty v2 tree at sys/fs/cgroup/unified"
            : "cgroup v1: no sys/fs/cgroup/cgroup.controllers", new Location("sys/fs/cgroup"));

        // v1: proc/cgroups' enabled column ("blkio" is v1's io); else the mounted hierarchies.
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        var source = "proc/cgroups";
        if (files.ReadText("proc/cgroups", 64 * 1024) is { } table)
        {
            foreach (var line in table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
            {
                var fields = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 4 && fields[3] == "1")
                {
                    enabled.Add(fields[0] == "blkio" ? "io" : fields[0]);
                }
            }
        }
        else
        {
            source = "sys/fs/cgroup";
            foreach (var name in files.List("sys/fs/cgroup") ?? [])
            {
                foreach (var part in name.Split(','))
                {
                    enabled.Add(part == "blkio" ? "io" : part);
                }
            }
        }
        yield return Controllers(wanted, enabled, source);
    }

    private static Finding Controllers(string[] wanted, HashSet<string> available, string source)
    {
        var missing = wanted.Where(c => !available.Contains(c)).ToList();
        var present = string.Join(" ", wanted.Where(available.Contains));
        return missing.Count == 0
            ? CgroupControllers.Pass($"{present} available ({source})")
            : CgroupControllers.Fail($"missing: {string.Join(" ", missing)}; available: {(present.Length == 0 ? "none of them" : present)} ({source})", new Location(source));
    }

    private static IEnumerable<Finding> Mitigations(HostFileTree files)
    {
        const string directory = "sys/devices/system/cpu/vulnerabilities";
        var names = files.List(directory);
        if (names is null)
        {
            yield break;
        }
        var cmdline = files.ReadText("proc/cmdline", 64 * 1024) ?? string.Empty;
        var disabled = cmdline.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is "mitigations=off" or "nospectre_v1" or "nospectre_v2" or "nopti" or "pti=off" or "nospec_store_bypass_disable" or "spectre_v2=off" or "mds=off" or "l1tf=off" or "retbleed=off")
            .ToList();
        var suffix = disabled.Count > 0 ? $" (kernel command line: {string.Join(" ", disabled)})" : string.Empty;
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var path = $"{directory}/{name}";
            if (files.ReadText(path, 4096)?.Trim() is not { } text)
            {
                continue;
            }
            var evidence = $"{name}: {text}";
            var location = new Location(path);
            if (text.StartsWith("Vulnerable", StringComparison.Ordinal))
            {
                yield return CpuMitigations.Fail(evidence + suffix, location);
            }
            else if (text.StartsWith("Unknown", StringComparison.Ordinal) || text.Contains("SMT vulnerable", StringComparison.Ordinal))
            {
                yield return CpuMitigations.Warn(evidence, location);
            }
            else
            {
                yield return CpuMitigations.Pass(evidence, location);
            }
        }
    }
}
