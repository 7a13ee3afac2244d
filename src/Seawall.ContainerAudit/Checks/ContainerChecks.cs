using Seawall.Core.Model;

namespace Seawall.ContainerAudit.Checks;

/// <summary>
/// The container checks' catalog: CIS Docker Benchmark 1.6.0 section 5 (docker-bench-security's ids), NIST SP
/// 800-190 and, where Kubernetes has the same control for pods, Kubescape's. Runtime checks judge what the Engine
/// API reports; kernel checks judge what /proc shows and whether it agrees.
/// </summary>
public static class ContainerChecks
{
    private const string NistPrivileges = "NIST-800-190-4.4.3";
    private const string NistIsolation = "NIST-800-190-4.4.4";

    private static CheckInfo Check(string id, string title, Severity severity, string description, string remediation, params string[] references) =>
        new(id, title, severity) { Description = description, Remediation = remediation, References = references };

    public static readonly CheckInfo Privileged = Check("container-privileged", "Container runs privileged", Severity.Critical,
        "--privileged gives every capability, every host device, no seccomp or AppArmor: root in the container is root on the host.",
        "Run without --privileged; add only the capabilities and devices the workload needs (--cap-add, --device).",
        "CIS-Docker-5.5", "docker-bench:5.5", "kubescape:C-0057", NistPrivileges);

    public static readonly CheckInfo CapabilitiesAdded = Check("container-capabilities-added", "Capabilities added beyond the runtime's default", Severity.High,
        "Each added capability widens what root in the container can do to the kernel; SYS_ADMIN, SYS_MODULE, SYS_PTRACE and DAC_READ_SEARCH lead to the host.",
        "Remove --cap-add; start from --cap-drop ALL and add back only what the process needs.",
        "CIS-Docker-5.4", "docker-bench:5.4", "kubescape:C-0046", NistPrivileges);

    public static readonly CheckInfo CapabilitiesNotDropped = Check("container-capabilities-not-dropped", "Default capabilities kept (no --cap-drop)", Severity.Low,
        "The default set still holds NET_RAW (packet spoofing on the container network), MKNOD and others most workloads never use.",
        "Run with --cap-drop ALL and add back the few the process needs (often NET_BIND_SERVICE).",
        "CIS-Docker-5.4", "docker-bench:5.4", "kubescape:C-0055", NistPrivileges);

    public static readonly CheckInfo HostPid = Check("container-host-pid", "Shares the host's PID namespace", Severity.High,
        "--pid host shows every host process to the container; with ptrace or SYS_ADMIN it can enter them.",
        "Run without --pid host.",
        "CIS-Docker-5.16", "docker-bench:5.16", "kubescape:C-0038", NistIsolation);

    public static readonly CheckInfo HostIpc = Check("container-host-ipc", "Shares the host's IPC namespace", Severity.High,
        "--ipc host lets the container read and write the host's shared memory and semaphores.",
        "Run without --ipc host.",
        "CIS-Docker-5.17", "docker-bench:5.17", "kubescape:C-0038", NistIsolation);

    public static readonly CheckInfo HostUts = Check("container-host-uts", "Shares the host's UTS namespace", Severity.Medium,
        "--uts host lets the container change the host's hostname.",
        "Run without --uts host.",
        "CIS-Docker-5.21", "docker-bench:5.21", NistIsolation);

    public static readonly CheckInfo HostNetwork = Check("container-host-network", "Shares the host's network namespace", Severity.High,
        "--network host puts the container on every host interface: it can bind host ports, reach localhost-only services and sniff with NET_RAW.",
        "Use a user-defined bridge network and publish only the ports needed.",
        "CIS-Docker-5.10", "docker-bench:5.10", "kubescape:C-0041", NistIsolation);

    public static readonly CheckInfo HostUserns = Check("container-host-userns", "Opts out of user-namespace remapping", Severity.Medium,
        "--userns host on a daemon with userns-remap makes container root host root again.",
        "Run without --userns host.",
        "CIS-Docker-5.31", "docker-bench:5.31", NistPrivileges);

    public static readonly CheckInfo RunsAsRoot = Check("container-runs-as-root", "Runs as root", Severity.Medium,
        "No user (or root) in the container config: a compromise of the process is root in the container, one kernel bug from the host.",
        "Run as an unprivileged user: USER in the Dockerfile or --user 1000:1000.",
        "CIS-Docker-4.1", "kubescape:C-0013", NistPrivileges);

    public static readonly CheckInfo SensitiveMount = Check("container-sensitive-mount", "Sensitive host directory mounted", Severity.High,
        "Host /, /etc, /boot, /dev, /proc, /sys, /usr, /lib or the runtime's data in a container expose the host's configuration and binaries to it; writable, they are the host.",
        "Remove the bind mount, or mount only the file needed, read-only (:ro).",
        "CIS-Docker-5.6", "docker-bench:5.6", "kubescape:C-0048", NistIsolation);

    public static readonly CheckInfo RuntimeSocket = Check("container-runtime-socket", "Container runtime socket mounted", Severity.Critical,
        "Whoever can write docker.sock (or containerd's, CRI-O's, Podman's) can start a privileged container with the host's / mounted: host root.",
        "Remove the socket mount; give tools a narrow API proxy instead.",
        "CIS-Docker-5.32", "docker-bench:5.32", "kubescape:C-0074", NistIsolation);

    public static readonly CheckInfo WritableHostMount = Check("container-writable-host-mount", "Host path bind-mounted writable", Severity.Medium,
        "A writable bind mount lets the container change host files outside its own layer.",
        "Mount host paths read-only (:ro) or use a named volume.",
        "kubescape:C-0045", NistIsolation);

    public static readonly CheckInfo SharedPropagation = Check("container-mount-propagation-shared", "Mount propagation set to shared", Severity.Medium,
        "A shared mount lets mounts made in the container appear on the host and the other way round.",
        "Use the default private propagation (drop :shared / :rshared).",
        "CIS-Docker-5.20", "docker-bench:5.20", NistIsolation);

    public static readonly CheckInfo HostDevices = Check("container-host-devices", "Host devices exposed", Severity.Medium,
        "A host block or character device in the container (--device, device cgroup rules) bypasses the file-system isolation: a disk is the host's data.",
        "Remove --device and --device-cgroup-rule unless the workload needs that device; never expose disks.",
        "CIS-Docker-5.18", "docker-bench:5.18", NistIsolation);

    public static readonly CheckInfo WritableRootfs = Check("container-rootfs-writable", "Root filesystem is writable", Severity.Low,
        "A writable root filesystem lets an intruder drop tools and change binaries inside the container.",
        "Run with --read-only and mount a tmpfs or volume where the process must write.",
        "CIS-Docker-5.13", "docker-bench:5.13", "kubescape:C-0017", NistIsolation);

    public static readonly CheckInfo SeccompUnconfined = Check("container-seccomp-unconfined", "Seccomp disabled", Severity.High,
        "Without a seccomp filter every system call, including the ones behind most container escapes (keyctl, unshare, bpf), is open.",
        "Run without --security-opt seccomp=unconfined; use the default or a stricter profile.",
        "CIS-Docker-5.22", "docker-bench:5.22", "kubescape:C-0210", NistIsolation);

    public static readonly CheckInfo AppArmorUnconfined = Check("container-apparmor-unconfined", "AppArmor disabled for the container", Severity.Medium,
        "The daemon confines containers with AppArmor (docker-default), but this one runs unconfined.",
        "Run without --security-opt apparmor=unconfined.",
        "CIS-Docker-5.2", "docker-bench:5.2", "kubescape:C-0055", NistIsolation);

    public static readonly CheckInfo SelinuxDisabled = Check("container-selinux-disabled", "SELinux labelling disabled for the container", Severity.Medium,
        "The daemon labels containers with SELinux, but this one runs with label=disable (or a host namespace that implies it).",
        "Run without --security-opt label=disable.",
        "CIS-Docker-5.3", "docker-bench:5.3", "kubescape:C-0055", NistIsolation);

    public static readonly CheckInfo NoNewPrivileges = Check("container-no-new-privileges", "Processes can gain privileges (no-new-privileges off)", Severity.Medium,
        "Without no-new-privileges a setuid binary in the image gives its owner's rights (and the bounding capabilities) back to a non-root process.",
        "Run with --security-opt no-new-privileges (or set \"no-new-privileges\": true in daemon.json).",
        "CIS-Docker-5.26", "docker-bench:5.26", "kubescape:C-0016", NistPrivileges);

    public static readonly CheckInfo MemoryLimit = Check("container-memory-limit", "No memory limit", Severity.Medium,
        "One container without a limit can take all of the host's memory and get the host's other workloads killed.",
        "Run with --memory (and --memory-swap).",
        "CIS-Docker-5.11", "docker-bench:5.11", "kubescape:C-0004", "NIST-800-190-4.4.2");

    public static readonly CheckInfo CpuLimit = Check("container-cpu-limit", "No CPU limit or priority", Severity.Low,
        "Without --cpus, --cpu-quota, --cpu-shares or --cpuset-cpus one container can starve the others.",
        "Run with --cpus (or --cpu-shares for a relative weight).",
        "CIS-Docker-5.12", "docker-bench:5.12", "kubescape:C-0050", "NIST-800-190-4.4.2");

    public static readonly CheckInfo PidsLimit = Check("container-pids-limit", "No PIDs limit", Severity.Medium,
        "Without a PIDs limit a fork bomb in one container exhausts the host's process table.",
        "Run with --pids-limit (for example 100).",
        "CIS-Docker-5.29", "docker-bench:5.29", "NIST-800-190-4.4.2");

    public static readonly CheckInfo RestartPolicy = Check("container-restart-policy", "Restart policy retries without bound", Severity.Low,
        "always, unless-stopped or on-failure without a bound restarts a crashing (or attacked) container forever, hiding the problem and draining the host.",
        "Use --restart on-failure:5.",
        "CIS-Docker-5.15", "docker-bench:5.15");

    public static readonly CheckInfo Healthcheck = Check("container-healthcheck", "No health check", Severity.Low,
        "Without a HEALTHCHECK the runtime cannot tell a hung or hijacked service from a healthy one.",
        "Add a HEALTHCHECK to the image or run with --health-cmd.",
        "CIS-Docker-5.27", "docker-bench:5.27", "kubescape:C-0056");

    public static readonly CheckInfo PortsAllInterfaces = Check("container-ports-all-interfaces", "Ports published on every host interface", Severity.Medium,
        "-p PORT binds 0.0.0.0 (and ::): the service is reachable from every network the host is on.",
        "Bind to one address: -p 127.0.0.1:8080:80 or the interface meant to serve.",
        "CIS-Docker-5.14", "docker-bench:5.14", "NIST-800-190-4.4.2");

    public static readonly CheckInfo PrivilegedPorts = Check("container-privileged-ports", "Privileged host port published", Severity.Low,
        "A host port below 1024 is one the host's own root services expect to own.",
        "Publish on a port of 1024 or above.",
        "CIS-Docker-5.8", "docker-bench:5.8");

    public static readonly CheckInfo ImageByTag = Check("container-image-by-tag", "Image run by a mutable tag", Severity.Low,
        "A tag (latest or any other) can point to different content tomorrow; a digest names exactly what runs.",
        "Run images by digest (image@sha256:...), or pin the tag in a controlled registry.",
        "CIS-Docker-5.28", "docker-bench:5.28", "kubescape:C-0075", "NIST-800-190-4.1.5");

    public static readonly CheckInfo ExecPrivileged = Check("container-exec-privileged", "Privileged exec session", Severity.High,
        "docker exec --privileged gives the exec'd process every capability, whatever the container was started with.",
        "Do not use docker exec --privileged; debug with the container's own rights.",
        "CIS-Docker-5.23", "docker-bench:5.23", NistPrivileges);

    public static readonly CheckInfo ExecRoot = Check("container-exec-root", "Exec session running as root", Severity.Medium,
        "docker exec --user root (or into a root container) runs with root's rights inside the container.",
        "Exec as the container's unprivileged user.",
        "CIS-Docker-5.24", "docker-bench:5.24", NistPrivileges);

    public static readonly CheckInfo Sshd = Check("container-sshd", "sshd runs inside the container", Severity.Low,
        "An SSH server in a container is one more daemon to patch and a way in that bypasses the runtime's access control.",
        "Remove sshd from the image; use docker exec for access.",
        "CIS-Docker-5.7", "docker-bench:5.7");

    public static readonly CheckInfo DefaultBridge = Check("container-default-bridge", "Attached to the default bridge (docker0)", Severity.Low,
        "On docker0 every container can reach every other one (ARP spoofing, open ports) unless icc is off.",
        "Use a user-defined network.",
        "CIS-Docker-5.30", "docker-bench:5.30", "NIST-800-190-4.4.2");

    // The kernel's side.

    public static readonly CheckInfo KernelVisibility = Check("container-kernel-view", "Kernel view of the container", Severity.Low,
        "The container's processes as /proc shows them; when they cannot be seen (run away from the host, or /proc not mounted at --root) only the runtime's word is judged.",
        "Run `seawall containers` on the host (or with the host's / mounted and --root pointing at it).");

    public static readonly CheckInfo RootIsHostRoot = Check("container-root-is-host-root", "Container root is host root (no user-namespace remapping)", Severity.High,
        "A process of the container runs as uid 0 as the host sees it: any escape lands as host root.",
        "Run as a non-root user, or enable user-namespace remapping (dockerd --userns-remap=default) or rootless mode.",
        "CIS-Docker-2.9", "docker-bench:2.9", "kubescape:C-0013", NistPrivileges);

    public static readonly CheckInfo KernelCapabilities = Check("container-kernel-capabilities", "Capabilities in the kernel differ from the runtime's", Severity.High,
        "The bounding set /proc shows is not the set the runtime's configuration gives: something (a runtime bug, a hook, a tampered config) changed it.",
        "Recreate the container and find what changed its capabilities (OCI hooks, a modified runtime).",
        NistPrivileges);

    public static readonly CheckInfo KernelNamespaces = Check("container-kernel-namespaces", "Namespaces in the kernel differ from the runtime's", Severity.High,
        "A namespace the runtime calls private is the host's in /proc (or the other way round).",
        "Recreate the container; check the runtime and its OCI hooks.",
        NistIsolation);

    public static readonly CheckInfo KernelSeccomp = Check("container-kernel-seccomp", "Seccomp in the kernel differs from the runtime's", Severity.High,
        "/proc/PID/status Seccomp is not what the runtime's security options imply.",
        "Recreate the container; check the runtime's seccomp support (libseccomp) and the daemon's profile.",
        NistIsolation);

    public static readonly CheckInfo KernelNoNewPrivs = Check("container-kernel-no-new-privs", "no_new_privs in the kernel differs from the runtime's", Severity.Medium,
        "/proc/PID/status NoNewPrivs is not what the runtime's security options say.",
        "Recreate the container; check the runtime.",
        NistPrivileges);

    public static readonly CheckInfo KernelUser = Check("container-kernel-user", "Process user in the kernel differs from the runtime's", Severity.Medium,
        "The container's init process runs as another uid than its configured user (after the user-namespace mapping).",
        "Recreate the container; check the image's entrypoint for su/setuid tricks.",
        NistPrivileges);

    public static IReadOnlyList<CheckInfo> All { get; } =
    [
        Privileged, CapabilitiesAdded, CapabilitiesNotDropped, HostPid, HostIpc, HostUts, HostNetwork, HostUserns, RunsAsRoot,
        SensitiveMount, RuntimeSocket, WritableHostMount, SharedPropagation, HostDevices, WritableRootfs, SeccompUnconfined,
        AppArmorUnconfined, SelinuxDisabled, NoNewPrivileges, MemoryLimit, CpuLimit, PidsLimit, RestartPolicy, Healthcheck,
        PortsAllInterfaces, PrivilegedPorts, ImageByTag, ExecPrivileged, ExecRoot, Sshd, DefaultBridge,
        KernelVisibility, RootIsHostRoot, KernelCapabilities, KernelNamespaces, KernelSeccomp, KernelNoNewPrivs, KernelUser,
    ];
}
