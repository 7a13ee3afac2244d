using System.Globalization;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>
/// The cluster as netpol-analyzer sees it from manifests: workloads, namespaces, NetworkPolicies and the
/// Ingress/Route exposure of workloads through Services.
/// </summary>
public sealed class NetworkModel
{
    public required IReadOnlyList<NetpolWorkload> Workloads { get; init; }
    public required IReadOnlyDictionary<string, NetpolNamespace> Namespaces { get; init; }
    public required IReadOnlyList<NetpolPolicy> Policies { get; init; }
    public required IReadOnlyList<ExposedBackend> Exposed { get; init; }

    /// <summary>The AdminNetworkPolicies, by priority (a lower number first); empty in most inputs.</summary>
    public IReadOnlyList<AdminPolicy> AdminPolicies { get; init; } = [];

    /// <summary>The BaselineAdminNetworkPolicy (the cluster has at most one, named default), or null.</summary>
    public AdminPolicy? Baseline { get; init; }

    /// <summary>The namespaces that hold a workload, sorted; built once for the two default-deny checks.</summary>
    public IReadOnlyList<string> WorkloadNamespaces => workloadNamespaces ??= [.. Workloads.Select(w => w.Namespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private IReadOnlyList<string>? workloadNamespaces;

    /// <summary>Nothing to analyse: no workload and no policy in the input.</summary>
    public bool IsEmpty => Workloads.Count == 0 && Policies.Count == 0;

    public IReadOnlyDictionary<string, string> NamespaceLabels(string name) =>
        Namespaces.TryGetValue(name, out var ns) ? ns.Labels : ImplicitLabels(name);

    internal static Dictionary<string, string> ImplicitLabels(string name) => new(StringComparer.Ordinal) { [MetadataName] = name };

    internal const string MetadataName = "kubernetes.io/metadata.name";

    /// <summary>Workload controllers named by their own kind; pods are grouped under their controller owner.</summary>
    private static readonly HashSet<string> ControllerKinds = new(StringComparer.Ordinal)
    {
        "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    };

    public static NetworkModel From(IEnumerable<ManifestResource> resources)
    {
        var list = resources as IReadOnlyList<ManifestResource> ?? [.. resources];
        var workloads = ReadWorkloads(list);
        var namespaces = new Dictionary<string, NetpolNamespace>(StringComparer.Ordinal);
        foreach (var resource in list.Where(r => r.Kind == "Namespace" && r.Name is not null))
        {
            var labels = LabelSelector.Labels(resource.Metadata?.Map("labels"));
            labels.TryAdd(MetadataName, resource.Name!);
            namespaces[resource.Name!] = new NetpolNamespace(resource.Name!, labels, resource);
        }
        foreach (var ns in workloads.Select(w => w.Namespace))
        {
            if (!namespaces.ContainsKey(ns))
            {
                namespaces[ns] = new NetpolNamespace(ns, ImplicitLabels(ns), null);
            }
        }
        var policies = list.Where(r => r.Kind == "NetworkPolicy").Select(ReadPolicy).OfType<NetpolPolicy>().ToList();
        // OrderBy is stable: policies of one priority keep their input order (the API leaves that order undefined).
        var admin = Checks.NeighbourIndex.Holds(list, "AdminNetworkPolicy")
            ? list.Where(r => r.Kind == "AdminNetworkPolicy").Select(AdminPolicy.From).OfType<AdminPolicy>().OrderBy(p => p.Priority).ToList() : [];
        var baseline = Checks.NeighbourIndex.Holds(list, "BaselineAdminNetworkPolicy")
            ? list.Where(r => r.Kind == "BaselineAdminNetworkPolicy").Select(AdminPolicy.From).OfType<AdminPolicy>().LastOrDefault() : null;
        return new NetworkModel
        {
            AdminPolicies = admin,
            Baseline = baseline,
            Workloads = workloads,
            Namespaces = namespaces,
            Policies = policies,
            // Only an Ingress or a Route exposes a workload; most sets have neither, and reading exposure walks every object.
            Exposed = Checks.NeighbourIndex.Holds(list, "Ingress") || Checks.NeighbourIndex.Holds(list, "Route") ? ReadExposure(list, workloads) : [],
        };
    }

    private static List<NetpolWorkload> ReadWorkloads(IReadOnlyList<ManifestResource> resources)
    {
        var byName = new Dictionary<string, NetpolWorkload>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var resource in resources)
        {
            if (resource.Kind != "Pod" && !ControllerKinds.Contains(resource.Kind) || resource.Workload is not { } workload)
            {
                continue;
            }
            var ns = resource.NamespaceOrDefault;
            var (name, kind) = resource.Kind == "Pod" ? PodOwner(resource) : (resource.Name ?? string.Empty, resource.Kind);
            var labels = workload.PodLabels;
            var ports = new List<ContainerPort>();
            foreach (var container in workload.Containers)
            {
                foreach (var item in container.Node.Seq("ports")?.Items ?? [])
                {
                    if (item is YamlMapping node && ReadContainerPort(node) is { } port)
                    {
                        ports.Add(port);
                    }
                }
            }
            var entry = new NetpolWorkload(ns, name, kind, labels, ports, resource);
            var key = entry.Name;
            if (byName.TryGetValue(key, out var existing))
            {
                // Pods of one owner are one workload: netpol-analyzer keeps the first pod's labels; ports add up.
                byName[key] = existing with { Ports = [.. existing.Ports, .. ports.Where(p => !existing.Ports.Contains(p))] };
            }
            else
            {
                byName[key] = entry;
                order.Add(key);
            }
        }
        return [.. order.Select(n => byName[n])];
    }

    /// <summary>A pod's controller owner (controller: true, not a Node); a kind-less owner prints as Pod.</summary>
    private static (string Name, string Kind) PodOwner(ManifestResource pod)
    {
        foreach (var owner in pod.Metadata?.Seq("ownerReferences")?.Items.OfType<YamlMapping>() ?? [])
        {
            if (owner.Bool("controller") == true && owner.Text("kind") != "Node" && owner.Text("name") is { } name)
            {
                return (name, owner.Text("kind") ?? "Pod");
            }
        }
        return (pod.Name ?? string.Empty, "Pod");
    }

    private static ContainerPort? ReadContainerPort(YamlMapping node) =>
        node.Integer("containerPort") is { } port && ConnectionSet.ParseProtocol(node.Text("protocol")) is { } protocol
            ? new ContainerPort(node.Text("name"), (int)Math.Clamp(port, 0, 65536), protocol)
            : null;

    /// <summary>A NetworkPolicy, or null when it has no spec to read.</summary>
    public static NetpolPolicy? ReadPolicy(ManifestResource resource)
    {
        if (resource.Root.Map("spec") is not { } spec)
        {
            return null;
        }
        var ingress = Rules(spec.Seq("ingress"), "from");
        var egress = Rules(spec.Seq("egress"), "to");
        var types = spec.Seq("policyTypes")?.Items.OfType<YamlScalar>().Select(s => s.Value).ToList();
        bool affectsIngress, affectsEgress;
        if (types is { Count: > 0 })
        {
            affectsIngress = types.Contains("Ingress", StringComparer.Ordinal);
            affectsEgress = types.Contains("Egress", StringComparer.Ordinal);
        }
        else
        {
            // Kubernetes' default: Ingress always, Egress only when the policy has egress rules.
            affectsIngress = true;
            affectsEgress = egress.Count > 0;
        }
        return new NetpolPolicy(resource.NamespaceOrDefault, resource.Name ?? string.Empty, LabelSelector.From(spec.Map("podSelector")),
            affectsIngress, affectsEgress, ingress, egress, resource);
    }

    private static List<PolicyRule> Rules(YamlSequence? rules, string peersKey)
    {
        var result = new List<PolicyRule>();
        foreach (var (rule, index) in (rules?.Items ?? []).Select((r, i) => (r, i)))
        {
            if (rule is YamlScalar { IsNull: true })
            {
                result.Add(new PolicyRule(index, null, null, rule)); // `- {}` written as a bare dash: any peer, any port
                continue;
            }
            if (rule is not YamlMapping map)
            {
                continue;
            }
            var peerItems = map.Seq(peersKey)?.Items;
            IReadOnlyList<PolicyPeer>? peers = peerItems is { Count: > 0 } ? [.. peerItems.OfType<YamlMapping>().Select(ReadPeer).OfType<PolicyPeer>()] : null;
            var portItems = map.Seq("ports")?.Items;
            IReadOnlyList<PolicyPort>? ports = portItems is { Count: > 0 } ? [.. portItems.OfType<YamlMapping>().Select(ReadPort).OfType<PolicyPort>()] : null;
            result.Add(new PolicyRule(index, peers, ports, rule));
        }
        return result;
    }

    private static PolicyPeer? ReadPeer(YamlMapping peer)
    {
        if (peer.Map("ipBlock") is { } block)
        {
            // A malformed CIDR (the API server would refuse the policy) admits nothing; CidrWarnings says so.
            return IpRange.FromCidr(block.Text("cidr")) is { } cidr
                ? new PolicyPeer(null, null, new IpBlock(cidr, [.. block.Seq("except")?.Items.OfType<YamlScalar>().Select(s => IpRange.FromCidr(s.Value)).OfType<IpRange>() ?? []]))
                : null;
        }
        var pods = peer["podSelector"] is YamlMapping podSelector ? LabelSelector.From(podSelector) : null;
        var namespaces = peer["namespaceSelector"] is YamlMapping namespaceSelector ? LabelSelector.From(namespaceSelector) : null;
        return pods is null && namespaces is null ? null : new PolicyPeer(pods, namespaces, null);
    }

    /// <summary>
    /// One warning per ipBlock CIDR that is not one (IPv4 or IPv6): the API server refuses such a policy, and the
    /// model reads the peer as admitting nothing (a bad cidr) or without that exception (a bad except entry).
    /// </summary>
    public static IReadOnlyList<string> CidrWarnings(IEnumerable<ManifestResource> resources)
    {
        var warnings = new List<string>();
        foreach (var resource in resources.Where(r => r.Kind == "NetworkPolicy"))
        {
            var spec = resource.Root.Map("spec");
            foreach (var key in new[] { ("ingress", "from"), ("egress", "to") })
            {
                foreach (var rule in spec?.Seq(key.Item1)?.Items.OfType<YamlMapping>() ?? [])
                {
                    foreach (var block in (rule.Seq(key.Item2)?.Items.OfType<YamlMapping>() ?? []).Select(p => p.Map("ipBlock")).OfType<YamlMapping>())
                    {
                        var texts = (block.Scalar("cidr") is { } cidr ? new[] { ("cidr", cidr) } : [])
                            .Concat((block.Seq("except")?.Items.OfType<YamlScalar>() ?? []).Select(e => ("except", e)));
                        foreach (var (field, scalar) in texts)
                        {
                            var where = $"{resource.File}:{scalar.Line}: NetworkPolicy {resource.NamespaceOrDefault}/{resource.Name}: ipBlock {field} \"{scalar.Value}\"";
                            if (IpRange.FromCidr(scalar.Value) is not { } range)
                            {
                                warnings.Add($"{where} is not an IPv4 or IPv6 CIDR; " + (field == "cidr" ? "the peer admits nothing" : "the exception is ignored"));
                            }
                            else if (range.MappedIPv4 is { Cidr: { } ipv4 })
                            {
                                // Kubernetes warns on these and, with strict IP validation (KEP-4858), refuses them: whether
                                // ::ffff:10.0.0.0/104 means 10.0.0.0/8 depends on the network plugin.
                                warnings.Add($"{where} is an IPv4-mapped IPv6 address, which Kubernetes' strict IP validation refuses; read as the IPv6 range it spells, it matches no IPv4 address (write {ipv4})");
                            }
                        }
                    }
                }
            }
        }
        return warnings;
    }

    private static PolicyPort? ReadPort(YamlMapping port)
    {
        if (ConnectionSet.ParseProtocol(port.Text("protocol")) is not { } protocol)
        {
            return null;
        }
        var value = port.Scalar("port");
        if (value is null || value.IsNull)
        {
            return new PolicyPort(protocol, null, null, null);
        }
        if (int.TryParse(value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return new PolicyPort(protocol, number, port.Integer("endPort") is { } end ? (int)Math.Clamp(end, 0, 65535) : null, null);
        }
        return new PolicyPort(protocol, null, null, value.Value);
    }

    /// <summary>
    /// What the ingress controller may reach: each Ingress backend and Route target resolved through its Service to
    /// the workloads the Service selects and to their target ports.
    /// </summary>
    private static List<ExposedBackend> ReadExposure(IReadOnlyList<ManifestResource> resources, List<NetpolWorkload> workloads)
    {
        var services = resources.Where(r => r.Kind == "Service" && r.Name is not null)
            .GroupBy(r => (r.NamespaceOrDefault, r.Name!))
            .ToDictionary(g => g.Key, g => g.Last());
        var result = new List<ExposedBackend>();
        foreach (var resource in resources)
        {
            var ns = resource.NamespaceOrDefault;
            var spec = resource.Root.Map("spec");
            if (spec is null)
            {
                continue;
            }
            if (resource.Kind == "Ingress")
            {
                var backends = new List<YamlMapping?> { spec.Map("defaultBackend") ?? spec.Map("backend") };
                foreach (var rule in spec.Seq("rules")?.Items.OfType<YamlMapping>() ?? [])
                {
                    backends.AddRange(rule.Map("http")?.Seq("paths")?.Items.OfType<YamlMapping>().Select(p => p.Map("backend")) ?? []);
                }
                foreach (var backend in backends.OfType<YamlMapping>())
                {
                    // networking.k8s.io/v1 (service.name, port.number|name) and the older serviceName/servicePort.
                    var service = backend.Map("service");
                    var name = service?.Text("name") ?? backend.Text("serviceName");
                    var port = service?.Map("port") is { } p ? p.Text("number") ?? p.Text("name") : backend.Text("servicePort");
                    if (name is not null && services.TryGetValue((ns, name), out var svc))
                    {
                        result.AddRange(Backends(svc, workloads, sp => port is null || sp.Text("port") == port || sp.Text("name") == port || sp.Text("targetPort") == port, resource));
                    }
                }
            }
            else if (resource.Kind == "Route")
            {
                var port = spec.Map("port")?.Text("targetPort");
                var targets = new List<YamlMapping?> { spec.Map("to") };
                targets.AddRange(spec.Seq("alternateBackends")?.Items.OfType<YamlMapping>() ?? []);
                foreach (var target in targets.OfType<YamlMapping>())
                {
                    if ((target.Text("kind") ?? "Service") == "Service" && target.Text("name") is { } name && services.TryGetValue((ns, name), out var svc))
                    {
                        // A Route's targetPort names a Service port by name, or its target port by number.
                        result.AddRange(Backends(svc, workloads, sp => port is null || sp.Text("name") == port || (sp.Text("targetPort") ?? sp.Text("port")) == port, resource));
                    }
                }
            }
        }
        return result;
    }

    private static IEnumerable<ExposedBackend> Backends(ManifestResource service, List<NetpolWorkload> workloads, Func<YamlMapping, bool> portWanted, ManifestResource via)
    {
        var spec = service.Root.Map("spec")!;
        var selector = LabelSelector.Labels(spec.Map("selector"));
        if (selector.Count == 0)
        {
            yield break; // a Service without a selector has hand-made endpoints, not workloads
        }
        var ns = service.NamespaceOrDefault;
        var ports = spec.Seq("ports")?.Items.OfType<YamlMapping>().Where(portWanted).ToList() ?? [];
        foreach (var workload in workloads.Where(w => w.Namespace == ns && selector.All(s => w.Labels.TryGetValue(s.Key, out var v) && v == s.Value)))
        {
            var conn = ConnectionSet.None;
            foreach (var port in ports)
            {
                var protocol = ConnectionSet.ParseProtocol(port.Text("protocol")) ?? Protocol.Tcp;
                var target = port.Text("targetPort") ?? port.Text("port");
                if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    conn = conn.Union(ConnectionSet.Ports(protocol, number, number));
                }
                else if (target is not null)
                {
                    conn = conn.Union(workload.ResolveNamedPort(target, protocol));
                }
            }
            if (!conn.IsEmpty)
            {
                yield return new ExposedBackend(workload, conn, via);
            }
        }
    }
}
