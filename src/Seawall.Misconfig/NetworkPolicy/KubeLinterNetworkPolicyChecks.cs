using Seawall.Core.Model;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;
using static Seawall.Misconfig.Checks.ManifestCheck;
using static Seawall.Misconfig.Checks.WorkloadChecks;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>
/// kube-linter's dangling NetworkPolicy checks (pkg/templates/danglingnetworkpolicy, danglingnetworkpolicypeer): a
/// policy, or a podSelector-only peer of one of its rules, whose selector matches no pod template of the scan in the
/// policy's namespace. Unlike the other object checks these fire when the scan holds no workload at all, as
/// kube-linter does: a policy ships with the pods it isolates, and one that selects nothing isolates nothing
/// (a typo in a label leaves the intended pods open). A peer with a namespaceSelector is not judged (its pods are
/// in other namespaces, which the scan rarely holds), as in kube-linter.
/// </summary>
internal static class KubeLinterNetworkPolicyChecks
{
    public static IEnumerable<ManifestCheck> All()
    {
        yield return Spots(Info("k8s-dangling-networkpolicy", "NetworkPolicies should select pods of the scan", Severity.Low,
            "A NetworkPolicy whose podSelector matches no pod template in its namespace isolates nothing: the pods it was written for (a label typo away) stay open.",
            "Fix spec.podSelector to match the pod template labels of the workloads the policy is for.",
            ["kube-linter:dangling-networkpolicy"]),
            null, DanglingPolicy, "selects a workload");
        yield return Spots(Info("k8s-dangling-networkpolicy-peer", "NetworkPolicy rule peers should select pods of the scan", Severity.Low,
            "A from/to peer with only a podSelector that matches no pod template in the policy's namespace allows nothing: the traffic it was meant to let through is dropped, or goes to pods that later take the labels.",
            "Fix the peer's podSelector to match the labels of the intended pods, or add a namespaceSelector when they live in another namespace.",
            ["kube-linter:dangling-networkpolicypeer-podselector"]),
            null, DanglingPeers, "peers select workloads");
    }

    private static IReadOnlyList<CheckOutcome>? DanglingPolicy(ManifestResource r)
    {
        if (r.Kind != "NetworkPolicy" || r.Root.Map("spec") is not { } spec)
        {
            return null;
        }
        var selector = LabelSelector.From(spec.Map("podSelector"));
        return SelectsAPod(r, selector) ? [] : [Fail((YamlNode?)spec.Map("podSelector") ?? spec, $"no pods found matching the podSelector ({selector}) in namespace {r.NamespaceOrDefault}")];
    }

    private static IReadOnlyList<CheckOutcome>? DanglingPeers(ManifestResource r)
    {
        if (r.Kind != "NetworkPolicy" || r.Root.Map("spec") is not { } spec)
        {
            return null;
        }
        var failures = new List<CheckOutcome>();
        foreach (var (rules, peersKey) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            foreach (var rule in spec.Seq(rules)?.Items.OfType<YamlMapping>() ?? [])
            {
                foreach (var peer in rule.Seq(peersKey)?.Items.OfType<YamlMapping>() ?? [])
                {
                    if (peer.Map("podSelector") is not { } podSelector || peer.Has("namespaceSelector"))
                    {
                        continue;
                    }
                    var selector = LabelSelector.From(podSelector);
                    if (!SelectsAPod(r, selector))
                    {
                        failures.Add(Fail(podSelector, $"no pods found matching the {rules} rule's podSelector ({selector}) in namespace {r.NamespaceOrDefault}"));
                    }
                }
            }
        }
        return failures;
    }

    /// <summary>Whether a pod template (or Pod) of the scan in the policy's namespace carries labels the selector matches.</summary>
    private static bool SelectsAPod(ManifestResource policy, LabelSelector selector) =>
        policy.NeighboursOfKindsIn(Workload.Kinds, policy.NamespaceOrDefault).Any(o => o.Workload is { } w
            && selector.Matches(w.PodLabels));
}
