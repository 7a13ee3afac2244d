using Seawall.Core.Model;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;

namespace Seawall.Misconfig.Rbac;

/// <summary>
/// checkov's RBAC graph checks (CKV2_K8S_1..5, checkov/kubernetes/checks/graph_checks/*.yaml), kept to their
/// semantics: a binding fails when one of its subjects is a ServiceAccount or a Node and a rule of its role names one
/// of the resources (or *) with one of the verbs (or *); API groups are not compared. A binding whose role is unknown,
/// or whose subjects are only users and groups, passes. Seawall's k8s-rbac-grants-* checks judge every subject by the
/// authorizer's rules.
/// </summary>
internal static class CheckovGraphChecks
{
    public static IEnumerable<ClusterCheck> All()
    {
        yield return Graph("k8s-rbac-sa-bind-bindings", "CKV2_K8S_1", "RoleBinding should not allow privilege escalation to a ServiceAccount or Node on other RoleBinding",
            "A workload identity that can bind rolebindings or clusterrolebindings can give itself any role; a stolen pod token becomes cluster-admin.",
            ["clusterrolebindings", "rolebindings"], ["bind"], "CIS-K8s-5.1.8");
        yield return Graph("k8s-rbac-sa-exec-nodes-proxy", "CKV2_K8S_2", "Granting `create` permissions to `nodes/proxy` or `pods/exec` sub resources allows potential privilege escalation",
            "A workload identity that can create pods/exec or nodes/proxy runs commands in other pods, on every node for nodes/proxy.",
            ["pods/exec", "nodes/proxy"], ["create"], "Kubescape:C-0002");
        yield return Graph("k8s-rbac-sa-impersonate", "CKV2_K8S_3", "No ServiceAccount/Node should have `impersonate` permissions for groups/users/service-accounts",
            "A workload identity that can impersonate acts as any user, group or service account.",
            ["groups", "users", "serviceaccounts"], ["impersonate"], "Kubescape:C-0065");
        yield return Graph("k8s-rbac-sa-services-status", "CKV2_K8S_4", "ServiceAccounts and nodes that can modify services/status may set the `status.loadBalancer.ingress.ip` field to exploit the unfixed CVE-2020-8554 and launch MiTM attacks against the cluster.",
            "Writing services/status sets a LoadBalancer ingress IP, which kube-proxy then routes to the service (CVE-2020-8554).",
            ["services/status"], ["update", "patch"], "CVE-2020-8554");
        yield return Graph("k8s-rbac-sa-read-all-secrets", "CKV2_K8S_5", "No ServiceAccount/Node should be able to read all secrets",
            "A workload identity that can get, list or watch every secret holds every credential in its scope.",
            ["secrets"], ["get", "watch", "list"], "CIS-K8s-5.1.2", unlessNamed: true);
    }

    private static ClusterCheck Graph(string id, string checkov, string title, string description, string[] resources, string[] verbs, string reference, bool unlessNamed = false) =>
        ClusterCheck.Create(RbacChecks.Info(id, title, Severity.High, description,
                "Bind the service account to a role without these verbs on these resources.", [checkov, reference, "NSA/CISA:rbac"]),
            checkov, set => RbacChecks.PerBinding(set, (graph, binding) =>
            {
                var roleRef = binding.Resource.Root.Map("roleRef");
                if (graph.RoleOf(binding) is not { } role)
                {
                    return Pass(roleRef, $"role {binding.RoleName} is not defined");
                }
                var identities = binding.Subjects.Where(s => s.Kind is "ServiceAccount" or "Node").ToList();
                if (identities.Count == 0)
                {
                    return Pass((YamlNode?)binding.Resource.Root.Seq("subjects") ?? binding.Resource.Root, "no ServiceAccount or Node subject");
                }
                foreach (var rule in graph.RulesOf(role))
                {
                    if (rule.Resources.Any(r => r == "*" || resources.Contains(r)) && rule.Verbs.Any(v => v == "*" || verbs.Contains(v))
                        && !(unlessNamed && rule.ResourceNames.Count > 0))
                    {
                        return Fail(roleRef, $"{binding} gives {RbacChecks.Subjects(identities)} {rule} through {role}{RbacChecks.Where(rule)}");
                    }
                }
                return Pass(roleRef, $"{role} has no such rule");
            }), RbacChecks.BindingKinds);
}
