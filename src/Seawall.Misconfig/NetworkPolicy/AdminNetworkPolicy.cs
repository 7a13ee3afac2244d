using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>What an AdminNetworkPolicy rule does with the traffic it matches.</summary>
public enum AdminAction
{
    Allow,
    Deny,

    /// <summary>Hands the traffic down to NetworkPolicy (and, where none isolates the pod, the baseline policy).</summary>
    Pass,
}

/// <summary>
/// A subject or peer of an (Baseline)AdminNetworkPolicy: <c>namespaces</c> (a namespace selector) or <c>pods</c>
/// (namespace and pod selectors). Egress peers may also be <c>networks</c> (CIDRs); <c>nodes</c> peers are not
/// modelled (nodes are no workloads of the input) and match nothing.
/// </summary>
public sealed record AdminPeer(LabelSelector? Namespaces, LabelSelector? Pods, IReadOnlyList<IpBlock> Networks)
{
    public bool Selects(NetworkModel model, NetpolWorkload workload) =>
        !workload.IsIngressController && Namespaces is { } namespaces && namespaces.Matches(model.NamespaceLabels(workload.Namespace))
        && (Pods?.Matches(workload.Labels) ?? true);

    public bool Covers(IpRange range) => Networks.Any(n => n.Covers(range));

    /// <summary>A subject or peer item: null when it names nothing this model reads (nodes, or an unknown shape).</summary>
    internal static AdminPeer? From(YamlMapping item)
    {
        if (item["namespaces"] is YamlMapping namespaces)
        {
            return new AdminPeer(LabelSelector.From(namespaces), null, []);
        }
        if (item["pods"] is YamlMapping pods)
        {
            return new AdminPeer(LabelSelector.From(pods.Map("namespaceSelector")), LabelSelector.From(pods.Map("podSelector")), []);
        }
        if (item.Seq("networks") is { } networks)
        {
            return new AdminPeer(null, null, [.. networks.Items.OfType<YamlScalar>().Select(n => IpRange.FromCidr(n.Value)).OfType<IpRange>().Select(r => new IpBlock(r, []))]);
        }
        return null;
    }
}

/// <summary>One ingress or egress rule: action, peers and ports (null ports: every port).</summary>
public sealed record AdminRule(int Index, string Name, AdminAction Action, IReadOnlyList<AdminPeer> Peers, PolicyRule Ports);

/// <summary>
/// A policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy (cluster-wide, ordered by priority: a lower number wins) or
/// the BaselineAdminNetworkPolicy (<see cref="Baseline"/>: consulted only where no NetworkPolicy isolates the pod).
/// </summary>
public sealed record AdminPolicy(string Name, bool Baseline, int Priority, AdminPeer Subject, IReadOnlyList<AdminRule> Ingress, IReadOnlyList<AdminRule> Egress,
    ManifestResource Resource)
{
    public string Kind => Baseline ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy";

    public static AdminPolicy? From(ManifestResource resource)
    {
        var baseline = resource.Kind == "BaselineAdminNetworkPolicy";
        if (resource.Kind is not ("AdminNetworkPolicy" or "BaselineAdminNetworkPolicy") || resource.Root.Map("spec") is not { } spec
            || spec.Map("subject") is not { } subjectNode || AdminPeer.From(subjectNode) is not { Networks.Count: 0 } subject)
        {
            return null;
        }
        return new AdminPolicy(resource.Name ?? string.Empty, baseline, baseline ? int.MaxValue : (int)(spec.Integer("priority") ?? 0), subject,
            Rules(spec.Seq("ingress"), "from"), Rules(spec.Seq("egress"), "to"), resource);
    }

    private static List<AdminRule> Rules(YamlSequence? rules, string peersKey)
    {
        var result = new List<AdminRule>();
        foreach (var (node, index) in (rules?.Items ?? []).Select((r, i) => (r, i)))
        {
            if (node is not YamlMapping rule || rule.Text("action") is not { } actionText || !Enum.TryParse<AdminAction>(actionText, ignoreCase: false, out var action))
            {
                continue; // an action the API server would refuse: the rule matches nothing
            }
            var peers = (rule.Seq(peersKey)?.Items ?? []).OfType<YamlMapping>().Select(AdminPeer.From).OfType<AdminPeer>().ToList();
            var ports = rule.Seq("ports")?.Items.OfType<YamlMapping>().SelectMany(Ports).ToList();
            result.Add(new AdminRule(index, rule.Text("name") ?? string.Empty, action, peers, new PolicyRule(index, null, ports is { Count: > 0 } ? ports : null, rule)));
        }
        return result;
    }

    /// <summary>portNumber and portRange as they read; a namedPort names a container port of any protocol.</summary>
    private static IEnumerable<PolicyPort> Ports(YamlMapping item)
    {
        if (item.Map("portNumber") is { } number && ConnectionSet.ParseProtocol(number.Text("protocol") ?? "TCP") is { } protocol && number.Integer("port") is { } port)
        {
            yield return new PolicyPort(protocol, (int)port, null, null);
        }
        else if (item.Map("portRange") is { } range && ConnectionSet.ParseProtocol(range.Text("protocol") ?? "TCP") is { } rangeProtocol
            && range.Integer("start") is { } start && range.Integer("end") is { } end)
        {
            yield return new PolicyPort(rangeProtocol, (int)start, (int)end, null);
        }
        else if (item.Text("namedPort") is { } name)
        {
            foreach (var any in new[] { Protocol.Tcp, Protocol.Udp, Protocol.Sctp })
            {
                yield return new PolicyPort(any, null, null, name);
            }
        }
    }
}
