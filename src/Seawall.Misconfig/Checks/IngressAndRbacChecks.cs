using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;
using static Seawall.Misconfig.Checks.WorkloadChecks;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// NGINX ingress snippet annotations (CVE-2021-25742), per-role RBAC rights that amount to privilege escalation, and
/// git-sync's git override. RBAC rules match as the API server's authorizer does: "*" in apiGroups, resources or
/// verbs matches all, and "*/sub" matches that subresource of every resource.
/// </summary>
internal static partial class IngressAndRbacChecks
{
    private const string Rbac = "rbac.authorization.k8s.io";

    public static IEnumerable<ManifestCheck> All()
    {
        yield return Snippet("k8s-nginx-snippet-lua", "CKV_K8S_152", "Prevent NGINX Ingress annotation snippets which contain LUA code execution (CVE-2021-25742)",
            "A snippet with Lua code runs in the ingress controller, which can read every Secret it serves.", v => v.Contains("_by_lua", StringComparison.Ordinal));
        yield return Snippet("k8s-nginx-snippet", "CKV_K8S_153", "Prevent all NGINX Ingress annotation snippets (CVE-2021-25742)",
            "Snippets inject raw configuration into the shared controller; whoever can write an Ingress can read its secrets.", _ => true);
        yield return Snippet("k8s-nginx-snippet-alias", "CKV_K8S_154", "Prevent NGINX Ingress annotation snippets which contain alias statements (CVE-2021-25742)",
            "An alias statement serves controller files, such as its service account token, over HTTP.", v => AliasStatement().IsMatch(v));
        yield return Role("k8s-rbac-admission-webhooks", "CKV_K8S_155", "Minimize ClusterRoles that grant control over validating or mutating admission webhook configurations",
            "Who can change an admission webhook can disable policy or rewrite every object the cluster admits.",
            ["ClusterRole"], rules => Grants(rules, "admissionregistration.k8s.io", ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"], ["create", "update", "patch", "delete"]));
        yield return Role("k8s-rbac-approve-csr", "CKV_K8S_156", "Minimize ClusterRoles that grant permissions to approve CertificateSigningRequests",
            "Approving CSRs (update on certificatesigningrequests/approval plus approve on a signer) mints client certificates for any user, system:masters included.",
            ["ClusterRole"], rules => Grants(rules, "certificates.k8s.io", ["certificatesigningrequests/approval"], ["update", "patch"]) is { } at
                && Grants(rules, "certificates.k8s.io", ["signers"], ["approve"]) is not null ? at : null);
        yield return Role("k8s-rbac-bind", "CKV_K8S_157", "Minimize Roles and ClusterRoles that grant permissions to bind RoleBindings or ClusterRoleBindings",
            "The bind verb lets a subject grant roles it does not hold itself.",
            ["Role", "ClusterRole"], rules => Grants(rules, Rbac, ["rolebindings", "clusterrolebindings", "roles", "clusterroles"], ["bind"]));
        yield return Role("k8s-rbac-escalate", "CKV_K8S_158", "Minimize Roles and ClusterRoles that grant permissions to escalate Roles or ClusterRoles",
            "The escalate verb lets a subject edit a role to hold rights it does not have.",
            ["Role", "ClusterRole"], rules => Grants(rules, Rbac, ["roles", "clusterroles"], ["escalate"]));
        yield return new ManifestCheck(Info("k8s-git-sync-git-override", "Limit the use of git-sync to prevent code injection", Severity.High,
            "git-sync runs whatever binary GITSYNC_GIT (or --git) names: with a writable volume that is code injection into the pod.",
            "Remove GITSYNC_GIT / GIT_SYNC_GIT and --git from git-sync containers.",
            ["CKV_K8S_159"]),
            "CKV_K8S_159", OnWorkload(GitSync));
    }

    private static ManifestCheck Snippet(string id, string checkov, string title, string description, Func<string, bool> dangerous) =>
        new(Info(id, title, Severity.High, description,
            "Remove the snippet annotation; set allow-snippet-annotations: false in the controller's ConfigMap.",
            [checkov, "CVE-2021-25742"]),
            checkov, r =>
            {
                if (r.Kind != "Ingress")
                {
                    return null;
                }
                foreach (var (key, value) in r.Metadata?.Map("annotations")?.Entries ?? [])
                {
                    if (key.StartsWith("nginx.ingress.kubernetes.io/", StringComparison.Ordinal) && key.EndsWith("snippet", StringComparison.Ordinal)
                        && value is YamlScalar text && dangerous(text.Value))
                    {
                        return Fail(value, "annotation " + key);
                    }
                }
                return Pass(r.Metadata, "no such snippet");
            });

    private static ManifestCheck Role(string id, string checkov, string title, string description, string[] kinds, Func<YamlSequence?, YamlNode?> grants) =>
        new(Info(id, title, Severity.High, description, "Remove the rule, or narrow its verbs and resources to what the subject needs.", [checkov, "CIS-K8s-5.1.8"]),
            checkov, r => kinds.Contains(r.Kind) ? grants(r.Root.Seq("rules")) is { } at ? Fail(at, "a rule grants it") : Pass(r.Root, "no rule grants it") : null);

    /// <summary>The first rule that grants one of <paramref name="verbs"/> on one of <paramref name="resources"/> in <paramref name="group"/>.</summary>
    internal static YamlNode? Grants(YamlSequence? rules, string group, string[] resources, string[] verbs)
    {
        foreach (var rule in rules?.Items.OfType<YamlMapping>() ?? [])
        {
            if (Matches(rule, "apiGroups", v => v == "*" || v == group)
                && Matches(rule, "resources", v => resources.Any(r => ResourceMatches(v, r)))
                && Matches(rule, "verbs", v => v == "*" || verbs.Contains(v)))
            {
                return rule;
            }
        }
        return null;
    }

    private static bool ResourceMatches(string pattern, string resource)
    {
        if (pattern == "*" || pattern == resource)
        {
            return true;
        }
        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && pattern.StartsWith("*/", StringComparison.Ordinal) && pattern[1..] == resource[slash..];
    }

    private static bool Matches(YamlMapping rule, string key, Func<string, bool> test) =>
        rule.Seq(key)?.Items.OfType<YamlScalar>().Any(s => test(s.Value)) == true;

    private static CheckOutcome? GitSync(Workload w)
    {
        var syncs = w.Containers.Where(c => c.Image?.Contains("git-sync", StringComparison.Ordinal) == true).ToList();
        if (syncs.Count == 0)
        {
            return null;
        }
        foreach (var c in syncs)
        {
            foreach (var env in c.Node.Seq("env")?.Items.OfType<YamlMapping>() ?? [])
            {
                if (env.Text("name") is "GITSYNC_GIT" or "GIT_SYNC_GIT")
                {
                    return Fail(env, $"container {c.Name} sets {env.Text("name")}");
                }
            }
            foreach (var arg in c.Node.Seq("args")?.Items.OfType<YamlScalar>() ?? [])
            {
                if (arg.Value.StartsWith("--git=", StringComparison.Ordinal) || arg.Value == "--git")
                {
                    return Fail(arg, $"container {c.Name} passes {arg.Value}");
                }
            }
        }
        return Pass(syncs[0].Node, "git-sync runs the image's git");
    }

    [GeneratedRegex(@"(^|[\s;{])alias\s+\S")]
    private static partial Regex AliasStatement();
}
