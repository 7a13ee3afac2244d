using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.HostRole;

/// <summary>Which container runtimes and orchestrator agents run on the host, from the process table.</summary>
internal static class ContainerRuntimes
{
    /// <summary>Programs (file names) of container engines, their shims and node agents.</summary>
    public static readonly HashSet<string> Programs = new(StringComparer.Ordinal)
    {
        "dockerd", "docker-proxy", "docker-init", "containerd", "containerd-shim", "containerd-shim-runc-v1", "containerd-shim-runc-v2",
        "containerd-shim-kata-v2", "containerd-shim-runsc-v1", "containerd-shim-spin-v2", "runc", "crun", "runsc", "conmon", "crio", "cri-dockerd",
        "podman", "buildkitd", "rootlesskit", "slirp4netns", "pasta", "netavark", "aardvark-dns", "fuse-overlayfs", "kubelet", "kube-proxy",
        "k3s", "k3s-server", "k3s-agent", "k0s", "rke2", "microk8s", "snap.microk8s.daemon-kubelite", "kubelite", "lxd", "lxc-start",
        "incusd", "nerdctl", "firecracker-containerd", "flanneld", "calico-node", "cilium-agent",
    };

    public static List<HostProcess> Running(ProcessTable processes) =>
        [.. processes.All.Where(p => !p.IsKernelThread && (Programs.Contains(p.Program) || Programs.Contains(p.Name)))];

    /// <summary>Rootless engines: rootlesskit, or an engine run by a non-root user.</summary>
    public static List<HostProcess> Rootless(ProcessTable processes) =>
        [.. Running(processes).Where(p => p.Program == "rootlesskit" || (p.Uid is > 0 && p.Program is "dockerd" or "containerd" or "podman" or "buildkitd"))];
}
