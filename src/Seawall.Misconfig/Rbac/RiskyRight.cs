using Seawall.Core.Model;

namespace Seawall.Misconfig.Rbac;

/// <summary>
/// A right that amounts to more than it says (reading every secret, running code in pods, granting roles), as the
/// requests that exercise it. A rule limited to named objects (resourceNames) does not count: it reaches only those.
/// </summary>
public sealed record RiskyRight(string CheckId, string Label, string Title, Severity Severity, string Description, string Remediation, string[] References, RbacRequest[] Requests)
{
    /// <summary>What of this right the grant gives for every object name (a request, or the wildcard rule), or null.</summary>
    public string? GrantedBy(Grant grant)
    {
        if (Requests.Length == 0)
        {
            return grant.Rule.Verbs.Contains("*") || grant.Rule.Resources.Contains("*") ? grant.Rule.ToString() : null;
        }
        return Requests.FirstOrDefault(r => (grant.Binding.IsCluster || !RbacGraph.IsClusterScoped(r.Resource)) && grant.Rule.AllowsEveryName(r))?.ToString();
    }

    private static RbacRequest[] Core(string[] verbs, params string[] resources) => InGroup("", verbs, resources);

    private static RbacRequest[] InGroup(string apiGroup, string[] verbs, params string[] resources) =>
        [.. from resource in resources
            from verb in verbs
            let slash = resource.IndexOf('/', StringComparison.Ordinal)
            select slash < 0 ? new RbacRequest(verb, apiGroup, resource) : new RbacRequest(verb, apiGroup, resource[..slash], resource[(slash + 1)..])];

    private const string Rbac = "rbac.authorization.k8s.io";

    public static IReadOnlyList<RiskyRight> All { get; } =
    [
        new("k8s-rbac-grants-secrets", "read secrets", "Minimize access to secrets", Severity.High,
            "get, list or watch on secrets reads every secret in reach: service account tokens, registry and database credentials.",
            "Remove get, list and watch on secrets, or limit the rule to the secrets the subject needs with resourceNames.",
            ["kube-linter:access-to-secrets", "Kubescape:C-0015", "CIS-K8s-5.1.2", "NSA/CISA:rbac", "NIST-800-190-4.3.2"],
            Core(["get", "list", "watch"], "secrets")),
        new("k8s-rbac-grants-create-workloads", "create pods or workloads", "Minimize access to create pods", Severity.High,
            "Whoever can create a pod (directly or through a controller) can run it with any service account of the namespace and mount its secrets.",
            "Remove create on pods and workload controllers; deploy through a pipeline identity instead.",
            ["kube-linter:access-to-create-pods", "Kubescape:C-0188", "CIS-K8s-5.1.4", "NSA/CISA:rbac", "NIST-800-190-4.3.2"],
            [.. Core(["create"], "pods", "replicationcontrollers"), .. InGroup("apps", ["create"], "deployments", "daemonsets", "statefulsets", "replicasets"),
             .. InGroup("batch", ["create"], "jobs", "cronjobs")]),
        new("k8s-rbac-grants-exec", "exec into pods", "Minimize access to exec into containers", Severity.High,
            "pods/exec runs commands in running containers, with their service account token and mounted secrets.",
            "Remove create and get on pods/exec; debug through ephemeral tooling with audit instead.",
            ["Kubescape:C-0002", "CKV2_K8S_2", "NSA/CISA:rbac", "NIST-800-190-4.3.2"],
            Core(["create", "get"], "pods/exec")),
        new("k8s-rbac-grants-port-forward", "port-forward to pods", "Minimize access to port-forward into pods", Severity.Medium,
            "pods/portforward reaches any port of any pod in reach, past Services and NetworkPolicies.",
            "Remove create and get on pods/portforward.",
            ["Kubescape:C-0063", "NSA/CISA:rbac"],
            Core(["create", "get"], "pods/portforward")),
        new("k8s-rbac-grants-delete", "delete workloads or data", "Minimize access to delete resources", Severity.Medium,
            "delete and deletecollection on workloads, services and secrets let a subject destroy the application and its data.",
            "Remove delete and deletecollection where the subject does not manage the objects' lifecycle.",
            ["Kubescape:C-0007", "NSA/CISA:rbac"],
            [.. Core(["delete", "deletecollection"], "pods", "secrets", "services", "replicationcontrollers", "persistentvolumeclaims"),
             .. InGroup("apps", ["delete", "deletecollection"], "deployments", "daemonsets", "statefulsets", "replicasets"),
             .. InGroup("batch", ["delete", "deletecollection"], "jobs", "cronjobs")]),
        new("k8s-rbac-grants-escalate", "escalate roles", "Limit the escalate verb", Severity.High,
            "escalate lets a subject write roles that hold rights it does not have itself.",
            "Remove escalate on roles and clusterroles.",
            ["CIS-K8s-5.1.8", "NSA/CISA:rbac", "NIST-800-190-4.3.2"],
            InGroup(Rbac, ["escalate"], "roles", "clusterroles")),
        new("k8s-rbac-grants-bind", "bind roles", "Limit the bind verb", Severity.High,
            "bind lets a subject bind roles, cluster-admin included, that it does not hold itself.",
            "Remove bind on roles and clusterroles.",
            ["CIS-K8s-5.1.8", "NSA/CISA:rbac", "NIST-800-190-4.3.2"],
            InGroup(Rbac, ["bind"], "roles", "clusterroles")),
        new("k8s-rbac-grants-impersonate", "impersonate", "Limit the impersonate verb", Severity.High,
            "impersonate lets a subject act as any user, group or service account, and so hold their rights.",
            "Remove impersonate on users, groups and serviceaccounts.",
            ["Kubescape:C-0065", "CIS-K8s-5.1.8", "CKV2_K8S_3", "NSA/CISA:rbac", "NIST-800-190-4.3.2"],
            [.. Core(["impersonate"], "users", "groups", "serviceaccounts"), .. InGroup("authentication.k8s.io", ["impersonate"], "uids", "userextras/scopes")]),
        new("k8s-rbac-grants-nodes-proxy", "nodes/proxy", "Limit access to the nodes/proxy subresource", Severity.High,
            "nodes/proxy reaches the kubelet API of every node: exec into any pod there, bypassing audit and admission.",
            "Remove get and create on nodes/proxy.",
            ["CIS-K8s-5.1.10", "CKV2_K8S_2", "NSA/CISA:rbac"],
            Core(["get", "create"], "nodes/proxy")),
        new("k8s-rbac-grants-wildcard", "wildcard rights", "Minimize wildcard rights granted to subjects", Severity.High,
            "A bound rule with * in verbs or resources grants every present and future action or resource in its scope.",
            "Bind a role that lists the verbs and resources the subject needs.",
            ["kube-linter:wildcard-in-rules", "Kubescape:C-0187", "CIS-K8s-5.1.3", "NSA/CISA:rbac", "NIST-800-190-4.3.2"],
            []),
    ];
}
