using Seawall.Misconfig.NetworkPolicy;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) around NetworkPolicy: admin
/// rules by priority and order (Allow and Deny final, Pass hands down), NetworkPolicy next, the baseline only where no
/// NetworkPolicy isolates the pod. netpol-analyzer's 10 admin scenarios are in NetpolAnalyzerSuiteTests.
/// </summary>
public sealed class AdminNetworkPolicyTests
{
    private static string Workload(string ns, string name) =>
        $"---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n"
        + $"  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: main, image: 'x:1', ports: [{{name: http, containerPort: 8080}}]}}]\n";

    private static string Admin(string name, int priority, string rules, string kind = "AdminNetworkPolicy") =>
        $"---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec:\n"
        + (kind == "AdminNetworkPolicy" ? $"  priority: {priority}\n" : "")
        + "  subject:\n    pods:\n      namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: db}}\n      podSelector: {matchLabels: {app: pg}}\n"
        + rules;

    private static string From(string action, string ns, string ports) =>
        $"  - name: {action.ToLowerInvariant()}-{ns}\n    action: {action}\n    from: [{{namespaces: {{matchLabels: {{kubernetes.io/metadata.name: {ns}}}}}}}]\n{ports}";

    private const string Tcp5432 = "    ports: [{portNumber: {protocol: TCP, port: 5432}}]\n";

    private static string Between(string yaml, string src, string dst)
    {
        var analyzer = new ReachabilityAnalyzer(NetworkModel.From(NetworkPolicyCheckTests.Load(Workload("web", "app") + Workload("db", "pg") + Workload("ops", "admin") + yaml)));
        var from = analyzer.Model.Workloads.Single(w => w.Name == src);
        var to = analyzer.Model.Workloads.Single(w => w.Name == dst);
        return analyzer.Between(from, to).ToString();
    }

    [Fact]
    public void A_higher_priority_deny_beats_a_lower_priority_allow_and_pass_hands_down_to_network_policy()
    {
        var deny = Admin("deny-web", 10, "  ingress:\n" + From("Deny", "web", Tcp5432));
        var allow = Admin("allow-web", 20, "  ingress:\n" + From("Allow", "web", ""));
        Assert.Equal("SCTP 1-65535,TCP 1-5431,5433-65535,UDP 1-65535", Between(deny + allow, "web/app[Deployment]", "db/pg[Deployment]"));

        // Pass: the NetworkPolicy below decides. It admits only ops, so web's 5432 is denied; the rest stays allowed by allow-web.
        var pass = Admin("pass-web", 5, "  ingress:\n" + From("Pass", "web", Tcp5432));
        var onlyOps = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: only-ops, namespace: db}\nspec:\n  podSelector: {}\n"
            + "  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops}}}]}]\n";
        Assert.Equal("SCTP 1-65535,TCP 1-5431,5433-65535,UDP 1-65535", Between(pass + deny + allow + onlyOps, "web/app[Deployment]", "db/pg[Deployment]"));
        Assert.Equal("All Connections", Between(pass + deny + allow + onlyOps, "ops/admin[Deployment]", "db/pg[Deployment]"));
    }

    [Fact]
    public void The_baseline_decides_only_where_no_network_policy_isolates_the_pod()
    {
        var baseline = Admin("default", 0, "  ingress:\n" + From("Allow", "ops", "") + "  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}\n", "BaselineAdminNetworkPolicy");
        Assert.Equal("No Connections", Between(baseline, "web/app[Deployment]", "db/pg[Deployment]"));
        Assert.Equal("All Connections", Between(baseline, "ops/admin[Deployment]", "db/pg[Deployment]"));
        // A NetworkPolicy that selects pg replaces the baseline: web on 8080 (the named port http) is now allowed.
        var np = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-in, namespace: db}\nspec:\n  podSelector: {}\n"
            + "  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: web}}}], ports: [{port: http}]}]\n";
        Assert.Equal("TCP 8080", Between(baseline + np, "web/app[Deployment]", "db/pg[Deployment]"));
        Assert.Equal("No Connections", Between(baseline + np, "ops/admin[Deployment]", "db/pg[Deployment]"));
    }

    [Fact]
    public void Egress_rules_reach_networks_and_named_ports()
    {
        var egress = Admin("egress", 1, "  egress:\n"
            + "  - {name: to-web-http, action: Allow, to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: app}}}}], ports: [{namedPort: http}]}\n"
            + "  - {name: dns, action: Allow, to: [{networks: [10.0.0.10/32]}], ports: [{portNumber: {protocol: UDP, port: 53}}]}\n"
            + "  - {name: rest, action: Deny, to: [{networks: [0.0.0.0/0]}, {namespaces: {}}]}\n");
        var yaml = Workload("web", "app") + Workload("db", "pg") + egress;
        var analyzer = new ReachabilityAnalyzer(NetworkModel.From(NetworkPolicyCheckTests.Load(yaml)));
        var lines = analyzer.Analyze().Where(c => c.Src == "db/pg[Deployment]").Select(c => $"{c.Dst} : {c.Conn}").ToList();
        Assert.Equal(["10.0.0.10-10.0.0.10[External] : UDP 53", "web/app[Deployment] : TCP 8080"], lines);
        var pg = analyzer.Model.Workloads.Single(w => w.Name == "db/pg[Deployment]");
        Assert.True(analyzer.Egress(pg, null, IpRange.Parse("8.8.8.8/32")!.Value).Isolated, "an admin-selected side is not the default allow");
    }
}
