namespace Seawall.Misconfig.Checks;

/// <summary>A peer's check Seawall does not implement (yet, or by choice), and why.</summary>
public sealed record SkippedPeerCheck(string Id, string Title, string Reason);

/// <summary>Every manifest check, in catalog order, and the checkov checks deliberately left out.</summary>
public static class ManifestCheckCatalog
{
    public static IReadOnlyList<ManifestCheck> All { get; } = [.. WorkloadChecks.All(), .. ResourceChecks.All(), .. IngressAndRbacChecks.All(), .. ControlPlaneChecks.All(),
        .. HostAndConfinementChecks.All(), .. PspAndTillerChecks.All(), .. KubeLinterChecks.All(), .. KubeLinterObjectChecks.All(),
        .. NetworkPolicy.NetworkPolicyChecks.All().Select(c => c.Entry),
        .. NetworkPolicy.KubeLinterNetworkPolicyChecks.All(),
        .. Rbac.RbacChecks.All().Select(c => c.Entry)];

    public static IReadOnlyList<SkippedPeerCheck> NotImplemented { get; } = [];

    /// <summary>Where a check knowingly decides differently from checkov's own tests.</summary>
    public static IReadOnlyList<SkippedPeerCheck> JudgedDifferently { get; } =
    [
        new("CKV_K8S_21", "HELM_NAMESPACE", "checkov passes every object when the HELM_NAMESPACE environment variable is set; Seawall judges the manifest, not the environment."),
        new("CKV_K8S_5", "skip_checks runner filter", "One entry tests checkov's runner option skip_checks (no FAILED record once the check is skipped); Seawall has no per-check switch on the command line: a manifest waives a check with checkov.io/skip or kube-linter's ignore-check annotations."),
    ];
}

