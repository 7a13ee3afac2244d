using System.Globalization;
using Seawall.Core.Model;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Rbac;

/// <summary>Builds the report's `rbac` section: risky rights per subject, and a query's answer.</summary>
public static class RbacReport
{
    /// <summary>Null when the input has no RBAC object and no query was asked: other reports stay as they were.</summary>
    public static RbacSummary? Summarize(IReadOnlyList<ManifestResource> set, RbacQuery? query)
    {
        var graph = RbacChecks.GraphOf(set);
        if (graph.Bindings.Count == 0 && graph.InputRoles.Count == 0 && query is null)
        {
            return null;
        }
        var rights = new Dictionary<RbacSubject, List<RbacRight>>();
        foreach (var binding in graph.Bindings)
        {
            if (graph.RoleOf(binding) is not { } role)
            {
                continue;
            }
            var found = new List<RbacRight>();
            if (binding.RoleKind == "ClusterRole" && binding.RoleName == "cluster-admin")
            {
                found.Add(Right("k8s-rbac-cluster-admin-binding", "cluster-admin", binding, role));
            }
            foreach (var right in RiskyRight.All)
            {
                if (graph.GrantsOf(binding).Select(right.GrantedBy).FirstOrDefault(w => w is not null) is { } what)
                {
                    found.Add(Right(right.CheckId, what, binding, role));
                }
            }
            if (found.Count == 0)
            {
                continue;
            }
            foreach (var subject in binding.Subjects)
            {
                (rights.TryGetValue(subject, out var list) ? list : rights[subject] = []).AddRange(found);
            }
            // A service account of the input holds what is bound to its groups too; say through which.
            foreach (var (account, via) in graph.AccountsReachedBy(binding))
            {
                (rights.TryGetValue(account, out var list) ? list : rights[account] = []).AddRange(found.Select(r => r with { Via = via.ToString() }));
            }
        }
        return new RbacSummary
        {
            Bindings = graph.Bindings.Count,
            Roles = graph.InputRoles.Count,
            Subjects = [.. rights
                .OrderBy(r => r.Key.Kind, StringComparer.Ordinal).ThenBy(r => r.Key.Namespace, StringComparer.Ordinal).ThenBy(r => r.Key.Name, StringComparer.Ordinal)
                .Select(r => new RbacSubjectRights(r.Key.Kind, r.Key.Name, r.Key.Namespace) { Rights = r.Value })],
            Query = query is null ? null : Answer(graph, query),
        };
    }

    public static RbacQueryAnswer Answer(RbacGraph graph, RbacQuery query) =>
        new(query.Text, query.Request.Verb,
            query.Request.ApiGroup, query.Request.NonResourcePath ?? query.Request.CombinedResource, query.Scope)
        {
            Subjects = [.. graph.WhoCan(query.Request).Select(m => new RbacQueryMatch(m.Subject.Kind, m.Subject.Name, m.Subject.Namespace,
                m.Grant.Binding.ToString(), m.Grant.Role.ToString(), m.Grant.Binding.Scope ?? "cluster")
            {
                ResourceNames = m.Grant.Rule.ResourceNames,
                Location = LocationOf(m.Grant.Binding),
                Via = m.Via?.ToString(),
            })],
        };

    private static RbacRight Right(string checkId, string what, RbacBinding binding, RbacRole role) =>
        new(checkId, what, binding.Scope ?? "cluster", binding.ToString(), role.ToString()) { Location = LocationOf(binding) };

    private static Location LocationOf(RbacBinding binding) =>
        new(binding.Resource.File, binding.Resource.Root.Line, binding.Resource.Document.ToString(CultureInfo.InvariantCulture), binding.Resource.Root.Path);
}
