using System.Globalization;
using System.Text;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>One side of a query: a namespace and either labels (<c>app=web,tier=front</c>), a workload name
/// (<c>web</c> or <c>web[Deployment]</c>), or an external IPv4 or IPv6 address (<c>2001:db8::1</c> or <c>[2001:db8::1]</c>).</summary>
public sealed record QueryEndpoint(string? Namespace, LabelSelector? Labels, string? Workload, string? WorkloadKind, IpRange? Address)
{
    public static QueryEndpoint Parse(string text)
    {
        text = text.Trim();
        var bare = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        if (!bare.Contains('/', StringComparison.Ordinal) && IpRange.FromCidr(bare) is { } address)
        {
            return new QueryEndpoint(null, null, null, null, address);
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
        {
            throw new FormatException($"'{text}': expected NAMESPACE/LABEL=VALUE[,...], NAMESPACE/NAME[Kind] or an IPv4 or IPv6 address");
        }
        var ns = text[..slash];
        var rest = text[(slash + 1)..];
        if (rest.Contains('=', StringComparison.Ordinal))
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in rest.Split(','))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new FormatException($"'{pair}': expected LABEL=VALUE");
                }
                labels[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
            return new QueryEndpoint(ns, new LabelSelector(labels, []), null, null, null);
        }
        var bracket = rest.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 && rest.EndsWith(']')
            ? new QueryEndpoint(ns, null, rest[..bracket], rest[(bracket + 1)..^1], null)
            : new QueryEndpoint(ns, null, rest, null, null);
    }

    public bool Matches(NetpolWorkload workload) =>
        workload.Namespace == Namespace
        && (Labels?.Matches(workload.Labels) ?? true)
        && (Workload is null || workload.WorkloadName == Workload)
        && (WorkloadKind is null || workload.Kind == WorkloadKind);
}

/// <summary>
/// <c>--netpol-query "ns-a/app=web -> ns-b/app=db:5432/TCP"</c>: is the connection allowed, and by which policies
/// on the egress and the ingress side. Without a port, the answer is every connection allowed between the two.
/// </summary>
public sealed record NetpolQuery(QueryEndpoint Source, QueryEndpoint Destination, Protocol Protocol, int? Port)
{
    public static NetpolQuery Parse(string text)
    {
        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0)
        {
            throw new FormatException("expected \"SOURCE -> DESTINATION[:PORT[/TCP|UDP|SCTP]]\", e.g. \"shop/app=web -> shop/app=db:5432\"");
        }
        var destination = text[(arrow + 2)..].Trim();
        var protocol = Protocol.Tcp;
        int? port = null;
        // An IPv6 destination takes a port only in brackets ("[2001:db8::1]:443", as in a URL): its own colons would
        // read as one. A bare IPv6 address is the whole destination.
        var colon = destination.StartsWith('[') ? destination.IndexOf("]:", StringComparison.Ordinal) is var end and > 0 ? end + 1 : -1
            : IsIPv6Address(destination) ? -1 : destination.LastIndexOf(':');
        if (colon > 0)
        {
            var portText = destination[(colon + 1)..];
            destination = destination[..colon];
            var protoSlash = portText.IndexOf('/', StringComparison.Ordinal);
            if (protoSlash >= 0)
            {
                protocol = ConnectionSet.ParseProtocol(portText[(protoSlash + 1)..]) ?? throw new FormatException($"'{portText[(protoSlash + 1)..]}': protocol must be TCP, UDP or SCTP");
                portText = portText[..protoSlash];
            }
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new FormatException($"'{portText}': port must be 1-65535");
            }
            port = number;
        }
        return new NetpolQuery(QueryEndpoint.Parse(text[..arrow]), QueryEndpoint.Parse(destination), protocol, port);
    }

    private static bool IsIPv6Address(string text) => !text.Contains('/', StringComparison.Ordinal) && IpRange.FromCidr(text) is { IsIPv6: true };

    /// <summary>One line per (source, destination) pair: ALLOWED or DENIED, then the egress and the ingress side.</summary>
    public string Answer(ReachabilityAnalyzer analyzer)
    {
        var workloads = analyzer.Model.Workloads;
        var sources = Source.Address is null ? workloads.Where(Source.Matches).ToList() : [];
        var destinations = Destination.Address is null ? workloads.Where(Destination.Matches).ToList() : [];
        var text = new StringBuilder();
        if (Source.Address is null && sources.Count == 0 || Destination.Address is null && destinations.Count == 0)
        {
            text.Append("no workload matches ").Append(sources.Count == 0 && Source.Address is null ? "the source" : "the destination").Append(": nothing to answer\n");
            return text.ToString();
        }
        var wanted = Port is { } p ? ConnectionSet.Ports(Protocol, p, p) : ConnectionSet.All;
        var what = Port is { } port ? $"{ConnectionSet.Name(Protocol)} {port}" : "any port";
        IEnumerable<(NetpolWorkload? Src, NetpolWorkload? Dst)> pairs = Source.Address is not null
            ? destinations.Select(d => ((NetpolWorkload?)null, (NetpolWorkload?)d))
            : Destination.Address is not null ? sources.Select(s => ((NetpolWorkload?)s, (NetpolWorkload?)null))
            : sources.SelectMany(s => destinations.Where(d => !ReferenceEquals(s, d)).Select(d => ((NetpolWorkload?)s, (NetpolWorkload?)d)));
        foreach (var (src, dst) in pairs)
        {
            var egress = src is null ? new SideDecision(ConnectionSet.All, [], []) : analyzer.Egress(src, dst, dst is null ? Destination.Address : null);
            var ingress = dst is null ? new SideDecision(ConnectionSet.All, [], []) : analyzer.Ingress(src, src is null ? Source.Address : null, dst);
            var allowed = egress.Allowed.Intersect(ingress.Allowed).Intersect(wanted);
            var srcName = src?.Name ?? Source.Address!.Value.FirstText;
            var dstName = dst?.Name ?? Destination.Address!.Value.FirstText;
            text.Append(allowed.IsEmpty ? "DENIED  " : "ALLOWED ").Append(srcName).Append(" -> ").Append(dstName).Append(' ').Append(what);
            if (!allowed.IsEmpty && Port is null)
            {
                text.Append(" (").Append(allowed).Append(')');
            }
            text.Append('\n');
            text.Append("  egress:  ").Append(Explain(egress, "Egress", src, wanted)).Append('\n');
            text.Append("  ingress: ").Append(Explain(ingress, "Ingress", dst, wanted)).Append('\n');
        }
        return text.ToString();
    }

    private static string Explain(SideDecision side, string direction, NetpolWorkload? selected, ConnectionSet wanted)
    {
        if (selected is null)
        {
            return "external address: not restricted by NetworkPolicy";
        }
        if (!side.Isolated)
        {
            return $"allowed: no NetworkPolicy selects {selected.Name} for {direction}";
        }
        if (side.AdminSelected)
        {
            // The admin tiers decide around NetworkPolicy: name the verdict and the NetworkPolicies that took part.
            var nps = side.Selecting.Count > 0 ? $" (NetworkPolicies: {string.Join(", ", side.Selecting.Select(p => p.Name).Distinct(StringComparer.Ordinal))})" : string.Empty;
            return $"{(side.Allowed.Intersect(wanted).IsEmpty ? "denied" : "allowed")} by the AdminNetworkPolicy, NetworkPolicy and BaselineAdminNetworkPolicy tiers{nps}: {side.Allowed}";
        }
        var matching = side.Matches.Where(m => !m.Conn.Intersect(wanted).IsEmpty)
            .Select(m => $"{m.Policy.Name} {direction.ToLowerInvariant()} rule #{m.Rule.Index + 1} ({m.Conn})").Distinct(StringComparer.Ordinal).ToList();
        return matching.Count > 0
            ? "allowed by " + string.Join(", ", matching)
            : $"denied: selected by {string.Join(", ", side.Selecting.Select(p => p.Name).Distinct(StringComparer.Ordinal))}, and no rule allows it";
    }
}
