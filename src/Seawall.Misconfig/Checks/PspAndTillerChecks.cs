using Seawall.Core.Model;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;
using static Seawall.Misconfig.Checks.WorkloadChecks;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// PodSecurityPolicy objects (CIS-K8s 5.2 before 1.25) and Tiller, Helm 2's in-cluster server, with checkov's
/// semantics: a PSP field absent where checkov fails on absence fails here too, since the API server's default for
/// it is the permissive one.
/// </summary>
internal static class PspAndTillerChecks
{
    private const string Removed = " PodSecurityPolicy was removed in Kubernetes 1.25: this matters for clusters still on it and for old manifests.";

    private const string Tiller = " Tiller (Helm 2) has been unsupported since 2020 and serves the cluster to anyone who reaches its gRPC port.";

    public static IEnumerable<ManifestCheck> All()
    {
        yield return OmittedOrFalse("k8s-psp-host-pid", "CKV_K8S_1", "CIS-K8s-5.2.3", "hostPID", "Do not admit containers wishing to share the host process ID namespace",
            "A policy allowing hostPID lets its pods see and signal every process on the node.");
        yield return OmittedOrFalse("k8s-psp-privileged", "CKV_K8S_2", "CIS-K8s-5.2.2", "privileged", "Do not admit privileged containers",
            "A policy allowing privileged containers admits pods that own the node.");
        yield return OmittedOrFalse("k8s-psp-host-ipc", "CKV_K8S_3", "CIS-K8s-5.2.4", "hostIPC", "Do not admit containers wishing to share the host IPC namespace",
            "A policy allowing hostIPC lets its pods read the shared memory of every process on the node.");
        yield return OmittedOrFalse("k8s-psp-host-network", "CKV_K8S_4", "CIS-K8s-5.2.5", "hostNetwork", "Do not admit containers wishing to share the host network namespace",
            "A policy allowing hostNetwork lets its pods sniff node traffic and reach services bound to localhost.");
        yield return Policy("k8s-psp-privilege-escalation", "CKV_K8S_5", "CIS-K8s-5.2.6", "Containers should not run with allowPrivilegeEscalation", Severity.High,
            "allowPrivilegeEscalation defaults to true in a policy: its pods may gain privileges through setuid binaries.",
            "Set spec.allowPrivilegeEscalation: false.", AllowsEscalation);
        yield return Policy("k8s-psp-root", "CKV_K8S_6", "CIS-K8s-5.2.7", "Do not admit root containers", Severity.Medium,
            "Unless the policy's runAsUser rule excludes UID 0, its pods may run as root.",
            "Set spec.runAsUser.rule: MustRunAsNonRoot, or MustRunAs with ranges that start above 0.", AdmitsRoot);
        yield return Policy("k8s-psp-net-raw", "CKV_K8S_7", "CIS-K8s-5.2.8", "Do not admit containers with the NET_RAW capability", Severity.Medium,
            "NET_RAW, in the default set, allows packet spoofing on the pod network unless the policy requires it dropped.",
            "List NET_RAW (or ALL) in spec.requiredDropCapabilities.", KeepsNetRaw);
        yield return Policy("k8s-psp-allowed-capabilities", "CKV_K8S_24", "CIS-K8s-5.2.9", "Do not allow containers with added capability", Severity.Medium,
            "allowedCapabilities lets pods add capabilities beyond the runtime's default set.",
            "Remove spec.allowedCapabilities, or leave it empty.", AddsCapabilities);
        yield return Policy("k8s-psp-seccomp", "CKV_K8S_32", "CIS-K8s-5.7.2", "Ensure default seccomp profile set to docker/default or runtime/default", Severity.Medium,
            "Without a default seccomp profile, pods admitted by the policy run unconfined, with every syscall available.",
            "Annotate the policy seccomp.security.alpha.kubernetes.io/defaultProfileName: runtime/default.",
            (Func<ManifestResource, CheckOutcome?>)NoDefaultSeccomp);
        yield return Policy("k8s-psp-minimize-capabilities", "CKV_K8S_36", "CIS-K8s-5.2.10", "Minimize the admission of containers with capabilities assigned", Severity.Low,
            "A policy that drops nothing admits pods with the runtime's full default capability set.",
            "List the capabilities to drop (ideally ALL) in spec.requiredDropCapabilities.", DropsNothing);

        yield return new ManifestCheck(Info("k8s-tiller", "Ensure that Tiller (Helm v2) is not deployed", Severity.High,
            "A container is Tiller by its image name or its workload's labels (app: helm, or name: tiller)." + Tiller,
            "Migrate to Helm 3, which has no in-cluster server, and delete the tiller-deploy Deployment.",
            ["CKV_K8S_34"]),
            "CKV_K8S_34", OnContainers((c, w) => IsTiller(c, w) ? Fail(c.Node, "runs Tiller") : Pass(c.Node, "not Tiller"), ContainerKind.Container, ContainerKind.Init));
        yield return new ManifestCheck(Info("k8s-tiller-service", "Ensure that the Tiller Service (Helm v2) is deleted", Severity.High,
            "A Service whose name, labels or selector name Tiller exposes its unauthenticated gRPC API to the cluster." + Tiller,
            "Delete the tiller-deploy Service.",
            ["CKV_K8S_44"]),
            "CKV_K8S_44", TillerService);
        yield return new ManifestCheck(Info("k8s-tiller-listener", "Ensure the Tiller Deployment (Helm V2) is not accessible from within the cluster", Severity.High,
            "Tiller listens on all interfaces unless --listen binds it to localhost." + Tiller,
            "Run Tiller with --listen=localhost:44134, or better, migrate to Helm 3.",
            ["CKV_K8S_45"]),
            "CKV_K8S_45", OnContainers(TillerListener, ContainerKind.Container, ContainerKind.Init));
    }

    /// <summary>checkov's "omitted or false": the field passes when absent or false and fails on any other value.</summary>
    private static ManifestCheck OmittedOrFalse(string id, string checkov, string cis, string field, string title, string description) =>
        Policy(id, checkov, cis, title, Severity.High, description, $"Remove spec.{field} or set it to false.",
            spec => spec?[field] is { } value && value is not YamlScalar { AsBool: false }
                ? Fail(value, $"spec.{field} is {Show(value)}") : Pass(spec, $"spec.{field} is absent or false"));

    private static ManifestCheck Policy(string id, string checkov, string cis, string title, Severity severity, string description, string remediation,
        Func<YamlMapping?, CheckOutcome?> judge) =>
        Policy(id, checkov, cis, title, severity, description, remediation, r => judge(r.Root.Map("spec")));

    private static ManifestCheck Policy(string id, string checkov, string cis, string title, Severity severity, string description, string remediation,
        Func<ManifestResource, CheckOutcome?> judge) =>
        new(Info(id, "PSP: " + title, severity, description + Removed, remediation, [checkov, cis]),
            checkov, r => r.Kind == "PodSecurityPolicy" ? judge(r) is { } outcome ? outcome with { At = outcome.At ?? r.Root } : null : null);

    private static CheckOutcome? AllowsEscalation(YamlMapping? spec)
    {
        if (spec is null)
        {
            return null; // checkov returns no verdict without a spec
        }
        return spec["allowPrivilegeEscalation"] is not { } value ? Fail(spec, "spec.allowPrivilegeEscalation is absent (defaults to true)")
            : Truthy(value) ? Fail(value, "spec.allowPrivilegeEscalation is " + Show(value)) : Pass(value, "spec.allowPrivilegeEscalation is false");
    }

    private static CheckOutcome AdmitsRoot(YamlMapping? spec)
    {
        var runAsUser = spec?.Map("runAsUser");
        switch (runAsUser?.Text("rule"))
        {
            case "MustRunAsNonRoot":
                return Pass(runAsUser, "runAsUser.rule is MustRunAsNonRoot");
            case "MustRunAs" when runAsUser.Seq("ranges") is { } ranges:
                var zero = ranges.Items.OfType<YamlMapping>().FirstOrDefault(r => r.Integer("min") == 0);
                return zero is null ? Pass(ranges, "every runAsUser range starts above 0") : Fail(zero, "a runAsUser range starts at UID 0");
            default:
                return Fail(runAsUser ?? spec, "runAsUser does not exclude root");
        }
    }

    private static CheckOutcome KeepsNetRaw(YamlMapping? spec) =>
        spec?.Seq("requiredDropCapabilities") is { Items.Count: > 0 } drop
            && drop.Items.OfType<YamlScalar>().Any(s => s.Value is "ALL" or "NET_RAW")
            ? Pass(drop, "requiredDropCapabilities drops NET_RAW")
            : Fail(spec?["requiredDropCapabilities"] ?? spec, "requiredDropCapabilities lists neither NET_RAW nor ALL");

    private static CheckOutcome AddsCapabilities(YamlMapping? spec) =>
        spec?["allowedCapabilities"] is { } value && Truthy(value)
            ? Fail(value, "allowedCapabilities is " + Show(value)) : Pass(spec, "no allowedCapabilities");

    private static CheckOutcome DropsNothing(YamlMapping? spec) =>
        spec?["requiredDropCapabilities"] is { } value && Truthy(value)
            ? Pass(value, "requiredDropCapabilities is set") : Fail(spec, "requiredDropCapabilities is absent or empty");

    // A policy's own annotation: the default profile its pods get when they name none.
    private const string DefaultProfile = "seccomp.security.alpha.kubernetes.io/defaultProfileName";

    private static CheckOutcome NoDefaultSeccomp(ManifestResource r)
    {
        var annotations = r.Metadata?.Map("annotations");
        var profile = annotations?.Entries.FirstOrDefault(e => e.Key.Contains(DefaultProfile, StringComparison.Ordinal)).Value as YamlScalar;
        return profile is not null && (profile.Value.Contains("docker/default", StringComparison.Ordinal) || profile.Value.Contains("runtime/default", StringComparison.Ordinal))
            ? Pass(profile, "default seccomp profile " + profile.Value)
            : Fail((YamlNode?)profile ?? annotations ?? r.Metadata, "no docker/default or runtime/default default seccomp profile");
    }

    private static CheckOutcome? TillerService(ManifestResource r)
    {
        if (r.Kind != "Service")
        {
            return null;
        }
        if (r.Name is { } name && name.Contains("tiller", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(r.Metadata?["name"], "Service named " + name);
        }
        if (NamesTiller(r.Metadata?.Map("labels")) is { } label)
        {
            return Fail(label, "a label names Tiller");
        }
        if (NamesTiller(r.Root.Map("spec")?.Map("selector")) is { } selector)
        {
            return Fail(selector, "its selector names Tiller");
        }
        return null; // checkov has no verdict on other Services
    }

    private static YamlNode? NamesTiller(YamlMapping? map) =>
        map?.Entries.Select(e => e.Value).OfType<YamlScalar>().FirstOrDefault(v => v.Value.Contains("tiller", StringComparison.OrdinalIgnoreCase));

    private static CheckOutcome? TillerListener(WorkloadContainer c, Workload w)
    {
        if (!IsTiller(c, w))
        {
            return null; // checkov has no verdict on other containers
        }
        var local = c.Node.Seq("args")?.Items.OfType<YamlScalar>()
            .FirstOrDefault(a => a.Value.Contains("--listen", StringComparison.Ordinal)
                && (a.Value.Contains("localhost", StringComparison.Ordinal) || a.Value.Contains("127.0.0.1", StringComparison.Ordinal)));
        return local is null ? Fail(c.Node.Seq("args") ?? (YamlNode)c.Node, "Tiller does not --listen on localhost") : Pass(local, "Tiller listens on " + local.Value);
    }

    /// <summary>checkov's heuristic: "tiller" in the image, or the workload labelled app: helm or (without app) name: tiller.</summary>
    private static bool IsTiller(WorkloadContainer c, Workload w)
    {
        if (c.Image?.Contains("tiller", StringComparison.Ordinal) == true)
        {
            return true;
        }
        var labels = w.Resource.Metadata?.Map("labels");
        return labels?.Text("app") is { } app ? app == "helm" : labels?.Text("name") == "tiller";
    }

    /// <summary>Python truthiness of a YAML value, as checkov tests it.</summary>
    private static bool Truthy(YamlNode value) => value switch
    {
        YamlScalar { IsNull: true } => false,
        YamlScalar { AsBool: { } b } => b,
        YamlScalar { AsInteger: { } n } => n != 0,
        YamlScalar s => s.Value.Length > 0,
        YamlSequence seq => seq.Items.Count > 0,
        YamlMapping map => map.Entries.Count > 0,
        _ => true,
    };

    private static string Show(YamlNode value) => value is YamlScalar s ? s.Value : "set";
}
