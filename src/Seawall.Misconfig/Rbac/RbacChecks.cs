using Seawall.Core.Model;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;

namespace Seawall.Misconfig.Rbac;

/// <summary>
/// RBAC checks across objects: each judges every RoleBinding and ClusterRoleBinding by the rules its role really
/// grants (aggregation and the built-in roles included), so the finding points at the binding that hands the right
/// out and names the subjects that get it. A binding whose role is neither in the input nor built in is not judged.
/// </summary>
public static class RbacChecks
{
    /// <summary>One graph per resource set: every check of a scan asks for it, so it is built once (see <see cref="SetCache{T}"/>).</summary>
    public static RbacGraph GraphOf(IReadOnlyList<ManifestResource> set) => SetCache<RbacGraph>.For(set, s => new RbacGraph(s));

    public static IEnumerable<ClusterCheck> All()
    {
        foreach (var right in RiskyRight.All)
        {
            yield return ClusterCheck.Create(Info(right.CheckId, right.Title, right.Severity, right.Description, right.Remediation, right.References), null,
                set => PerBinding(set, (graph, binding) => Risky(graph, binding, right)), BindingKinds);
        }
        yield return ClusterCheck.Create(Info("k8s-rbac-cluster-admin-binding", "Ensure that the cluster-admin role is only used where required", Severity.High,
            "cluster-admin is * on everything, non-resource URLs included; a ClusterRoleBinding to it owns the cluster, a RoleBinding the namespace.",
            "Bind a role with the resources and verbs the subject needs instead of cluster-admin.",
            ["kube-linter:cluster-admin-role-binding", "Kubescape:C-0035", "CIS-K8s-5.1.1", "NSA/CISA:rbac", "NIST-800-190-4.3.2"]), null,
            set => PerBinding(set, (_, binding) => binding.RoleKind == "ClusterRole" && binding.RoleName == "cluster-admin"
                ? Fail(binding.Resource.Root.Map("roleRef"), $"{binding} binds cluster-admin to {Subjects(binding.Subjects)}")
                : Pass(binding.Resource.Root.Map("roleRef"), $"{binding} binds {binding.RoleKind} {binding.RoleName}")), BindingKinds);
        yield return ClusterCheck.Create(Info("k8s-rbac-anonymous-access", "Do not grant rights to anonymous or unauthenticated users", Severity.Critical,
            "A binding to system:anonymous or system:unauthenticated opens the API to anyone who can reach it; one to system:authenticated (or every service account) with more than discovery hands the right to every identity of the cluster.",
            "Remove the subject from the binding; grant the right to named users, groups or service accounts.",
            ["Kubescape:C-0262", "CIS-K8s-5.1.1", "NSA/CISA:rbac", "NIST-800-190-4.3.2"]), null,
            set => PerBinding(set, Anonymous), BindingKinds);
        yield return ClusterCheck.Create(Info("k8s-rbac-default-service-account-rights", "Do not grant rights to default service accounts", Severity.Medium,
            "Every pod that names no service account runs as `default`: rights bound to it reach all of them.",
            "Bind the rights to a dedicated service account and set serviceAccountName on the pods that need them.",
            ["CIS-K8s-5.1.5", "Kubescape:C-0189", "NSA/CISA:rbac", "NIST-800-190-4.3.2"]), null,
            set => PerBinding(set, DefaultServiceAccount), BindingKinds);
        foreach (var check in CheckovGraphChecks.All())
        {
            yield return check;
        }
    }

    /// <summary>Every RBAC check decides bindings (<see cref="PerBinding"/>): without one in the set there is nothing to judge.</summary>
    internal static readonly string[] BindingKinds = ["RoleBinding", "ClusterRoleBinding"];

    internal static CheckInfo Info(string id, string title, Severity severity, string description, string remediation, string[] references) =>
        new(id, title, severity) { Description = description, Remediation = remediation, References = references };

    internal static IEnumerable<(ManifestResource, CheckOutcome)> PerBinding(IReadOnlyList<ManifestResource> set, Func<RbacGraph, RbacBinding, CheckOutcome?> judge)
    {
        var graph = GraphOf(set);
        foreach (var binding in graph.Bindings)
        {
            if (judge(graph, binding) is { } outcome)
            {
                yield return (binding.Resource, outcome);
            }
        }
    }

    /// <summary>Where a rule is written, when it is in another file or document than the binding the finding points at.</summary>
    internal static string Where(PolicyRule rule) => rule.Node is { } node ? $" (rule at line {node.Line})" : string.Empty;

    internal static string Subjects(IReadOnlyList<RbacSubject> subjects) => subjects.Count == 0 ? "no subject" : string.Join(", ", subjects);

    private static CheckOutcome? Risky(RbacGraph graph, RbacBinding binding, RiskyRight right)
    {
        if (graph.RoleOf(binding) is not { } role)
        {
            return null;
        }
        var scope = binding.IsCluster ? "cluster-wide" : "in namespace " + binding.Scope;
        foreach (var grant in graph.GrantsOf(binding))
        {
            if (binding.Subjects.Count > 0 && right.GrantedBy(grant) is { } what)
            {
                return Fail(binding.Resource.Root.Map("roleRef"), $"{binding} grants {what} {scope} to {Subjects(binding.Subjects)} through {role}{Where(grant.Rule)}");
            }
        }
        return Pass(binding.Resource.Root.Map("roleRef"), $"{role} does not grant {right.Label}");
    }

    private static CheckOutcome? Anonymous(RbacGraph graph, RbacBinding binding)
    {
        var everyone = binding.Subjects.Where(s => s.IsAnonymous).ToList();
        var allSignedIn = binding.Subjects.Where(s => s.IsAllAuthenticated).ToList();
        if (everyone.Count == 0 && allSignedIn.Count == 0)
        {
            return Pass((YamlNode?)binding.Resource.Root.Seq("subjects") ?? binding.Resource.Root, "no anonymous or all-users subject");
        }
        if (graph.RoleOf(binding) is not { } role)
        {
            return null;
        }
        var grants = graph.GrantsOf(binding).ToList();
        if (everyone.Count > 0 && grants.Count > 0)
        {
            return Fail(binding.Resource.Root.Seq("subjects"), $"{binding} grants {grants[0].Rule} to {Subjects(everyone)} through {role}");
        }
        if (allSignedIn.Count > 0 && grants.FirstOrDefault(g => !IsDiscovery(g.Rule)) is { } beyond)
        {
            return Fail(binding.Resource.Root.Seq("subjects"), $"{binding} grants {beyond.Rule} to {Subjects(allSignedIn)} through {role}");
        }
        return Pass(binding.Resource.Root.Seq("subjects"), $"{role} grants no more than discovery");
    }

    /// <summary>What every signed-in user has by default: discovery URLs and questions about its own access.</summary>
    private static bool IsDiscovery(PolicyRule rule) =>
        (rule.Resources.Count == 0 && rule.Verbs.All(v => v == "get") && rule.NonResourceUrls.All(u => u != "*"))
        || (rule.Verbs.All(v => v == "create") && rule.Resources.Count > 0
            && rule.Resources.All(r => r is "selfsubjectaccessreviews" or "selfsubjectrulesreviews" or "selfsubjectreviews"));

    private static CheckOutcome? DefaultServiceAccount(RbacGraph graph, RbacBinding binding)
    {
        // The default account is named, or reached through its user name or a group every service account of a
        // namespace is in: the token controller creates `default` in every namespace, so such a group always holds one.
        var defaults = binding.Subjects.Where(s => s.IsDefaultServiceAccount || (s.Kind == "User" && ServiceAccountGroups.ReachesDefaultAccounts(s))).ToList();
        var groups = binding.Subjects.Where(ServiceAccountGroups.IsServiceAccountGroup).ToList();
        if (defaults.Count == 0 && groups.Count == 0)
        {
            return Pass((YamlNode?)binding.Resource.Root.Seq("subjects") ?? binding.Resource.Root, "no default service account bound");
        }
        if (graph.RoleOf(binding) is not { } role)
        {
            return null;
        }
        var grants = graph.GrantsOf(binding).ToList();
        if (defaults.Count > 0 && grants.FirstOrDefault() is { } grant)
        {
            return Fail(binding.Resource.Root.Seq("subjects"), $"{binding} grants {grant.Rule} to {Subjects(defaults)} through {role}");
        }
        // Through a group, discovery does not count: Kubernetes already grants it to every signed-in identity
        // (system:discovery, system:basic-user), so a binding that repeats it gives the default accounts nothing.
        if (groups.Count > 0 && grants.FirstOrDefault(g => !IsDiscovery(g.Rule)) is { } beyond)
        {
            return Fail(binding.Resource.Root.Seq("subjects"), $"{binding} grants {beyond.Rule} to the default service account of {DefaultsIn(groups)} through {role}");
        }
        return Pass(binding.Resource.Root.Seq("subjects"), grants.Count == 0 ? $"{role} grants nothing" : $"{role} grants no more than discovery to {Subjects(groups)}");
    }

    /// <summary>Which namespaces' default accounts the groups hold, in words.</summary>
    private static string DefaultsIn(List<RbacSubject> groups) =>
        groups.Any(g => !g.Name.StartsWith(ServiceAccountGroups.NamespaceGroupPrefix, StringComparison.Ordinal))
            ? $"every namespace ({Subjects(groups)})"
            : string.Join(", ", groups.Select(g => $"namespace {g.Name[ServiceAccountGroups.NamespaceGroupPrefix.Length..]}")) + $" ({Subjects(groups)})";
}
