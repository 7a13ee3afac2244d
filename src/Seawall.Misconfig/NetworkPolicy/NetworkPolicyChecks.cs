using System.Runtime.CompilerServices;
using Seawall.Core.Model;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>
/// NetworkPolicy findings. They judge objects against each other (a pod and every policy of its namespace), so they
/// are <see cref="ClusterCheck"/>s over the whole set, sharing one reachability model per set.
/// </summary>
public static class NetworkPolicyChecks
{
    private const string Nsa = "NSA-CISA-Kubernetes-Hardening: network separation";
    private const string Nist = "NIST-800-190-4.4.2";
    private const string Cis = "CIS-K8s-5.3.2";

    /// <summary>Addresses that are not the internet: RFC 1918, CGNAT, loopback, link-local, "this network".</summary>
    private static readonly IpRange[] PrivateRanges =
        [.. new[] { "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16" }.Select(c => IpRange.FromCidr(c)!.Value)];

    /// <summary>IPv6 addresses that are not the internet: unspecified, loopback, unique local (RFC 4193), link-local.</summary>
    private static readonly IpRange[] PrivateRangesV6 =
        [.. new[] { "::/128", "::1/128", "fc00::/7", "fe80::/10" }.Select(c => IpRange.FromCidr(c)!.Value)];

    /// <summary>One model per loaded set: the five checks and the report share it (see <see cref="SetCache{T}"/>).</summary>
    public static ReachabilityAnalyzer AnalyzerFor(IReadOnlyList<ManifestResource> set) =>
        SetCache<ReachabilityAnalyzer>.For(set, s => new ReachabilityAnalyzer(NetworkModel.From(s)));

    public static IEnumerable<ClusterCheck> All()
    {
        yield return ClusterCheck.Create(
            new CheckInfo("k8s-netpol-no-default-deny-ingress", "Namespace has no default-deny ingress NetworkPolicy", Severity.Medium)
            {
                Description = "No NetworkPolicy in the namespace selects every pod (podSelector: {}) for Ingress, so any pod added later accepts traffic from every pod in the cluster and from outside.",
                Remediation = "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] to the namespace, then allow the flows each workload needs.",
                References = ["C-0054", Cis, Nsa, Nist],
            }, null, set => DefaultDeny(set, "Ingress", p => p.AffectsIngress));
        yield return ClusterCheck.Create(
            new CheckInfo("k8s-netpol-no-default-deny-egress", "Namespace has no default-deny egress NetworkPolicy", Severity.Medium)
            {
                Description = "No NetworkPolicy in the namespace selects every pod (podSelector: {}) for Egress, so a compromised pod can reach every pod, the API server and the internet.",
                Remediation = "Add a NetworkPolicy with podSelector: {} and policyTypes: [Egress] to the namespace, then allow DNS and the destinations each workload needs.",
                References = ["C-0054", Cis, Nsa, Nist],
            }, null, set => DefaultDeny(set, "Egress", p => p.AffectsEgress));
        yield return ClusterCheck.Create(
            new CheckInfo("k8s-netpol-ingress-from-anywhere", "Workload accepts traffic from any address", Severity.High)
            {
                Description = "Every IPv4 (or every IPv6) address may connect to the workload: no policy isolates its ingress, or a rule admits 0.0.0.0/0 or ::/0 (an ipBlock covering everything, or a rule without `from`).",
                Remediation = "Select the workload with a NetworkPolicy whose ingress rules name the pods, namespaces or CIDRs that need it, with ports.",
                References = ["C-0260", Nsa, Nist],
            }, null, IngressFromAnywhere);
        yield return ClusterCheck.Create(
            new CheckInfo("k8s-netpol-egress-to-internet", "Workload may open connections to the internet", Severity.Medium)
            {
                Description = "The workload's egress allows public (non-RFC 1918, non-ULA) addresses: no policy isolates its egress, or a rule allows 0.0.0.0/0, ::/0 or a public ipBlock. That is the exfiltration and command-and-control path.",
                Remediation = "Isolate the workload's egress with a NetworkPolicy and allow only in-cluster peers, DNS and the external CIDRs it must reach.",
                References = ["C-0260", Nsa, Nist],
            }, null, EgressToInternet);
        yield return ClusterCheck.Create(
            new CheckInfo("k8s-netpol-pod-not-selected", "Pod is not selected by any NetworkPolicy", Severity.Medium)
            {
                Description = "No NetworkPolicy's podSelector selects the pod (or the workload's pod template), so all its traffic is allowed in both directions.",
                Remediation = "Add a NetworkPolicy in the pod's namespace whose podSelector matches the pod's labels (a default-deny policy with podSelector: {} selects every pod).",
                // kube-linter's non-isolated-pod asks the same of deployment-like objects: one failure per workload.
                References = ["CKV2_K8S_6", "kube-linter:non-isolated-pod", "C-0260", Cis, Nsa, Nist],
            }, "CKV2_K8S_6", PodNotSelected);
    }

    private static IEnumerable<(ManifestResource, CheckOutcome)> DefaultDeny(IReadOnlyList<ManifestResource> set, string direction, Func<NetpolPolicy, bool> affects)
    {
        var model = AnalyzerFor(set).Model;
        foreach (var ns in model.WorkloadNamespaces)
        {
            // Reported on the Namespace object when the input has one, otherwise on the namespace's first workload.
            var at = model.Namespaces.TryGetValue(ns, out var declared) && declared.Resource is { } nsResource
                ? nsResource
                : model.Workloads.First(w => w.Namespace == ns).Resource!;
            var policy = model.Policies.FirstOrDefault(p => p.Namespace == ns && p.PodSelector.IsEmpty && affects(p));
            yield return policy is null
                ? (at, ManifestCheck.Fail(at.Root, $"namespace {ns}: no NetworkPolicy with podSelector {{}} isolates {direction}"))
                : (at, ManifestCheck.Pass(at.Root, $"namespace {ns}: {policy.Name} isolates every pod for {direction}"));
        }
    }

    private static IEnumerable<(ManifestResource, CheckOutcome)> IngressFromAnywhere(IReadOnlyList<ManifestResource> set)
    {
        var analyzer = AnalyzerFor(set);
        foreach (var workload in analyzer.Model.Workloads)
        {
            if (!analyzer.Ingress(null, null, workload).Isolated)
            {
                // No policy selects it: every source is admitted, the ranges need not be cut.
                yield return (workload.Resource!, ManifestCheck.Fail(workload.Resource!.Root, $"{workload.Name}: every address may connect ({ConnectionSet.All}); no NetworkPolicy isolates its ingress"));
                continue;
            }
            // Every address of one family is "anywhere": ::/0 opens a dual-stack pod as 0.0.0.0/0 does. (IPv6 pieces
            // exist only when a policy names an IPv6 block.)
            var decisions = analyzer.SourceRanges.GroupBy(r => r.IsIPv6)
                .Select(family => family.Select(r => analyzer.Ingress(null, r, workload)).ToList())
                .FirstOrDefault(family => family.All(d => !d.Allowed.IsEmpty));
            if (decisions is not null)
            {
                var open = decisions.Aggregate(ConnectionSet.All, (acc, d) => acc.Intersect(d.Allowed));
                var why = decisions[0].Isolated ? AllowedBy(decisions, "ingress") : "no NetworkPolicy isolates its ingress";
                yield return (workload.Resource!, ManifestCheck.Fail(workload.Resource!.Root, $"{workload.Name}: every address may connect ({(open.IsEmpty ? "on some ports" : open.ToString())}); {why}"));
            }
            else
            {
                yield return (workload.Resource!, ManifestCheck.Pass(workload.Resource!.Root, $"{workload.Name}: ingress from outside the cluster is limited"));
            }
        }
    }

    private static IEnumerable<(ManifestResource, CheckOutcome)> EgressToInternet(IReadOnlyList<ManifestResource> set)
    {
        var analyzer = AnalyzerFor(set);
        // Cut the destination partition at the private ranges too, so every piece is wholly public or private. Without
        // egress ipBlocks (most scans) the partition is the shared uncut one and so are its pieces: cut once per process.
        var pieces = ReferenceEquals(analyzer.DestinationRanges, IpBlock.Uncut) ? UncutPublicPieces.Value : PublicPieces(analyzer.DestinationRanges);
        foreach (var workload in analyzer.Model.Workloads)
        {
            var open = pieces.Select(r => (Range: r, Decision: analyzer.Egress(workload, null, r))).FirstOrDefault(p => !p.Decision.Allowed.IsEmpty);
            if (open.Decision is { } decision)
            {
                var why = decision.Isolated ? AllowedBy([decision], "egress") : "no NetworkPolicy isolates its egress";
                yield return (workload.Resource!, ManifestCheck.Fail(workload.Resource!.Root, $"{workload.Name}: may connect to {open.Range.FirstText}-{open.Range.LastText} ({decision.Allowed}); {why}"));
            }
            else
            {
                yield return (workload.Resource!, ManifestCheck.Pass(workload.Resource!.Root, $"{workload.Name}: no public address is reachable"));
            }
        }
    }

    /// <summary>The NetworkPolicy rules behind an allowed side, or the admin policy tiers when those decided it.</summary>
    private static string AllowedBy(IReadOnlyList<SideDecision> decisions, string direction)
    {
        var rules = decisions.SelectMany(d => d.Matches).Select(m => $"{m.Policy.Name} {direction} rule #{m.Rule.Index + 1}").Distinct(StringComparer.Ordinal).ToList();
        var admin = decisions.Any(d => d.AdminSelected) ? "AdminNetworkPolicy or BaselineAdminNetworkPolicy rules" : null;
        return "allowed by " + string.Join(", ", admin is null ? rules : rules.Append(admin));
    }

    private static readonly Lazy<List<IpRange>> UncutPublicPieces = new(() => PublicPieces(IpBlock.Uncut));

    private static List<IpRange> PublicPieces(IEnumerable<IpRange> destinations)
    {
        // IPv6 pieces exist only when a policy names an IPv6 block; then its private ranges are cut out too.
        var list = destinations as IReadOnlyList<IpRange> ?? [.. destinations];
        return [.. IpBlock.Partition(list.Concat(PrivateRanges).Concat(list.Any(r => r.IsIPv6) ? PrivateRangesV6 : []))
            .Where(r => !PrivateRanges.Any(p => p.Contains(r)) && !PrivateRangesV6.Any(p => p.Contains(r)))];
    }

    /// <summary>
    /// checkov's CKV2_K8S_6: every Pod, and every workload's pod template, needs a NetworkPolicy whose podSelector
    /// selects it. Judged per manifest (not per grouped workload), named with checkov's graph id for templates.
    /// </summary>
    private static IEnumerable<(ManifestResource, CheckOutcome)> PodNotSelected(IReadOnlyList<ManifestResource> set)
    {
        var policies = AnalyzerFor(set).Model.Policies; // the set's policies, read once for the five checks
        foreach (var resource in set)
        {
            if (resource.Workload is not { } workload)
            {
                continue;
            }
            var ns = resource.NamespaceOrDefault;
            var labels = workload.PodLabels;
            var target = resource.Kind == "Pod" ? resource : resource with { CheckovGraphId = TemplateId(resource, ns, labels) };
            var selecting = policies.FirstOrDefault(p => p.Namespace == ns && p.PodSelector.Matches(labels));
            yield return selecting is null
                ? (target, ManifestCheck.Fail(workload.PodMetadata ?? resource.Root, $"no NetworkPolicy in namespace {ns} selects pods labelled {{{string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"))}}}"))
                : (target, ManifestCheck.Pass(workload.PodMetadata ?? resource.Root, $"selected by NetworkPolicy {selecting.Name}"));
        }
    }

    /// <summary>checkov's vertex id for a workload's pod template: <c>Pod.namespace.workload.key-value...</c>.</summary>
    private static string TemplateId(ManifestResource resource, string ns, IReadOnlyDictionary<string, string> labels)
    {
        var id = new System.Text.StringBuilder("Pod.").Append(ns).Append('.').Append(resource.Name);
        foreach (var (key, value) in labels)
        {
            id.Append('.').Append(key).Append('-').Append(value);
        }
        return id.ToString();
    }
}
