using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Rbac;

/// <summary>
/// A Role or ClusterRole: its own rules, its labels (what aggregation selects on) and, for an aggregated
/// ClusterRole, its clusterRoleSelectors. <see cref="Resource"/> is null for a built-in role not in the input.
/// </summary>
public sealed record RbacRole(string Kind, string Name, string? Namespace, IReadOnlyList<PolicyRule> Rules, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<LabelSelector>? AggregationSelectors, ManifestResource? Resource)
{
    public bool IsCluster => Kind == "ClusterRole";

    public bool BuiltIn => Resource is null;

    public static RbacRole From(ManifestResource resource)
    {
        var root = resource.Root;
        var labels = resource.Metadata?.Map("labels")?.Entries
            .Where(e => e.Value is YamlScalar)
            .GroupBy(e => e.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ((YamlScalar)g.Last().Value).Value, StringComparer.Ordinal) ?? [];
        IReadOnlyList<LabelSelector>? selectors = root.Map("aggregationRule") is { } aggregation
            ? [.. aggregation.Seq("clusterRoleSelectors")?.Items.OfType<YamlMapping>().Select(LabelSelector.From) ?? []]
            : null;
        return new RbacRole(resource.Kind, resource.Name ?? string.Empty, resource.Kind == "Role" ? resource.NamespaceOrDefault : null,
            [.. root.Seq("rules")?.Items.OfType<YamlMapping>().Select(PolicyRule.From) ?? []], labels, selectors, resource);
    }

    public override string ToString() => IsCluster ? $"ClusterRole {Name}{(BuiltIn ? " (built-in)" : string.Empty)}" : $"Role {Namespace}/{Name}";
}

/// <summary>A Kubernetes label selector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), all ANDed.</summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<(string Key, string Operator, IReadOnlyList<string> Values)> Expressions)
{
    public static LabelSelector From(YamlMapping node)
    {
        var labels = node.Map("matchLabels")?.Entries.Where(e => e.Value is YamlScalar)
            .GroupBy(e => e.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ((YamlScalar)g.Last().Value).Value, StringComparer.Ordinal) ?? [];
        var expressions = node.Seq("matchExpressions")?.Items.OfType<YamlMapping>()
            .Select(e => (e.Text("key") ?? string.Empty, e.Text("operator") ?? string.Empty,
                (IReadOnlyList<string>)[.. e.Seq("values")?.Items.OfType<YamlScalar>().Select(v => v.Value) ?? []]))
            .ToList() ?? [];
        return new LabelSelector(labels, expressions);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchLabels.All(m => labels.TryGetValue(m.Key, out var v) && v == m.Value)
        && Expressions.All(e => e.Operator switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => false, // an unknown operator selects nothing, as the API server rejects it
        });
}
