namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>One allowed connection of the connlist: source, destination and what is allowed between them.</summary>
public sealed record AllowedConnection(string Src, string Dst, ConnectionSet Conn);

/// <summary>A policy rule that allowed part of a connection, for explanations.</summary>
public sealed record RuleMatch(NetpolPolicy Policy, string Direction, PolicyRule Rule, ConnectionSet Conn);

/// <summary>
/// What one side (the source's egress or the destination's ingress) allows: everything when no policy selects the
/// pod for that direction, otherwise the union of the matching rules of the policies that select it.
/// </summary>
public sealed record SideDecision(ConnectionSet Allowed, IReadOnlyList<NetpolPolicy> Selecting, IReadOnlyList<RuleMatch> Matches)
{
    /// <summary>An (Baseline)AdminNetworkPolicy selects the pod: <see cref="Allowed"/> includes its verdict.</summary>
    public bool AdminSelected { get; init; }

    /// <summary>Something other than the default allow decides this side: a NetworkPolicy or an admin policy selects the pod.</summary>
    public bool Isolated => Selecting.Count > 0 || AdminSelected;
}

/// <summary>
/// NetworkPolicy reachability between the workloads of a <see cref="NetworkModel"/>, with netpol-analyzer's
/// semantics: ipBlocks match only external ranges, a side no policy selects allows everything, and a connection is
/// the intersection of the source's egress and the destination's ingress.
/// </summary>
public sealed class ReachabilityAnalyzer(NetworkModel model)
{
    public NetworkModel Model { get; } = model;

    // Keyed by identity: workload records hold their manifest, whose structural equality is not meant for keys.
    private readonly Dictionary<NetpolWorkload, List<NetpolPolicy>> ingressSelecting = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<NetpolWorkload, List<NetpolPolicy>> egressSelecting = new(ReferenceEqualityComparer.Instance);

    private IReadOnlyList<IpRange>? sourceRanges;
    private IReadOnlyList<IpRange>? destinationRanges;

    /// <summary>External ranges as sources: the IPv4 space cut at every ingress-rule ipBlock boundary.</summary>
    // Lazy: a check that decides without them (no policy selects the workload) must not pay for them per scan.
    public IReadOnlyList<IpRange> SourceRanges => sourceRanges ??= IpBlock.Partition(Blocks(Model, ingress: true));

    /// <summary>External ranges as destinations: cut at every egress-rule ipBlock boundary.</summary>
    public IReadOnlyList<IpRange> DestinationRanges => destinationRanges ??= IpBlock.Partition(Blocks(Model, ingress: false));

    private static IEnumerable<IpRange> Blocks(NetworkModel model, bool ingress) =>
        model.Policies.SelectMany(p => ingress ? p.Ingress : p.Egress)
            .SelectMany(r => r.Peers ?? [])
            .SelectMany(p => p.IpBlock?.Boundaries ?? [])
            .Concat(model.AdminPolicies.Append(model.Baseline).OfType<AdminPolicy>()
                .SelectMany(p => ingress ? p.Ingress : p.Egress)
                .SelectMany(r => r.Peers)
                .SelectMany(p => p.Networks.SelectMany(n => n.Boundaries)));

    /// <summary>The connlist: every ordered pair with an allowed connection, sorted as netpol-analyzer sorts it.</summary>
    public IReadOnlyList<AllowedConnection> Analyze()
    {
        var result = new List<AllowedConnection>();
        var workloads = Model.Workloads;
        foreach (var src in workloads)
        {
            foreach (var dst in workloads)
            {
                if (ReferenceEquals(src, dst))
                {
                    continue;
                }
                var conn = Between(src, dst);
                if (!conn.IsEmpty)
                {
                    result.Add(new AllowedConnection(src.Name, dst.Name, conn));
                }
            }
            foreach (var range in DestinationRanges)
            {
                var conn = Egress(src, null, range).Allowed;
                if (!conn.IsEmpty)
                {
                    result.Add(new AllowedConnection(src.Name, range.Name, conn));
                }
            }
        }
        foreach (var dst in workloads)
        {
            foreach (var range in SourceRanges)
            {
                var conn = Ingress(null, range, dst).Allowed;
                if (!conn.IsEmpty)
                {
                    result.Add(new AllowedConnection(range.Name, dst.Name, conn));
                }
            }
        }
        // The ingress controller reaches what Ingress/Route objects expose, as far as the destination's policies let it.
        // (Grouped by name: workload records hold their manifest, whose record equality is not meant for keys.)
        foreach (var group in Model.Exposed.GroupBy(e => e.Workload.Name, StringComparer.Ordinal))
        {
            var exposed = group.Aggregate(ConnectionSet.None, (acc, e) => acc.Union(e.Ports));
            var conn = exposed.Intersect(Ingress(NetpolWorkload.IngressController, null, group.First().Workload).Allowed);
            if (!conn.IsEmpty)
            {
                result.Add(new AllowedConnection(NetpolWorkload.IngressControllerName, group.Key, conn));
            }
        }
        result.Sort((a, b) =>
        {
            var bySrc = string.CompareOrdinal(a.Src, b.Src);
            return bySrc != 0 ? bySrc : string.CompareOrdinal(a.Dst, b.Dst);
        });
        return result;
    }

    public ConnectionSet Between(NetpolWorkload src, NetpolWorkload dst) =>
        Egress(src, dst, null).Allowed.Intersect(Ingress(src, null, dst).Allowed);

    /// <summary>What <paramref name="src"/>'s egress policies allow towards a workload or an external range.</summary>
    public SideDecision Egress(NetpolWorkload src, NetpolWorkload? dst, IpRange? range)
    {
        if (src.IsIngressController)
        {
            return new SideDecision(ConnectionSet.All, [], []);
        }
        return WithAdminPolicies(src, ingress: false, dst, range, dst, Decide(src, p => p.AffectsEgress, p => p.Egress, "Egress", dst, range, dst));
    }

    /// <summary>What <paramref name="dst"/>'s ingress policies allow from a workload or an external range.</summary>
    public SideDecision Ingress(NetpolWorkload? src, IpRange? range, NetpolWorkload dst) =>
        WithAdminPolicies(dst, ingress: true, src, range, dst, Decide(dst, p => p.AffectsIngress, p => p.Ingress, "Ingress", src, range, dst));

    /// <summary>
    /// The admin tiers around NetworkPolicy's verdict, as the AdminNetworkPolicy API orders them: the admin policies
    /// that select the pod, by priority and each rule in order, decide first (Allow and Deny for good; Pass hands the
    /// traffic down, and no later admin rule sees it); what they leave or pass is NetworkPolicy's, and where no
    /// NetworkPolicy isolates the pod, the baseline policy's rules in order, then the default allow.
    /// </summary>
    private SideDecision WithAdminPolicies(NetpolWorkload selected, bool ingress, NetpolWorkload? peer, IpRange? range, NetpolWorkload? portOwner, SideDecision networkPolicy)
    {
        if (Model.AdminPolicies.Count == 0 && Model.Baseline is null || selected.IsIngressController)
        {
            return networkPolicy;
        }
        var undecided = ConnectionSet.All;
        var allowed = ConnectionSet.None;
        var passed = ConnectionSet.None;
        var adminSelected = false;
        foreach (var policy in Model.AdminPolicies)
        {
            if (!policy.Subject.Selects(Model, selected))
            {
                continue;
            }
            adminSelected = true;
            foreach (var (action, conn) in Matching(policy, ingress, peer, range, portOwner))
            {
                var taken = conn.Intersect(undecided);
                allowed = action == AdminAction.Allow ? allowed.Union(taken) : allowed;
                passed = action == AdminAction.Pass ? passed.Union(taken) : passed;
                undecided = undecided.Subtract(conn);
            }
        }
        var below = networkPolicy.Allowed;
        if (!networkPolicy.Isolated && Model.Baseline is { } baseline && baseline.Subject.Selects(Model, selected))
        {
            adminSelected = true;
            var open = ConnectionSet.All;
            below = ConnectionSet.None;
            foreach (var (action, conn) in Matching(baseline, ingress, peer, range, portOwner))
            {
                below = action == AdminAction.Allow ? below.Union(conn.Intersect(open)) : below;
                open = open.Subtract(conn);
            }
            below = below.Union(open); // what no baseline rule matched: the default allow
        }
        if (!adminSelected)
        {
            return networkPolicy;
        }
        return networkPolicy with { Allowed = allowed.Union(passed.Union(undecided).Intersect(below)), AdminSelected = true };
    }

    /// <summary>The rules of <paramref name="policy"/> that match the peer, in order, with the connections each names.</summary>
    private IEnumerable<(AdminAction Action, ConnectionSet Conn)> Matching(AdminPolicy policy, bool ingress, NetpolWorkload? peer, IpRange? range, NetpolWorkload? portOwner)
    {
        foreach (var rule in ingress ? policy.Ingress : policy.Egress)
        {
            var matches = range is { } r ? rule.Peers.Any(p => p.Covers(r)) : peer is not null && rule.Peers.Any(p => p.Selects(Model, peer));
            if (matches)
            {
                yield return (rule.Action, rule.Ports.ConnectionsTo(portOwner));
            }
        }
    }

    private SideDecision Decide(NetpolWorkload selected, Func<NetpolPolicy, bool> affects, Func<NetpolPolicy, IReadOnlyList<PolicyRule>> rules,
        string direction, NetpolWorkload? peer, IpRange? range, NetpolWorkload? portOwner)
    {
        // Which policies select a workload does not depend on the peer: computed once per workload and direction.
        var cache = direction == "Ingress" ? ingressSelecting : egressSelecting;
        if (!cache.TryGetValue(selected, out var selecting))
        {
            cache[selected] = selecting = [.. Model.Policies.Where(p => affects(p) && p.Selects(selected))];
        }
        if (selecting.Count == 0)
        {
            return new SideDecision(ConnectionSet.All, [], []);
        }
        var allowed = ConnectionSet.None;
        var matches = new List<RuleMatch>();
        foreach (var policy in selecting)
        {
            foreach (var rule in rules(policy))
            {
                if (!RuleAdmits(policy, rule, peer, range))
                {
                    continue;
                }
                var conn = rule.ConnectionsTo(portOwner);
                if (!conn.IsEmpty)
                {
                    allowed = allowed.Union(conn);
                    matches.Add(new RuleMatch(policy, direction, rule, conn));
                }
            }
        }
        return new SideDecision(allowed, selecting, matches);
    }

    private bool RuleAdmits(NetpolPolicy policy, PolicyRule rule, NetpolWorkload? peer, IpRange? range)
    {
        if (rule.Peers is null)
        {
            return true; // no from/to: every peer, external addresses included
        }
        foreach (var item in rule.Peers)
        {
            if (range is { } r)
            {
                if (item.IpBlock?.Covers(r) == true)
                {
                    return true;
                }
            }
            else if (peer is not null && item.IpBlock is null && PeerSelects(policy, item, peer))
            {
                return true;
            }
        }
        return false;
    }

    private bool PeerSelects(NetpolPolicy policy, PolicyPeer item, NetpolWorkload peer)
    {
        if (item.NamespaceSelector is { } namespaces)
        {
            if (!namespaces.Matches(Model.NamespaceLabels(peer.Namespace)))
            {
                return false;
            }
        }
        else if (peer.Namespace != policy.Namespace)
        {
            return false; // a podSelector alone means the policy's own namespace
        }
        return item.PodSelector?.Matches(peer.Labels) ?? true;
    }
}
