using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>One matchExpressions term: key, operator (In, NotIn, Exists, DoesNotExist) and values.</summary>
public sealed record SelectorRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels) => Operator switch
    {
        "In" => labels.TryGetValue(Key, out var v) && Values.Contains(v, StringComparer.Ordinal),
        "NotIn" => !labels.TryGetValue(Key, out var v) || !Values.Contains(v, StringComparer.Ordinal),
        "Exists" => labels.ContainsKey(Key),
        "DoesNotExist" => !labels.ContainsKey(Key),
        _ => false, // an operator the API server would reject selects nothing
    };

    public override string ToString() => Operator switch
    {
        "Exists" => Key,
        "DoesNotExist" => "!" + Key,
        _ => $"{Key} {Operator.ToLowerInvariant()} ({string.Join(",", Values)})",
    };
}

/// <summary>
/// A Kubernetes label selector: every matchLabels pair and every matchExpressions term must hold. An empty
/// selector selects everything.
/// </summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<SelectorRequirement> Expressions)
{
    public static LabelSelector Everything { get; } = new(new Dictionary<string, string>(), []);

    public bool IsEmpty => MatchLabels.Count == 0 && Expressions.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchLabels.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value)
        && Expressions.All(e => e.Matches(labels));

    public static LabelSelector From(YamlMapping? node)
    {
        if (node is null)
        {
            return Everything;
        }
        var expressions = node.Seq("matchExpressions")?.Items.OfType<YamlMapping>()
            .Select(e => new SelectorRequirement(
                e.Text("key") ?? string.Empty,
                e.Text("operator") ?? string.Empty,
                [.. e.Seq("values")?.Items.OfType<YamlScalar>().Select(v => v.Value) ?? []]))
            .ToList() ?? [];
        return new LabelSelector(Labels(node.Map("matchLabels")), expressions);
    }

    /// <summary>A labels mapping as strings (YAML may spell a value as a number or a bool; the API has only strings).</summary>
    public static Dictionary<string, string> Labels(YamlMapping? node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in node?.Entries ?? [])
        {
            if (entry.Value is YamlScalar scalar)
            {
                labels[entry.Key] = scalar.IsNull ? string.Empty : scalar.Value;
            }
        }
        return labels;
    }

    public override string ToString() =>
        IsEmpty ? "{}" : string.Join(",", MatchLabels.Select(p => $"{p.Key}={p.Value}").Concat(Expressions.Select(e => e.ToString())));
}
