using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>A container port a named policy port can resolve to.</summary>
public sealed record ContainerPort(string? Name, int Port, Protocol Protocol);

/// <summary>
/// One peer of the reachability graph: a workload as netpol-analyzer names it (<c>ns/name[Kind]</c>, pods grouped by
/// their controller owner), or the <c>{ingress-controller}</c> pseudo-pod.
/// </summary>
public sealed record NetpolWorkload(string Namespace, string WorkloadName, string Kind, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<ContainerPort> Ports, ManifestResource? Resource)
{
    public const string IngressControllerName = "{ingress-controller}";
    public const string IngressControllerNamespace = "ingress-controller-ns";

    public bool IsIngressController => Resource is null && Kind.Length == 0;

    public string Name => IsIngressController ? IngressControllerName : $"{Namespace}/{WorkloadName}[{Kind}]";

    /// <summary>The pseudo-pod standing for the cluster's ingress controller: no labels, its own namespace.</summary>
    public static NetpolWorkload IngressController { get; } =
        new(IngressControllerNamespace, IngressControllerName, string.Empty, new Dictionary<string, string>(), [], null);

    /// <summary>The destination ports a named policy port stands for on this workload (name and protocol both match).</summary>
    public ConnectionSet ResolveNamedPort(string name, Protocol protocol)
    {
        var result = ConnectionSet.None;
        foreach (var port in Ports)
        {
            if (port.Protocol == protocol && string.Equals(port.Name, name, StringComparison.Ordinal))
            {
                result = result.Union(ConnectionSet.Ports(protocol, port.Port, port.Port));
            }
        }
        return result;
    }
}

/// <summary>A policy peer (<c>from</c>/<c>to</c> item): pod and namespace selectors, or an ipBlock.</summary>
public sealed record PolicyPeer(LabelSelector? PodSelector, LabelSelector? NamespaceSelector, IpBlock? IpBlock);

/// <summary>One port item of a rule: protocol, a number (with endPort) or a name, or no port at all (every port).</summary>
public sealed record PolicyPort(Protocol Protocol, int? Port, int? EndPort, string? NamedPort)
{
    public ConnectionSet On(NetpolWorkload? destination)
    {
        if (NamedPort is { } name)
        {
            // A name resolves only against a pod; towards an IP range it means nothing.
            return destination?.ResolveNamedPort(name, Protocol) ?? ConnectionSet.None;
        }
        if (Port is not { } port)
        {
            return ConnectionSet.AllOf(Protocol);
        }
        return ConnectionSet.Ports(Protocol, port, EndPort is { } end && end >= port ? end : port);
    }

    public override string ToString() => $"{ConnectionSet.Name(Protocol)} {NamedPort ?? (Port is { } p ? EndPort is { } e ? $"{p}-{e}" : $"{p}" : "*")}";
}

/// <summary>An ingress or egress rule. Null peers or ports mean "any" (a missing or empty list in the manifest).</summary>
public sealed record PolicyRule(int Index, IReadOnlyList<PolicyPeer>? Peers, IReadOnlyList<PolicyPort>? Ports, YamlNode Node)
{
    public ConnectionSet ConnectionsTo(NetpolWorkload? destination)
    {
        if (Ports is null)
        {
            return ConnectionSet.All;
        }
        var result = ConnectionSet.None;
        foreach (var port in Ports)
        {
            result = result.Union(port.On(destination));
        }
        return result;
    }
}

/// <summary>A parsed networking.k8s.io/v1 NetworkPolicy with Kubernetes' policyTypes defaults applied.</summary>
public sealed record NetpolPolicy(string Namespace, string PolicyName, LabelSelector PodSelector, bool AffectsIngress, bool AffectsEgress,
    IReadOnlyList<PolicyRule> Ingress, IReadOnlyList<PolicyRule> Egress, ManifestResource Resource)
{
    public string Name => $"{Namespace}/{PolicyName}";

    public bool Selects(NetpolWorkload workload) =>
        !workload.IsIngressController && workload.Namespace == Namespace && PodSelector.Matches(workload.Labels);
}

/// <summary>A namespace and its labels (kubernetes.io/metadata.name always among them).</summary>
public sealed record NetpolNamespace(string Name, IReadOnlyDictionary<string, string> Labels, ManifestResource? Resource);

/// <summary>An Ingress or Route target: the workloads a Service selects and the target ports the object exposes.</summary>
public sealed record ExposedBackend(NetpolWorkload Workload, ConnectionSet Ports, ManifestResource Via);
