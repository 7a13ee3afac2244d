using Seawall.Core.Model;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;
using static Seawall.Misconfig.Checks.WorkloadChecks;

namespace Seawall.Misconfig.Checks;

/// <summary>Checks on objects other than pod specs: namespaces, service accounts, RBAC rules and bindings.</summary>
internal static class ResourceChecks
{
    /// <summary>Cluster-scoped kinds, which have no namespace to misplace.</summary>
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
        "PriorityClass", "PodSecurityPolicy", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService",
        "CertificateSigningRequest", "IngressClass", "RuntimeClass", "VolumeAttachment", "CSIDriver", "CSINode",
        // OpenShift's cluster-scoped admission policy.
        "SecurityContextConstraints",
    };

    public static IEnumerable<ManifestCheck> All()
    {
        yield return new ManifestCheck(Info("k8s-default-namespace", "The default namespace should not be used", Severity.Low,
            "Objects in the default namespace share it with everything deployed without thought; policies and RBAC scoped to it are too broad.",
            "Set metadata.namespace to the application's own namespace.",
            ["CKV_K8S_21", "kube-linter:use-namespace", "Kubescape:C-0061", "CIS-K8s-5.7.4"]),
            "CKV_K8S_21", DefaultNamespace);
        yield return new ManifestCheck(Info("k8s-default-service-account-token", "Ensure that default service accounts are not actively used", Severity.Low,
            "Every pod without its own service account runs as `default`; its token should not be mounted.",
            "Set automountServiceAccountToken: false on the default ServiceAccount.",
            ["CKV_K8S_41", "Kubescape:C-0034", "CIS-K8s-5.1.5"]),
            "CKV_K8S_41", r => r.Kind != "ServiceAccount" ? null
                : r.Name != "default" ? Pass(r.Metadata, "not the default service account")
                : r.Root.Bool("automountServiceAccountToken") == false ? Pass(r.Root["automountServiceAccountToken"]!, "token not mounted") : Fail(r.Root["automountServiceAccountToken"] ?? r.Root, "default service account mounts its token"));
        yield return new ManifestCheck(Info("k8s-default-service-account-binding", "Ensure that default service accounts are not actively used", Severity.Medium,
            "A binding to the `default` service account gives its rights to every pod of the namespace that names no account.",
            "Bind rights to a dedicated service account instead of default.",
            ["CKV_K8S_42", "Kubescape:C-0189", "CIS-K8s-5.1.5"]),
            "CKV_K8S_42", r => r.Kind is "RoleBinding" or "ClusterRoleBinding"
                ? r.Root.Seq("subjects")?.Items.OfType<YamlMapping>().FirstOrDefault(s => s.Text("kind") == "ServiceAccount" && s.Text("name") == "default") is { } subject
                    ? Fail(subject, "binds the default service account") : Pass(r.Root, "no default service account bound")
                : null);
        yield return new ManifestCheck(Info("k8s-rbac-wildcard", "Minimize wildcard use in Roles and ClusterRoles", Severity.High,
            "A `*` in apiGroups, resources or verbs grants every present and future resource or action, cluster-admin by accident.",
            "List the apiGroups, resources and verbs the subject needs.",
            ["CKV_K8S_49", "kube-linter:wildcard-in-rules", "Kubescape:C-0187", "CIS-K8s-5.1.3"]),
            "CKV_K8S_49", r => r.Kind is "Role" or "ClusterRole"
                ? Wildcard(r.Root.Seq("rules")) is { } at ? Fail(at, "rule uses *") : Pass(r.Root, "no wildcard")
                : null);
    }

    private static CheckOutcome? DefaultNamespace(ManifestResource r)
    {
        if (ClusterScoped.Contains(r.Kind) || r.Metadata is not { } metadata)
        {
            return null;
        }
        // The kubernetes Service and the default namespace's own service account live there by design.
        if ((r.Kind == "Service" && r.Name == "kubernetes") || (r.Kind == "ServiceAccount" && r.Name == "default"))
        {
            return Pass(metadata, "belongs to the default namespace by design");
        }
        return r.Namespace is null or "default"
            ? Fail(metadata["namespace"] ?? metadata, r.Namespace is null ? "no namespace (kubectl's context decides, usually default)" : "namespace: default")
            : Pass(metadata["namespace"]!, "namespace " + r.Namespace);
    }

    private static YamlNode? Wildcard(YamlSequence? rules)
    {
        foreach (var rule in rules?.Items.OfType<YamlMapping>() ?? [])
        {
            foreach (var key in new[] { "apiGroups", "resources", "verbs" })
            {
                if (rule.Seq(key)?.Items.OfType<YamlScalar>().FirstOrDefault(s => s.Value == "*") is { } star)
                {
                    return star;
                }
            }
        }
        return null;
    }
}
