namespace Seawall.Misconfig.Checks;

/// <summary>A peer's check Seawall does not implement (yet, or by choice), and why.</summary>
public sealed record SkippedPeerCheck(string Id, string Title, string Reason);

/// <summary>Every manifest check, in catalog order, and the checkov checks deliberately left out.</summary>
public static class ManifestCheckCatalog
{
    public static IReadOnlyList<ManifestCheck> All { get; } = [.. WorkloadChecks.All(), .. ResourceChecks.All(), .. IngressAndRbacChecks.All(), .. ControlPlaneChecks.All(),
        .. HostAndConfinementChecks.All(), .. KubeLinterChecks.All(), .. KubeLinterObjectChecks.All(),
        .. NetworkPolicy.NetworkPolicyChecks.All().Select(c => c.Entry),
        .. Rbac.RbacChecks.All().Select(c => c.Entry)];

    private const string Psp = "PodSecurityPolicy was removed in Kubernetes 1.25; the same property is checked on the workloads themselves.";

    public static IReadOnlyList<SkippedPeerCheck> NotImplemented { get; } =
    [
        new("CKV_K8S_1", "PSP: hostPID", Psp),
        new("CKV_K8S_2", "PSP: privileged", Psp),
        new("CKV_K8S_3", "PSP: hostIPC", Psp),
        new("CKV_K8S_4", "PSP: hostNetwork", Psp),
        new("CKV_K8S_5", "PSP: allowPrivilegeEscalation", Psp),
        new("CKV_K8S_6", "PSP: root containers", Psp),
        new("CKV_K8S_7", "PSP: drop capabilities", Psp),
        new("CKV_K8S_24", "PSP: allowed capabilities", Psp),
        new("CKV_K8S_32", "PSP: seccomp", Psp),
        new("CKV_K8S_36", "PSP: minimize capabilities", Psp),
        new("CKV_K8S_34", "Tiller deployed", "Tiller (Helm 2) has been unsupported since 2020; its images are matched by k8s-risky-component (by image, not checkov's label heuristics)."),
        new("CKV_K8S_44", "Tiller service", "As CKV_K8S_34: Helm 2 only."),
        new("CKV_K8S_45", "Tiller listener", "As CKV_K8S_34: Helm 2 only."),
    ];

    /// <summary>Where a check knowingly decides differently from checkov's own tests.</summary>
    public static IReadOnlyList<SkippedPeerCheck> JudgedDifferently { get; } =
    [
        new("CKV_K8S_11", "checkov.io/skip annotations", "checkov's own suppression annotations are not honoured: Seawall suppresses through --ignorefile, not annotations in the manifest under review."),
        new("CKV_K8S_21", "HELM_NAMESPACE", "checkov passes every object when the HELM_NAMESPACE environment variable is set; Seawall judges the manifest, not the environment."),
        new("CKV_K8S_14, 15, 43", "libyaml-only indentation", "One fixture per check has a double-quoted scalar whose continuation lines are indented less than its sequence item. libyaml (PyYAML, kubectl's go-yaml) accepts it; YamlDotNet rejects it, so the file is a warning and its object is not judged."),
    ];
}

