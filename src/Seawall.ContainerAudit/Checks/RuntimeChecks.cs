using System.Globalization;
using Seawall.ContainerAudit.Kernel;
using Seawall.ContainerAudit.Runtime;
using Seawall.Core.Model;
using static Seawall.ContainerAudit.Checks.ContainerChecks;

namespace Seawall.ContainerAudit.Checks;

/// <summary>
/// The runtime's word judged: privileges, namespaces, mounts, confinement, limits, ports, image and exec
/// sessions, one finding per check (pass or fail) with the evidence from the inspect document.
/// </summary>
public static class RuntimeChecks
{
    /// <summary>Host directories a container must not see (CIS Docker 5.6 plus the runtimes' data and the kubelet's).</summary>
    private static readonly string[] SensitiveDirectories =
    [
        "/", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sys", "/usr", "/bin", "/sbin", "/root", "/var/log",
        "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/etc/kubernetes", "/run", "/var/run",
    ];

    /// <summary>Trees whose every subpath is sensitive (a file under /proc or the runtime's data is as dangerous as the whole).</summary>
    private static readonly string[] SensitiveTrees = ["/proc", "/sys", "/boot", "/dev", "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/etc/kubernetes"];

    private static readonly string[] RuntimeSocketNames = ["docker.sock", "containerd.sock", "crio.sock", "podman.sock", "dockershim.sock", "cri-dockerd.sock"];

    /// <summary>Directories that hold a runtime socket: mounting them mounts the socket.</summary>
    private static readonly string[] RuntimeSocketDirectories =
    [
        "/run", "/var/run", "/run/docker", "/var/run/docker", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio", "/run/podman", "/var/run/podman",
    ];

    public static IEnumerable<Finding> Run(ContainerFacts facts)
    {
        var c = facts.Container;
        yield return Judge(Privileged, c.Privileged, c.Privileged ? "Privileged: true" : "Privileged: false");

        var added = c.CapAdd.Select(Capabilities.Normalize).Where(n => n == "ALL" || !Capabilities.DockerDefault.Contains(n)).Order(StringComparer.Ordinal).ToList();
        yield return Judge(CapabilitiesAdded, added.Count > 0,
            added.Count > 0 ? "CapAdd: " + string.Join(", ", added) + Dangerous(added) : "CapAdd: none beyond the default set");
        if (!c.Privileged)
        {
            var kept = facts.RuntimeCapabilities.Where(Capabilities.DockerDefault.Contains).ToList();
            // Only a root process holds them; a non-root user without setuid binaries never does.
            var notDropped = kept.Count == Capabilities.DockerDefault.Count && facts.CanBeRoot;
            yield return Judge(CapabilitiesNotDropped, notDropped, notDropped
                ? "CapDrop: none; the default set includes NET_RAW, MKNOD, SETUID, SETGID"
                : $"CapDrop: {(c.CapDrop.Count > 0 ? string.Join(", ", c.CapDrop) : "none, but no process can be root")}");
        }

        yield return Judge(HostPid, c.HostPid, "PidMode: " + Mode(c.PidMode));
        yield return Judge(HostIpc, c.HostIpc, "IpcMode: " + Mode(c.IpcMode));
        yield return Judge(HostUts, c.HostUts, "UTSMode: " + Mode(c.UtsMode));
        yield return Judge(HostNetwork, c.HostNetwork, "NetworkMode: " + Mode(c.NetworkMode));
        if (facts.Daemon.UsernsRemap)
        {
            yield return Judge(HostUserns, c.HostUserns, "UsernsMode: " + Mode(c.UsernsMode));
        }
        yield return Judge(RunsAsRoot, facts.RuntimeUserIsRoot, "User: " + (c.User.Length == 0 ? "(none: root)" : c.User));

        var binds = c.Mounts.Where(m => m.Type == "bind").ToList();
        var sensitive = binds.Where(m => IsSensitive(m.Source)).Select(Describe).ToList();
        yield return Judge(SensitiveMount, sensitive.Count > 0, sensitive.Count > 0 ? string.Join("; ", sensitive) : "no sensitive host directory mounted");
        var sockets = binds.Where(m => IsRuntimeSocket(m.Source)).Select(Describe).ToList();
        yield return Judge(RuntimeSocket, sockets.Count > 0, sockets.Count > 0 ? string.Join("; ", sockets) : "no runtime socket mounted");
        var writable = binds.Where(m => m.Writable).Select(Describe).ToList();
        yield return Judge(WritableHostMount, writable.Count > 0, writable.Count > 0 ? string.Join("; ", writable) : "no writable bind mount");
        var shared = c.Mounts.Where(m => m.Propagation is "shared" or "rshared").Select(m => $"{Describe(m)} propagation {m.Propagation}").ToList();
        yield return Judge(SharedPropagation, shared.Count > 0, shared.Count > 0 ? string.Join("; ", shared) : "no shared propagation");
        var devices = c.Devices.Select(d => $"{d.PathOnHost} -> {d.PathInContainer} ({d.Permissions})")
            .Concat(c.DeviceCgroupRules.Select(r => "device cgroup rule " + r)).ToList();
        yield return Judge(HostDevices, devices.Count > 0 || c.Privileged,
            c.Privileged ? "privileged: every host device" : devices.Count > 0 ? string.Join("; ", devices) : "no host device");

        yield return Judge(WritableRootfs, !c.ReadonlyRootfs, "ReadonlyRootfs: " + (c.ReadonlyRootfs ? "true" : "false"));
        var seccompOff = c.SeccompUnconfined || c.Privileged || !facts.Daemon.Seccomp || facts.Daemon.SeccompDefaultUnconfined;
        yield return Judge(SeccompUnconfined, seccompOff,
            c.SeccompUnconfined ? "SecurityOpt: seccomp=unconfined"
            : c.Privileged ? "privileged: no seccomp filter"
            : !facts.Daemon.Seccomp ? "the daemon has no seccomp support"
            : facts.Daemon.SeccompDefaultUnconfined ? "the daemon's default profile is unconfined"
            : "the daemon's seccomp profile applies" + KernelSeccomp(facts));
        if (facts.Daemon.AppArmor)
        {
            var off = c.AppArmorUnconfined || c.Privileged;
            yield return Judge(AppArmorUnconfined, off, "AppArmorProfile: " + (c.AppArmorProfile.Length == 0 ? "(none)" : c.AppArmorProfile));
        }
        if (facts.Daemon.Selinux)
        {
            var off = c.SelinuxDisabled || c.Privileged;
            yield return Judge(SelinuxDisabled, off, off ? "SecurityOpt: label=disable" : "ProcessLabel: " + c.ProcessLabel);
        }
        yield return Judge(NoNewPrivileges, !facts.NoNewPrivileges,
            facts.NoNewPrivileges ? "no_new_privs set" + (c.NoNewPrivileges ? " (SecurityOpt)" : " (the kernel shows it: a daemon default)") : "SecurityOpt: no no-new-privileges");

        yield return Judge(MemoryLimit, c.Memory <= 0, "Memory: " + (c.Memory > 0 ? Bytes(c.Memory) : "unlimited"));
        var cpuLimited = c.NanoCpus > 0 || c.CpuQuota > 0 || c.CpuShares > 0 || c.CpusetCpus.Length > 0;
        yield return Judge(CpuLimit, !cpuLimited, cpuLimited
            ? $"NanoCpus {N(c.NanoCpus)}, CpuQuota {N(c.CpuQuota)}, CpuShares {N(c.CpuShares)}, CpusetCpus '{c.CpusetCpus}'"
            : "no --cpus, --cpu-quota, --cpu-shares or --cpuset-cpus");
        var pidsLimited = c.PidsLimit is > 0;
        yield return Judge(PidsLimit, !pidsLimited, "PidsLimit: " + (pidsLimited ? N(c.PidsLimit!.Value) : "unlimited"));
        var unbounded = c.RestartPolicy is "always" or "unless-stopped" || (c.RestartPolicy == "on-failure" && (c.RestartMaxRetries <= 0 || c.RestartMaxRetries > 5));
        yield return Judge(RestartPolicy, unbounded, "RestartPolicy: " + (c.RestartPolicy.Length == 0 ? "no" : c.RestartPolicy)
            + (c.RestartPolicy == "on-failure" ? ":" + N(c.RestartMaxRetries) : string.Empty));
        yield return Judge(Healthcheck, !c.HasHealthcheck, c.HasHealthcheck ? "HEALTHCHECK set" : "no HEALTHCHECK");

        var open = c.Ports.Where(p => p.AllInterfaces).Select(p => p.ToString()).ToList();
        yield return Judge(PortsAllInterfaces, open.Count > 0, open.Count > 0 ? string.Join(", ", open) : c.Ports.Count > 0 ? "every port bound to one address" : "no published port");
        var low = c.Ports.Where(p => p.HostPort is > 0 and < 1024).Select(p => p.ToString()).ToList();
        yield return Judge(PrivilegedPorts, low.Count > 0, low.Count > 0 ? string.Join(", ", low) : "no host port below 1024");
        var byDigest = c.Image.Contains("@sha256:", StringComparison.Ordinal) || c.Image.StartsWith("sha256:", StringComparison.Ordinal);
        yield return Judge(ImageByTag, !byDigest, "Image: " + c.Image);
        if (c.NetworkMode is "default" or "bridge")
        {
            yield return DefaultBridge.Fail("NetworkMode: " + c.NetworkMode) with { Target = c.Name };
        }

        foreach (var exec in c.Execs.Where(e => e.Running))
        {
            yield return Judge(ExecPrivileged, exec.Privileged, $"exec {Short(exec.Id)} '{exec.Command}' privileged: {(exec.Privileged ? "true" : "false")}");
            var user = exec.User.Split(':')[0];
            var root = user is "root" or "0" || (user.Length == 0 && facts.RuntimeUserIsRoot);
            yield return Judge(ExecRoot, root, $"exec {Short(exec.Id)} '{exec.Command}' user: {(exec.User.Length == 0 ? "(the container's: " + (c.User.Length == 0 ? "root" : c.User) + ")" : exec.User)}");
        }

        if (facts.Kernel is { } kernel)
        {
            var sshd = kernel.Processes.Where(p => p.Name == "sshd").Select(p => "pid " + N(p.Pid)).ToList();
            yield return Judge(Sshd, sshd.Count > 0, sshd.Count > 0 ? "sshd: " + string.Join(", ", sshd) : "no sshd process");
        }

        // A container is no file: the finding names it by Target and has no location.
        Finding Judge(CheckInfo check, bool fails, string evidence) =>
            (fails ? check.Fail(evidence) : check.Pass(evidence)) with { Target = c.Name };
    }

    private static string KernelSeccomp(ContainerFacts facts) =>
        facts.Kernel?.Init?.SeccompMode is { } mode ? $" (kernel: Seccomp {N(mode)})" : string.Empty;

    private static string Dangerous(IEnumerable<string> added)
    {
        var dangerous = added.Where(n => n == "ALL" || Capabilities.Dangerous.Contains(n)).ToList();
        return dangerous.Count > 0 ? " (dangerous: " + string.Join(", ", dangerous) + ")" : string.Empty;
    }

    public static bool IsSensitive(string source)
    {
        var path = Normalize(source);
        return SensitiveDirectories.Contains(path, StringComparer.Ordinal)
            || SensitiveTrees.Any(tree => path.StartsWith(tree + "/", StringComparison.Ordinal));
    }

    public static bool IsRuntimeSocket(string source)
    {
        var path = Normalize(source);
        return RuntimeSocketNames.Contains(Path.GetFileName(path), StringComparer.Ordinal) || RuntimeSocketDirectories.Contains(path, StringComparer.Ordinal);
    }

    private static string Normalize(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    private static string Describe(ContainerMount m) => $"{m.Source} -> {m.Destination} ({(m.Writable ? "rw" : "ro")})";

    private static string Mode(string mode) => mode.Length == 0 ? "(private)" : mode;

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Bytes(long n) => n >= 1 << 20 ? N(n >> 20) + " MiB" : N(n) + " bytes";
}
