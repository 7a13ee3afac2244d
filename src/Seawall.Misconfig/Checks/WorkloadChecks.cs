using Seawall.Core.Model;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// Checks on the pod spec and containers of workloads. Each keeps the semantics of the checkov CKV_K8S check it
/// references (read from its source and its tests), so a workload passes or fails as checkov would decide.
/// </summary>
internal static class WorkloadChecks
{
    private const ContainerKind Main = ContainerKind.Container;
    private const ContainerKind Init = ContainerKind.Init;

    public static IEnumerable<ManifestCheck> All()
    {
        yield return Container("k8s-liveness-probe", "CKV_K8S_8", "Liveness probe should be configured", Severity.Low,
            "A container without a liveness probe is never restarted when it hangs.",
            "Add a livenessProbe (httpGet, tcpSocket, grpc or exec) to every long-running container.",
            ["kube-linter:no-liveness-probe", "Kubescape:C-0056"],
            (c, _) => c.Node.Has("livenessProbe") ? Pass(c.Node, "livenessProbe set") : Fail(c.Node, "no livenessProbe"), Main);
        yield return Container("k8s-readiness-probe", "CKV_K8S_9", "Readiness probe should be configured", Severity.Low,
            "Without a readiness probe, traffic reaches a container before it can serve it.",
            "Add a readinessProbe to every serving container.",
            ["kube-linter:no-readiness-probe", "Kubescape:C-0018"],
            (c, _) => c.Node.Has("readinessProbe") ? Pass(c.Node, "readinessProbe set") : Fail(c.Node, "no readinessProbe"), Main);
        yield return Resource("k8s-cpu-requests", "CKV_K8S_10", "CPU requests should be set", Severity.Low, "requests", "cpu",
            ["kube-linter:unset-cpu-requirements", "NIST-800-190-4.4.1"]);
        yield return Resource("k8s-cpu-limits", "CKV_K8S_11", "CPU limits should be set", Severity.Low, "limits", "cpu",
            ["Kubescape:C-0270", "NSA/CISA:resource-policies", "NIST-800-190-4.4.1"]);
        yield return Resource("k8s-memory-requests", "CKV_K8S_12", "Memory requests should be set", Severity.Low, "requests", "memory",
            ["NIST-800-190-4.4.1"]);
        yield return Resource("k8s-memory-limits", "CKV_K8S_13", "Memory limits should be set", Severity.Medium, "limits", "memory",
            ["kube-linter:unset-memory-requirements", "Kubescape:C-0271", "NSA/CISA:resource-policies", "NIST-800-190-4.4.1"]);
        yield return Container("k8s-image-tag-fixed", "CKV_K8S_14", "Image tag should be fixed, not latest or blank", Severity.Medium,
            "A `latest` or missing tag runs whatever was pushed last; rollbacks and audits cannot tell which image ran.",
            "Pin the image to a version tag, better to a digest (image@sha256:...).",
            ["kube-linter:latest-tag", "Kubescape:C-0075", "NIST-800-190-4.1.1"],
            (c, _) => c.Reference is not { } image ? Fail(c.Node, "no image")
                : image.Digest is not null || (image.Tag is { } t && t != "latest") ? Pass(At(c.Node, "image"), c.Image!)
                : Fail(At(c.Node, "image"), $"image {c.Image} has {(image.Tag is null ? "no tag" : "the latest tag")}"));
        yield return Container("k8s-image-pull-policy-always", "CKV_K8S_15", "Image pull policy should be Always", Severity.Low,
            "With IfNotPresent a node runs the image it cached, which may not be the one the tag names now.",
            "Set imagePullPolicy: Always, or pin images by digest.",
            ["Kubescape:C-0075"],
            (c, _) =>
            {
                if (c.Node.Text("imagePullPolicy") is { } policy)
                {
                    return policy == "Always" ? Pass(At(c.Node, "imagePullPolicy"), policy) : Fail(At(c.Node, "imagePullPolicy"), "imagePullPolicy " + policy);
                }
                // Unset, Kubernetes defaults to Always for a latest or missing tag and IfNotPresent otherwise.
                var image = c.Reference;
                // A digest names one image: whatever a node cached under it is that image.
                return image is { Digest: not null } or { Tag: null or "latest" } ? Pass(c.Node, "defaults to Always, or pinned by digest") : Fail(c.Node, "imagePullPolicy unset defaults to IfNotPresent");
            });
        yield return Container("k8s-privileged", "CKV_K8S_16", "Container should not be privileged", Severity.High,
            "A privileged container has every capability and every device of the host: it is root on the node.",
            "Remove securityContext.privileged or set it to false.",
            ["kube-linter:privileged-container", "Kubescape:C-0057", "CIS-K8s-5.2.2", "NSA/CISA:non-root-containers", "NIST-800-190-4.4.3"],
            (c, _) => c.SecurityContext?.Bool("privileged") == true ? Fail(At(c.SecurityContext, "privileged"), "privileged: true") : Pass(c.Node, "not privileged"));
        yield return PodFlag("k8s-host-pid", "CKV_K8S_17", "Containers should not share the host process ID namespace", "hostPID",
            ["kube-linter:host-pid", "Kubescape:C-0038", "CIS-K8s-5.2.3", "NIST-800-190-4.4.3"]);
        yield return PodFlag("k8s-host-ipc", "CKV_K8S_18", "Containers should not share the host IPC namespace", "hostIPC",
            ["kube-linter:host-ipc", "Kubescape:C-0038", "CIS-K8s-5.2.4", "NIST-800-190-4.4.3"]);
        yield return PodFlag("k8s-host-network", "CKV_K8S_19", "Containers should not share the host network namespace", "hostNetwork",
            ["kube-linter:host-network", "Kubescape:C-0041", "CIS-K8s-5.2.5", "NIST-800-190-4.4.3"]);
        yield return Container("k8s-allow-privilege-escalation", "CKV_K8S_20", "Containers should not run with allowPrivilegeEscalation", Severity.Medium,
            "Unless set to false, a setuid binary in the container can gain more privileges than its process started with.",
            "Set securityContext.allowPrivilegeEscalation: false.",
            ["kube-linter:privilege-escalation-container", "Kubescape:C-0016", "CIS-K8s-5.2.6", "NSA/CISA:non-root-containers"],
            (c, _) => c.SecurityContext?.Bool("allowPrivilegeEscalation") == false ? Pass(At(c.SecurityContext, "allowPrivilegeEscalation"), "false")
                : Fail(At(c.SecurityContext, "allowPrivilegeEscalation") ?? c.Node, "allowPrivilegeEscalation not set to false"));
        yield return Container("k8s-read-only-root-filesystem", "CKV_K8S_22", "Use a read-only root filesystem for containers", Severity.Low,
            "A writable root filesystem lets an intruder drop tools and change the application's files.",
            "Set securityContext.readOnlyRootFilesystem: true and mount writable emptyDir volumes where needed.",
            ["kube-linter:no-read-only-root-fs", "Kubescape:C-0017", "NSA/CISA:immutable-filesystem", "NIST-800-190-4.4.4"],
            (c, _) => c.SecurityContext?.Bool("readOnlyRootFilesystem") == true ? Pass(At(c.SecurityContext, "readOnlyRootFilesystem"), "true")
                : Fail(At(c.SecurityContext, "readOnlyRootFilesystem") ?? c.Node, "readOnlyRootFilesystem not true"));
        yield return new ManifestCheck(Info("k8s-run-as-non-root", "Minimize the admission of root containers", Severity.Medium,
            "A container that may run as UID 0 is root inside and, after any escape, root on the node.",
            "Set runAsNonRoot: true (or a non-zero runAsUser) in the pod or every container's securityContext.",
            ["CKV_K8S_23", "kube-linter:run-as-non-root", "Kubescape:C-0013", "CIS-K8s-5.2.7", "NSA/CISA:non-root-containers", "NIST-800-190-4.4.3"]),
            "CKV_K8S_23", OnWorkload(RunsAsNonRoot)) { EachFailure = EachRootContainer };
        yield return Container("k8s-capabilities-added", "CKV_K8S_25", "Minimize the admission of containers with added capability", Severity.Medium,
            "Every capability added beyond the runtime's default set widens what a compromised process can do.",
            "Remove securityContext.capabilities.add, or justify each capability.",
            ["Kubescape:C-0046", "CIS-K8s-5.2.9", "NIST-800-190-4.4.3"],
            (c, _) => Added(c) is { Items.Count: > 0 } add ? Fail(add, "adds " + Join(add)) : Pass(c.Node, "adds no capability"));
        yield return Container("k8s-host-port", "CKV_K8S_26", "Do not specify hostPort unless absolutely necessary", Severity.Low,
            "A hostPort binds the node's address, bypassing Services and NetworkPolicy, and limits where the pod can schedule.",
            "Remove ports[].hostPort and expose the port with a Service.",
            ["kube-linter:host-port", "Kubescape:C-0044"],
            (c, _) => c.Node.Seq("ports")?.Items.OfType<YamlMapping>().FirstOrDefault(p => p.Has("hostPort")) is { } port
                ? Fail(At(port, "hostPort")!, "hostPort " + port.Text("hostPort")) : Pass(c.Node, "no hostPort"));
        yield return new ManifestCheck(Info("k8s-docker-socket", "Do not expose the docker daemon socket to containers", Severity.High,
            "Whoever can talk to the container runtime's socket can start a privileged container: it is root on the node.",
            "Remove the hostPath volume that mounts the runtime socket.",
            ["CKV_K8S_27", "kube-linter:docker-sock", "Kubescape:C-0048", "NIST-800-190-4.4.3"]),
            "CKV_K8S_27", OnWorkload(DockerSocket)) { EachFailure = EachSocketMount };
        yield return Container("k8s-drop-net-raw", "CKV_K8S_28", "Minimize the admission of containers with the NET_RAW capability", Severity.Medium,
            "NET_RAW, in the default set, allows crafting packets: ARP and DNS spoofing of neighbours on the node.",
            "Add NET_RAW (or ALL) to securityContext.capabilities.drop.",
            ["kube-linter:drop-net-raw-capability", "Kubescape:C-0046", "CIS-K8s-5.2.8"],
            (c, _) => Dropped(c) is { } drop && Names(drop, "NET_RAW", "CAP_NET_RAW", "ALL")
                ? Pass(drop, "drops " + Join(drop)) : Fail(c.SecurityContext ?? c.Node, "NET_RAW not dropped"));
        yield return new ManifestCheck(Info("k8s-pod-security-context", "Apply security context to your pods and containers", Severity.Low,
            "Without a pod securityContext the runtime's defaults (often root, no seccomp) apply.",
            "Set spec.securityContext (runAsNonRoot, runAsUser, fsGroup, seccompProfile).",
            ["CKV_K8S_29", "Kubescape:C-0055", "NSA/CISA:pod-security"]),
            "CKV_K8S_29", OnWorkload(w => w.PodSecurityContext is { Entries.Count: > 0 } sc ? Pass(sc, "pod securityContext set") : Fail(w.PodSpec, "no pod securityContext")));
        yield return Container("k8s-container-security-context", "CKV_K8S_30", "Apply security context to your containers", Severity.Low,
            "A container without securityContext inherits every runtime default.",
            "Set securityContext on every container.",
            ["Kubescape:C-0055", "NSA/CISA:pod-security"],
            (c, _) => c.Node.Has("securityContext") ? Pass(c.Node.Map("securityContext") ?? (YamlNode)c.Node, "securityContext set") : Fail(c.Node, "no securityContext"));
        yield return new ManifestCheck(Info("k8s-seccomp", "Ensure that the seccomp profile is set to docker/default or runtime/default", Severity.Medium,
            "Without a seccomp profile (Unconfined is the kubelet default) every system call is open to the container.",
            "Set securityContext.seccompProfile.type: RuntimeDefault in the pod spec.",
            ["CKV_K8S_31", "Kubescape:C-0210", "CIS-K8s-5.7.2", "NSA/CISA:pod-security", "NIST-800-190-4.4.3"]),
            "CKV_K8S_31", OnWorkload(Seccomp));
        yield return Container("k8s-kubernetes-dashboard", "CKV_K8S_33", "Ensure the Kubernetes dashboard is not deployed", Severity.Medium,
            "The dashboard, often with a broad service account, is a known way into clusters.",
            "Remove the dashboard; use kubectl or a dashboard behind SSO with a least-privilege account.",
            ["Kubescape:C-0014"],
            (c, w) => c.Image is { } image && (image.Contains("kubernetes-dashboard", StringComparison.Ordinal) || image.Contains("kubernetesui", StringComparison.Ordinal))
                || Label(w, "app") == "kubernetes-dashboard" || Label(w, "k8s-app") == "kubernetes-dashboard"
                ? Fail(At(c.Node, "image") ?? c.Node, "dashboard image " + c.Image) : Pass(c.Node, "not the dashboard"));
        yield return Container("k8s-secrets-in-env", "CKV_K8S_35", "Prefer using secrets as files over secrets as environment variables", Severity.Low,
            "Environment variables leak into logs, crash dumps and child processes; mounted files do not.",
            "Mount the secret as a volume instead of env[].valueFrom.secretKeyRef or envFrom[].secretRef.",
            ["kube-linter:read-secret-from-env-var", "Kubescape:C-0207", "CIS-K8s-5.4.1"],
            (c, _) => c.Node.Has("env") && c.Node["env"] is not YamlSequence ? null
                : SecretEnv(c) is { } at ? Fail(at, "secret read into the environment") : Pass(c.Node, "no secret in env"));
        yield return Container("k8s-drop-all-capabilities", "CKV_K8S_37", "Minimize the admission of containers with capabilities assigned", Severity.Low,
            "Dropping ALL and adding back only what is needed leaves a compromised process the fewest powers.",
            "Set securityContext.capabilities.drop: [ALL].",
            ["Kubescape:C-0046", "CIS-K8s-5.2.10", "NIST-800-190-4.4.3"],
            (c, _) => Dropped(c) is { } drop && drop.Items.OfType<YamlScalar>().Any(s => s.Value.Equals("ALL", StringComparison.OrdinalIgnoreCase)) ? Pass(drop, "drops ALL") : Fail(c.SecurityContext ?? c.Node, "ALL not dropped"));
        yield return new ManifestCheck(Info("k8s-service-account-token", "Ensure that Service Account Tokens are only mounted where necessary", Severity.Low,
            "A mounted token lets anyone in the container act as its service account against the API server.",
            "Set automountServiceAccountToken: false in the pod spec unless the pod calls the API.",
            ["CKV_K8S_38", "Kubescape:C-0034", "CIS-K8s-5.1.6", "NSA/CISA:service-account-tokens"]),
            "CKV_K8S_38", OnWorkload(w => w.PodSpec.Bool("automountServiceAccountToken") == false
                ? Pass(At(w.PodSpec, "automountServiceAccountToken")!, "false") : Fail(At(w.PodSpec, "automountServiceAccountToken") ?? w.PodSpec, "token mounted")));
        yield return Container("k8s-cap-sys-admin", "CKV_K8S_39", "Do not use the CAP_SYS_ADMIN linux capability", Severity.High,
            "SYS_ADMIN is nearly root: mount, namespaces, BPF and many known container escapes.",
            "Remove SYS_ADMIN from securityContext.capabilities.add.",
            ["Kubescape:C-0046", "NIST-800-190-4.4.3"],
            (c, _) => Added(c) is { } add && Names(add, "SYS_ADMIN", "CAP_SYS_ADMIN") ? Fail(add, "adds SYS_ADMIN") : Pass(c.Node, "no SYS_ADMIN"));
        yield return new ManifestCheck(Info("k8s-high-uid", "Containers should run as a high UID to avoid host conflict", Severity.Low,
            "A UID under 10000 may match a real user on the node, whose files an escaped process could then own.",
            "Set runAsUser to 10000 or more in the pod or container securityContext.",
            ["CKV_K8S_40", "NIST-800-190-4.4.3"]),
            "CKV_K8S_40", OnWorkload(HighUid));
        yield return Container("k8s-image-digest", "CKV_K8S_43", "Image should use digest", Severity.Low,
            "A tag can be moved; only a digest names one image for good.",
            "Reference images as name@sha256:<digest>.",
            ["NIST-800-190-4.1.1"],
            (c, _) => c.Reference is { Digest: not null } ? Pass(At(c.Node, "image")!, c.Image!) : Fail(At(c.Node, "image") ?? c.Node, $"image {c.Image} has no digest"));
    }

    private static ManifestCheck Container(string id, string checkov, string title, Severity severity, string description, string remediation,
        string[] references, Func<WorkloadContainer, Workload, CheckOutcome?> judge, params ContainerKind[] kinds) =>
        new(Info(id, title, severity, description, remediation, [checkov, .. references]), checkov, OnContainers(judge, kinds)) { EachFailure = EachContainer(judge, kinds) };

    private static ManifestCheck Resource(string id, string checkov, string title, Severity severity, string bound, string resource, string[] references) =>
        Container(id, checkov, title, severity,
            $"Without {resource} {bound} the scheduler and the kubelet cannot protect the node and its neighbours from this container.",
            $"Set resources.{bound}.{resource} on every container.", references,
            (c, _) => ResourceBound(c, bound, resource), Main, Init);

    /// <summary>Set, missing, or undecidable when resources or the bound is written as something other than a mapping.</summary>
    private static CheckOutcome? ResourceBound(WorkloadContainer c, string bound, string resource)
    {
        var resources = c.Node["resources"];
        if (resources is null or YamlScalar { IsNull: true })
        {
            return Fail(resources ?? c.Node, $"no resources.{bound}.{resource}");
        }
        if (resources is not YamlMapping map || (map.Has(bound) && map[bound] is not YamlMapping))
        {
            return null;
        }
        return map.Map(bound)?.Has(resource) == true ? Pass(map.Map(bound)![resource], $"{bound}.{resource} set") : Fail(map, $"no resources.{bound}.{resource}");
    }

    private static ManifestCheck PodFlag(string id, string checkov, string title, string flag, string[] references) =>
        new(Info(id, title, Severity.High,
            $"{flag}: true puts the pod in the node's namespace, where it sees and can reach the host's own processes or traffic.",
            $"Remove {flag} from the pod spec or set it to false.", [checkov, .. references]),
            checkov, OnWorkload(w => w.PodSpec.Bool(flag) == true ? Fail(At(w.PodSpec, flag)!, flag + ": true") : Pass(w.PodSpec, flag + " not set")));

    internal static CheckInfo Info(string id, string title, Severity severity, string description, string remediation, string[] references) =>
        new(id, title, severity) { Description = description, Remediation = remediation, References = references };

    private static YamlNode? At(YamlMapping? map, string key) => map?[key];

    private static YamlSequence? Added(WorkloadContainer c) => c.SecurityContext?.Map("capabilities")?.Seq("add");

    private static YamlSequence? Dropped(WorkloadContainer c) => c.SecurityContext?.Map("capabilities")?.Seq("drop");

    /// <summary>Whether the capability list names one of <paramref name="names"/>, in any case (as the runtimes read them).</summary>
    private static bool Names(YamlSequence capabilities, params ReadOnlySpan<string> names)
    {
        foreach (var item in capabilities.Items)
        {
            if (item is YamlScalar scalar)
            {
                foreach (var name in names)
                {
                    if (string.Equals(scalar.Value, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static string Join(YamlSequence items) => string.Join(", ", items.Items.OfType<YamlScalar>().Select(s => s.Value));

    private static string? Label(Workload w, string key) => w.Resource.Metadata?.Map("labels")?.Text(key) ?? w.PodMetadata?.Map("labels")?.Text(key);

    private static YamlNode? SecretEnv(WorkloadContainer c)
    {
        foreach (var env in c.Node.Seq("env")?.Items.OfType<YamlMapping>() ?? [])
        {
            if (env.Map("valueFrom")?["secretKeyRef"] is { } reference)
            {
                return reference;
            }
        }
        foreach (var from in c.Node.Seq("envFrom")?.Items.OfType<YamlMapping>() ?? [])
        {
            if (from["secretRef"] is { } reference)
            {
                return reference;
            }
        }
        return null;
    }

    /// <summary>
    /// Root is ruled out by runAsNonRoot: true or a runAsUser above 0; a container's own setting overrides the pod's.
    /// </summary>
    private static CheckOutcome? RunsAsNonRoot(Workload w)
    {
        if (w.MalformedSpec)
        {
            return Fail(w.PodSpec, "pod spec is not a mapping");
        }
        var pod = NonRoot(w.PodSecurityContext);
        var containers = w.NonEphemeralContainers;
        if (containers.Count == 0 || w.ContainerListMalformed)
        {
            return null;
        }
        foreach (var c in containers)
        {
            if ((NonRoot(c.SecurityContext) ?? pod) != true)
            {
                return Fail(c.SecurityContext ?? c.Node, $"container {c.Name} may run as root");
            }
        }
        return Pass(w.PodSecurityContext ?? w.PodSpec, "every container runs as non-root");
    }

    /// <summary>Each container <see cref="RunsAsNonRoot"/> objects to, as kube-linter reports them one by one.</summary>
    private static IEnumerable<CheckOutcome> EachRootContainer(ManifestResource r)
    {
        if (r.Workload is not { } w || RunsAsNonRoot(w) is not { Failed: true } verdict)
        {
            return [];
        }
        if (w.MalformedSpec)
        {
            return [verdict];
        }
        var pod = NonRoot(w.PodSecurityContext);
        return [.. w.Containers.Where(c => c.Kind != ContainerKind.Ephemeral && (NonRoot(c.SecurityContext) ?? pod) != true)
            .Select(c => Fail(c.SecurityContext ?? c.Node, $"container {c.Name} may run as root"))];
    }

    /// <summary>Each container mount of a runtime-socket volume <see cref="DockerSocket"/> objects to.</summary>
    private static IEnumerable<CheckOutcome> EachSocketMount(ManifestResource r)
    {
        if (r.Workload is not { } w || DockerSocket(w) is not { Failed: true })
        {
            return [];
        }
        var sockets = (w.PodSpec.Seq("volumes")?.Items ?? []).OfType<YamlMapping>()
            .Where(v => v.Map("hostPath")?.Text("path") is { } path && RuntimeSockets.Contains(path.TrimEnd('/'), StringComparer.Ordinal))
            .Select(v => v.Text("name")).ToHashSet(StringComparer.Ordinal);
        return [.. w.Containers.SelectMany(c => (c.Node.Seq("volumeMounts")?.Items ?? []).OfType<YamlMapping>()
            .Where(m => sockets.Contains(m.Text("name")))
            .Select(m => Fail(m, $"container {c.Name} mounts the runtime socket")))];
    }

    /// <summary>True: this context rules root out; false: it asks for root; null: it says nothing.</summary>
    private static bool? NonRoot(YamlMapping? context)
    {
        if (context is null)
        {
            return null;
        }
        var user = context.Integer("runAsUser");
        if (user == 0 || context.Bool("runAsNonRoot") == false)
        {
            return false;
        }
        return context.Bool("runAsNonRoot") == true || user > 0 ? true : null;
    }

    private static CheckOutcome? HighUid(Workload w)
    {
        var pod = w.PodSecurityContext?.Integer("runAsUser");
        var containers = w.NonEphemeralContainers;
        if (containers.Count == 0 || w.ContainerListMalformed)
        {
            return null;
        }
        if (w.PodSpec.Bool("hostUsers") == false)
        {
            // A user namespace maps every container UID to an unprivileged host range: no collision possible.
            return Pass(w.PodSpec["hostUsers"], "hostUsers: false");
        }
        foreach (var c in containers)
        {
            var uid = c.SecurityContext?.Integer("runAsUser") ?? pod;
            if (uid is null or < 10000)
            {
                return Fail(c.SecurityContext ?? c.Node, $"container {c.Name} runAsUser {(uid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset")}");
            }
        }
        return Pass(w.PodSecurityContext ?? w.PodSpec, "every container runs as UID 10000 or more");
    }

    private static readonly string[] RuntimeSockets =
        ["/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock"];

    private static CheckOutcome? DockerSocket(Workload w)
    {
        foreach (var volume in w.PodSpec.Seq("volumes")?.Items.OfType<YamlMapping>() ?? [])
        {
            if (volume.Map("hostPath")?.Text("path") is { } path && RuntimeSockets.Contains(path.TrimEnd('/'), StringComparer.Ordinal))
            {
                return Fail(volume.Map("hostPath")!["path"]!, $"volume {volume.Text("name")} mounts {path}");
            }
        }
        return Pass(w.PodSpec, "no runtime socket mounted");
    }

    private static readonly string[] GoodSeccompAnnotations = ["runtime/default", "docker/default"];

    /// <summary>
    /// RuntimeDefault or Localhost in the pod securityContext, or the legacy pod annotation set to runtime/default or
    /// docker/default (on the object for a Pod, on its pod template otherwise).
    /// </summary>
    private static CheckOutcome? Seccomp(Workload w)
    {
        const string annotation = "seccomp.security.alpha.kubernetes.io/pod";
        if (w.PodSecurityContext?.Map("seccompProfile") is { } profile && profile.Text("type") is { } type)
        {
            return type is "RuntimeDefault" or "Localhost" ? Pass(profile, "seccompProfile " + type) : Fail(profile, "seccompProfile " + type);
        }
        var annotations = w.PodMetadata?.Map("annotations") ?? w.Resource.Metadata?.Map("annotations");
        if (annotations?.Text(annotation) is { } value)
        {
            return GoodSeccompAnnotations.Contains(value, StringComparer.Ordinal) ? Pass(annotations[annotation]!, value) : Fail(annotations[annotation]!, annotation + ": " + value);
        }
        var containers = w.AppContainers;
        if (containers.Count > 0 && containers.All(c => c.SecurityContext?.Map("seccompProfile")?.Text("type") is "RuntimeDefault" or "Localhost"))
        {
            return Pass(containers[0].SecurityContext!, "every container sets a seccomp profile");
        }
        return Fail(w.PodSecurityContext ?? w.PodSpec, "no seccomp profile");
    }
}
