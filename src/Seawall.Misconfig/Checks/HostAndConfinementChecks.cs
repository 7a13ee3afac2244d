using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;
using static Seawall.Misconfig.Checks.WorkloadChecks;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// Host access and confinement beyond checkov's set: hostPath mounts, /proc, sysctls, AppArmor, SELinux, ephemeral
/// storage, exposed Services, literal secrets, the default service account and known risky components. Where
/// kube-linter has the check, each offending container, mount or variable is its own failure, as kube-linter counts.
/// </summary>
internal static partial class HostAndConfinementChecks
{
    /// <summary>
    /// Host directories whose mount hands the node over: its root, configuration, kernel interfaces, devices, the
    /// kubelet's and runtimes' state (pod secrets, images) and home directories (keys). Compared after trimming "/".
    /// </summary>
    private static readonly HashSet<string> SensitiveHostPaths = new(StringComparer.Ordinal)
    {
        "/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/root", "/home", "/run", "/var/run",
        "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/etc/kubernetes",
    };

    /// <summary>The runtime sockets: whoever talks to one starts privileged containers.</summary>
    internal static readonly HashSet<string> RuntimeSockets = new(StringComparer.Ordinal)
    {
        "/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
        "/var/run/crio/crio.sock", "/run/crio/crio.sock", "/var/run/podman/podman.sock", "/run/podman/podman.sock",
        "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock", "/run/k3s/containerd/containerd.sock",
    };

    /// <summary>The Pod Security Standards' safe sysctls (namespaced, cannot affect other pods or the node).</summary>
    private static readonly HashSet<string> SafeSysctls = new(StringComparer.Ordinal)
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    };

    /// <summary>The SELinux types the Pod Security Standards (baseline) allow; spc_t is the unconfined "super privileged container".</summary>
    private static readonly HashSet<string> AllowedSeLinuxTypes = new(StringComparer.Ordinal)
    {
        "container_t", "container_init_t", "container_kvm_t", "container_engine_t",
    };

    /// <summary>Images of components with a record of handing out the cluster: unauthenticated cluster-admin APIs or remote shells.</summary>
    private static readonly (string Fragment, string Why)[] RiskyImages =
    [
        ("kubernetes-helm/tiller", "Tiller (Helm 2) serves an unauthenticated gRPC API with cluster-admin rights"),
        ("helm/tiller", "Tiller (Helm 2) serves an unauthenticated gRPC API with cluster-admin rights"),
        ("weaveworks/scope", "Weave Scope offers a web shell into every container (abused by TeamTNT)"),
        ("weave-scope", "Weave Scope offers a web shell into every container (abused by TeamTNT)"),
    ];

    public static IEnumerable<ManifestCheck> All()
    {
        yield return Spots(Info("k8s-sensitive-host-mount", "Do not mount sensitive host directories or runtime sockets", Severity.High,
            "A hostPath mount of /, /etc, /proc, /sys, /dev, the kubelet's or a runtime's state, or a runtime socket gives the container the node: its credentials, its processes, or a way to start privileged containers.",
            "Remove the hostPath volume; use ConfigMaps, Secrets, emptyDir or a CSI driver instead.",
            ["kube-linter:sensitive-host-mounts", "Kubescape:C-0048", "CIS-K8s-5.2.12", "NSA/CISA:pod-security", "NIST-800-190-4.4.3"]),
            null, OnHostMounts((c, mount, path) => SensitiveHostPaths.Contains(Normal(path)) || RuntimeSockets.Contains(Normal(path))
                ? Fail(mount, $"host directory {path} is mounted on container {c.Name}") : null), "no sensitive host directory mounted");
        yield return Spots(Info("k8s-writable-host-mount", "Mount host directories read-only", Severity.Medium,
            "A writable hostPath mount lets the container change the node's files: plant binaries, cron jobs or kubelet configuration.",
            "Set readOnly: true on every volumeMount of a hostPath volume, or remove the volume.",
            ["kube-linter:writable-host-mount", "Kubescape:C-0045", "NIST-800-190-4.4.3"]),
            null, OnHostMounts((c, mount, path) => mount.Bool("readOnly") == true ? null
                : Fail(mount, $"container {c.Name} mounts host path {path} writable")), "every hostPath mount is read-only");
        yield return Spots(Info("k8s-unsafe-proc-mount", "Do not unmask /proc", Severity.High,
            "procMount: Unmasked removes the runtime's masking of /proc paths that reveal or change the host kernel.",
            "Remove securityContext.procMount or set it to Default.",
            ["kube-linter:unsafe-proc-mount", "NSA/CISA:pod-security", "NIST-800-190-4.4.3"]),
            null, EachContainerOf(c => c.SecurityContext?.Text("procMount") is "Unmasked" ? Fail(c.SecurityContext["procMount"], $"container {c.Name} sets procMount: Unmasked") : null),
            "/proc masked");
        yield return Spots(Info("k8s-unsafe-sysctls", "Set only safe sysctls", Severity.High,
            "A sysctl outside the safe set is not isolated per pod: it changes the kernel of the node for every pod on it.",
            "Remove the sysctl from spec.securityContext.sysctls, or tune the node instead.",
            ["kube-linter:unsafe-sysctls", "NSA/CISA:pod-security", "NIST-800-190-4.4.3"]),
            null, r => r.Workload is not { } w ? null
                : [.. (w.PodSecurityContext?.Seq("sysctls")?.Items ?? []).OfType<YamlMapping>()
                    .Where(s => s.Text("name") is { } name && !SafeSysctls.Contains(name))
                    .Select(s => Fail(s, $"unsafe sysctl {s.Text("name")}"))],
            "only safe sysctls");
        yield return Spots(Info("k8s-apparmor-unconfined", "Do not run containers without AppArmor", Severity.Medium,
            "An Unconfined AppArmor profile lifts the runtime's default profile, which blocks mounts and writes to sensitive /proc and /sys files.",
            "Remove the Unconfined profile: set appArmorProfile.type: RuntimeDefault (or the annotation to runtime/default).",
            ["Kubescape:C-0055", "NSA/CISA:pod-security", "NIST-800-190-4.4.3"]),
            null, r => r.Workload is { } w ? AppArmor(w) : null, "no Unconfined AppArmor profile");
        yield return Spots(Info("k8s-selinux-options", "Do not set a custom SELinux user, role or privileged type", Severity.Medium,
            "SELinux type spc_t (or any type but the container ones) or a custom user or role takes the container out of its SELinux confinement.",
            "Remove seLinuxOptions.user, .role and .type, or use container_t.",
            ["Kubescape:C-0055", "NSA/CISA:pod-security", "NIST-800-190-4.4.3"]),
            null, r => r.Workload is { } w ? SeLinux(w) : null, "no unsafe SELinux options");
        yield return Ephemeral("k8s-ephemeral-storage-requests", "requests");
        yield return Ephemeral("k8s-ephemeral-storage-limits", "limits");
        yield return Spots(Info("k8s-exposed-service", "Do not expose Services through LoadBalancer or NodePort", Severity.Medium,
            "A LoadBalancer or NodePort Service opens the workload on every node or on an external address, outside any Ingress or gateway policy.",
            "Use type ClusterIP behind an Ingress or Gateway, or restrict loadBalancerSourceRanges.",
            ["kube-linter:exposed-services", "NSA/CISA:network-policies"]),
            null, r => r.Kind != "Service" ? null
                : r.Root.Map("spec")?.Text("type") is "LoadBalancer" or "NodePort" ? [Fail(r.Root.Map("spec")!["type"], $"type {r.Root.Map("spec")!.Text("type")}")] : [],
            "not exposed outside the cluster");
        yield return Spots(Info("k8s-secret-literal-env", "Do not write secrets as literal environment values", Severity.High,
            "A password, token or key written into the manifest is readable by everyone who can read the manifest, its Git history or the object.",
            "Store the value in a Secret and mount it (or reference it with secretKeyRef).",
            ["kube-linter:env-var-secret", "Kubescape:C-0012", "CIS-K8s-5.4.1", "NIST-800-190-4.4.1"]),
            null, EachContainerSpots(LiteralSecrets), "no literal secret in env");
        yield return Spots(Info("k8s-default-service-account-used", "Run pods under their own service account", Severity.Low,
            "Pods that name no service account run as `default`, which every such pod of the namespace shares with whatever rights it is given.",
            "Create a ServiceAccount for the workload and set spec.serviceAccountName.",
            ["kube-linter:default-service-account", "CIS-K8s-5.1.5", "NSA/CISA:service-account-tokens"]),
            null, r => r.Workload is not { } w ? null
                : (w.PodSpec.Text("serviceAccountName") ?? w.PodSpec.Text("serviceAccount")) is null or "" or "default"
                    ? [Fail(w.PodSpec["serviceAccountName"] ?? w.PodSpec["serviceAccount"] ?? w.PodSpec, "runs as the default service account")] : [],
            "own service account");
        yield return Spots(Info("k8s-risky-component", "Do not deploy known risky components", Severity.High,
            "Some components are known ways into a cluster: Tiller's unauthenticated cluster-admin API, Weave Scope's web shell into every container.",
            "Remove the component (Helm 3 needs no Tiller); if it must stay, put it behind authentication and least-privilege RBAC.",
            ["CKV_K8S_34", "Kubescape:C-0014", "NIST-800-190-4.3.1"]),
            null, EachContainerSpots(c => RiskyImages.FirstOrDefault(r => c.Image?.Contains(r.Fragment, StringComparison.OrdinalIgnoreCase) == true) is { Fragment: not null } hit
                ? [Fail(c.Node["image"], $"image {c.Image}: {hit.Why}")] : []),
            "no known risky component");
    }

    private static ManifestCheck Ephemeral(string id, string bound) =>
        Spots(Info(id, $"Ephemeral storage {bound} should be set", Severity.Low,
            $"Without ephemeral-storage {bound} a container can fill the node's disk with logs and writable layers and get its neighbours evicted.",
            $"Set resources.{bound}.ephemeral-storage on every container.",
            ["NSA/CISA:resource-policies", "NIST-800-190-4.4.1"]),
            null, EachContainerSpots(c => c.Kind == ContainerKind.Ephemeral ? []
                : c.Node.Map("resources")?.Map(bound)?.Has("ephemeral-storage") == true ? []
                : [Fail(c.Node.Map("resources") ?? c.Node, $"container {c.Name} has no {bound}.ephemeral-storage")]),
            $"ephemeral-storage {bound} set");

    /// <summary>One failure per offending container, null for resources that are not workloads.</summary>
    internal static Func<ManifestResource, IReadOnlyList<CheckOutcome>?> EachContainerOf(Func<WorkloadContainer, CheckOutcome?> judge) =>
        EachContainerSpots(c => judge(c) is { } outcome ? [outcome] : []);

    /// <summary>Every failure of every container (init and ephemeral included), null for resources that are not workloads.</summary>
    internal static Func<ManifestResource, IReadOnlyList<CheckOutcome>?> EachContainerSpots(Func<WorkloadContainer, IEnumerable<CheckOutcome>> judge) =>
        r =>
        {
            if (r.Workload is not { } w)
            {
                return null;
            }
            // A list only once something fails: most containers pass most checks.
            List<CheckOutcome>? failures = null;
            foreach (var container in w.Containers)
            {
                foreach (var failure in judge(container))
                {
                    (failures ??= []).Add(failure);
                }
            }
            return failures ?? (IReadOnlyList<CheckOutcome>)[];
        };

    /// <summary>Each (container, volumeMount) of a hostPath volume the judge objects to.</summary>
    private static Func<ManifestResource, IReadOnlyList<CheckOutcome>?> OnHostMounts(Func<WorkloadContainer, YamlMapping, string, CheckOutcome?> judge) =>
        r =>
        {
            if (r.Workload is not { } w)
            {
                return null;
            }
            var hostPaths = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var volume in w.PodSpec.Seq("volumes")?.Items.OfType<YamlMapping>() ?? [])
            {
                if (volume.Text("name") is { } name && volume.Map("hostPath")?.Text("path") is { } path)
                {
                    hostPaths[name] = path;
                }
            }
            var failures = new List<CheckOutcome>();
            foreach (var c in w.Containers)
            {
                foreach (var mount in c.Node.Seq("volumeMounts")?.Items.OfType<YamlMapping>() ?? [])
                {
                    if (mount.Text("name") is { } name && hostPaths.TryGetValue(name, out var path) && judge(c, mount, path) is { } failure)
                    {
                        failures.Add(failure);
                    }
                }
            }
            return failures;
        };

    /// <summary>The path as the kubelet resolves it for comparison: no trailing slash, no doubled or "." segments.</summary>
    internal static string Normal(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".");
        return "/" + string.Join('/', parts);
    }

    private static IReadOnlyList<CheckOutcome> AppArmor(Workload w)
    {
        var failures = new List<CheckOutcome>();
        if (w.PodSecurityContext?.Map("appArmorProfile") is { } pod && pod.Text("type") == "Unconfined")
        {
            failures.Add(Fail(pod, "pod appArmorProfile Unconfined"));
        }
        foreach (var c in w.Containers)
        {
            if (c.SecurityContext?.Map("appArmorProfile") is { } profile && profile.Text("type") == "Unconfined")
            {
                failures.Add(Fail(profile, $"container {c.Name} appArmorProfile Unconfined"));
            }
        }
        const string prefix = "container.apparmor.security.beta.kubernetes.io/";
        var annotations = w.PodMetadata?.Map("annotations") ?? (w.Resource.Kind == "Pod" ? w.Resource.Metadata?.Map("annotations") : null);
        foreach (var (key, value) in annotations?.Entries ?? [])
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && value is YamlScalar { Value: "unconfined" })
            {
                failures.Add(Fail(value, $"container {key[prefix.Length..]} annotated unconfined"));
            }
        }
        return failures;
    }

    private static IReadOnlyList<CheckOutcome> SeLinux(Workload w)
    {
        var failures = new List<CheckOutcome>();
        void Judge(YamlMapping? context, string who)
        {
            if (context?.Map("seLinuxOptions") is not { } options)
            {
                return;
            }
            if (options.Text("type") is { Length: > 0 } type && !AllowedSeLinuxTypes.Contains(type))
            {
                failures.Add(Fail(options["type"], $"{who} SELinux type {type}"));
            }
            foreach (var key in new[] { "user", "role" })
            {
                if (options.Text(key) is { Length: > 0 } value)
                {
                    failures.Add(Fail(options[key], $"{who} SELinux {key} {value}"));
                }
            }
        }
        Judge(w.PodSecurityContext, "pod");
        foreach (var c in w.Containers)
        {
            Judge(c.SecurityContext, "container " + c.Name);
        }
        return failures;
    }

    private static IEnumerable<CheckOutcome> LiteralSecrets(WorkloadContainer c)
    {
        foreach (var env in c.Node.Seq("env")?.Items.OfType<YamlMapping>() ?? [])
        {
            if (env.Text("name") is { } name && SecretName().IsMatch(name) && !FileReference().IsMatch(name) && env.Text("value") is { Length: > 0 })
            {
                yield return Fail(env["value"], $"environment variable {name} in container {c.Name} holds a literal value");
            }
        }
    }

    /// <summary>Names that say "secret" the way kube-linter's (?i).*secret.* does, plus the usual credential words.</summary>
    [GeneratedRegex("SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    /// <summary>PASSWORD_FILE, TOKEN_PATH and the like point at a mounted secret: the recommended practice, not a leak.</summary>
    [GeneratedRegex("_(FILE|PATH|DIR|REF|NAME)$", RegexOptions.IgnoreCase)]
    private static partial Regex FileReference();
}
