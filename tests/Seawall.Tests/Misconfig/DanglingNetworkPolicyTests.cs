using Seawall.Misconfig.Checks;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>kube-linter's dangling-networkpolicy and dangling-networkpolicypeer-podselector: fixtures that fire and their fixed twins.</summary>
public sealed class DanglingNetworkPolicyTests
{
    private const string Web = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n"
        + "  template:\n    metadata: {labels: {app: web, tier: front}}\n    spec:\n      containers: [{name: main, image: 'web:1'}]\n";

    private const string Db = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: shop, labels: {app: db}}\nspec:\n  containers: [{name: db, image: 'db:1'}]\n";

    private static string Policy(string ns, string spec) =>
        $"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: {ns}}}\nspec:\n{spec}\n";

    private static List<string> Failures(string id, string yaml)
    {
        var check = ManifestCheckCatalog.All.Single(c => c.Info.Id == id);
        return [.. NetworkPolicyCheckTests.Load(yaml).SelectMany(check.Failures).Select(f => f.Evidence)];
    }

    /// <summary>One firing fixture per check, for the catalog-wide coverage test.</summary>
    public static TheoryData<string, string> Firing => new()
    {
        { "k8s-dangling-networkpolicy", Web + Policy("shop", "  podSelector: {matchLabels: {app: wbe}}") },
        { "k8s-dangling-networkpolicy-peer", Web + Policy("shop", "  podSelector: {}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: api}}}]") },
    };

    [Theory]
    [MemberData(nameof(Firing))]
    public void Check_fires(string id, string yaml) => Assert.Single(Failures(id, yaml));

    public static TheoryData<string, string, int> Cases => new()
    {
        // The policy's selector: a label typo, the right labels in another namespace, no pod at all.
        { "k8s-dangling-networkpolicy", Web + Policy("shop", "  podSelector: {matchLabels: {app: wbe}}"), 1 },
        { "k8s-dangling-networkpolicy", Web + Policy("prod", "  podSelector: {matchLabels: {app: web}}"), 1 },
        { "k8s-dangling-networkpolicy", Policy("shop", "  podSelector: {}"), 1 },
        { "k8s-dangling-networkpolicy", Web + Policy("shop", "  podSelector: {matchLabels: {app: web}}"), 0 },
        { "k8s-dangling-networkpolicy", Web + Policy("shop", "  podSelector: {matchExpressions: [{key: tier, operator: In, values: [front, back]}]}"), 0 },
        { "k8s-dangling-networkpolicy", Db + Policy("shop", "  podSelector: {}"), 0 },
        // Peers: one failure per podSelector-only peer that selects nothing; namespaceSelector peers and ipBlocks are not judged.
        { "k8s-dangling-networkpolicy-peer", Web + Db + Policy("shop", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: api}}}, {podSelector: {matchLabels: {app: web}}}]\n  egress:\n    - to: [{podSelector: {matchLabels: {app: cache}}}]"), 2 },
        { "k8s-dangling-networkpolicy-peer", Web + Db + Policy("shop", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: web}}}, {namespaceSelector: {}, podSelector: {matchLabels: {app: api}}}, {ipBlock: {cidr: 10.0.0.0/8}}]"), 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fires_once_per_selector_that_matches_no_pod_of_the_namespace(string id, string yaml, int expected)
    {
        var failures = Failures(id, yaml);
        Assert.Equal(expected, failures.Count);
        Assert.All(failures, f => Assert.Contains("no pods found matching", f, StringComparison.Ordinal));
    }

    [Fact]
    public void Evidence_names_the_selector_and_the_namespace()
    {
        Assert.Equal(["no pods found matching the ingress rule's podSelector (app=api) in namespace shop"],
            Failures("k8s-dangling-networkpolicy-peer", Web + Policy("shop", "  podSelector: {}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: api}}}]")));
        Assert.Equal(["no pods found matching the podSelector (app=wbe) in namespace shop"],
            Failures("k8s-dangling-networkpolicy", Web + Policy("shop", "  podSelector: {matchLabels: {app: wbe}}")));
    }
}
