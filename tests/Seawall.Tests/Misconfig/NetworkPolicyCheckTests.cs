using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Seawall.Misconfig.NetworkPolicy;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// NetworkPolicy checks and the reachability engine on small manifests of our own: each check fires on one and
/// passes on its fixed twin; selector, ipBlock, port and policyTypes semantics one at a time.
/// </summary>
public sealed class NetworkPolicyCheckTests
{
    private static string Deployment(string name, string ns, string labels, string ports = "") =>
        $"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  selector: {{matchLabels: {labels}}}\n"
        + $"  template:\n    metadata: {{labels: {labels}}}\n    spec:\n      containers:\n        - name: main\n          image: registry.example.com/{name}:1\n"
        + (ports.Length > 0 ? ports + "\n" : string.Empty);

    private static string Policy(string name, string ns, string spec) =>
        $"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{spec}\n";

    private const string DenyAll = "  podSelector: {}\n  policyTypes: [Ingress, Egress]";

    private static readonly string Web = Deployment("web", "shop", "{app: web}");
    private static readonly string Db = Deployment("db", "shop", "{app: db}", "          ports: [{name: pg, containerPort: 5432}]");

    public static TheoryData<string, string> Firing => new()
    {
        { "k8s-netpol-no-default-deny-ingress", Web + Policy("deny-egress", "shop", "  podSelector: {}\n  policyTypes: [Egress]") },
        { "k8s-netpol-no-default-deny-egress", Web + Policy("deny-ingress", "shop", "  podSelector: {}") },
        { "k8s-netpol-ingress-from-anywhere", Web + Policy("open", "shop", "  podSelector: {matchLabels: {app: web}}\n  ingress:\n    - from: [{ipBlock: {cidr: 0.0.0.0/0}}]\n      ports: [{port: 443}]") },
        { "k8s-netpol-egress-to-internet", Web + Policy("out", "shop", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]") },
        { "k8s-netpol-pod-not-selected", Web + Db + Policy("db-only", "shop", "  podSelector: {matchLabels: {app: db}}") },
    };

    public static TheoryData<string, string> Passing => new()
    {
        { "k8s-netpol-no-default-deny-ingress", Web + Policy("deny-all", "shop", DenyAll) },
        { "k8s-netpol-no-default-deny-egress", Web + Policy("deny-all", "shop", DenyAll) },
        { "k8s-netpol-ingress-from-anywhere", Web + Policy("office", "shop", "  podSelector: {matchLabels: {app: web}}\n  ingress:\n    - from: [{ipBlock: {cidr: 203.0.113.0/24}}]\n      ports: [{port: 443}]") },
        { "k8s-netpol-egress-to-internet", Web + Policy("out", "shop", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to: [{ipBlock: {cidr: 10.0.0.0/8}}, {namespaceSelector: {}}]") },
        { "k8s-netpol-pod-not-selected", Web + Db + Policy("all", "shop", "  podSelector: {}") },
    };

    [Theory]
    [MemberData(nameof(Firing))]
    public void Check_fires(string id, string yaml)
    {
        var results = Run(yaml, id);
        Assert.NotEmpty(results);
        var failed = Assert.Single(results, r => r.Outcome.Failed);
        var finding = failed.ToFinding();
        Assert.Equal("fixture.yaml", finding.Location!.Path);
        Assert.NotNull(finding.Location.Line);
        Assert.Equal(id, finding.CheckId);
    }

    [Theory]
    [MemberData(nameof(Passing))]
    public void Check_passes_on_the_fixed_twin(string id, string yaml)
    {
        var results = Run(yaml, id);
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.False(r.Outcome.Failed, r.Outcome.Evidence));
    }

    [Fact]
    public void No_workloads_no_judgement_and_no_reachability()
    {
        var yaml = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n";
        Assert.Empty(ManifestScanner.Run(Load(yaml), [.. NetworkPolicyChecks.All().Select(c => c.Entry)]));
        Assert.Empty(ReachabilityReport.For(Load(yaml)));
    }

    [Fact]
    public void Reachability_intersects_egress_and_ingress_and_resolves_named_ports()
    {
        var yaml = Web + Db
            + Policy("db-in", "shop", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: web}}}]\n      ports: [{port: pg}, {port: 9000, endPort: 9010, protocol: UDP}]")
            + Policy("web-out", "shop", "  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress:\n    - to: [{podSelector: {}}]\n      ports: [{port: 5432}, {port: 9005, protocol: UDP}, {port: 53, protocol: UDP}]");
        var lines = ReachabilityReport.For(Load(yaml)).Select(r => $"{r.Src} => {r.Dst} : {r.Conn}").ToList();
        Assert.Equal(
        [
            "0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections",
            "shop/db[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
            "shop/db[Deployment] => shop/web[Deployment] : All Connections",
            "shop/web[Deployment] => shop/db[Deployment] : TCP 5432,UDP 9005",
        ], lines);
    }

    [Fact]
    public void IpBlock_except_splits_the_external_space_and_selectors_use_namespace_labels()
    {
        var yaml = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: a}}\n" + Web + Deployment("probe", "ops", "{app: probe}")
            + Policy("web-in", "shop", "  podSelector: {}\n  ingress:\n    - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [ops]}]}, podSelector: {matchExpressions: [{key: app, operator: Exists}]}}]\n      ports: [{protocol: SCTP}]");
        var lines = ReachabilityReport.For(Load(yaml)).Where(r => r.Dst == "shop/web[Deployment]").Select(r => $"{r.Src} : {r.Conn}").ToList();
        Assert.Equal(
        [
            "10.0.0.0-10.0.255.255[External] : SCTP 1-65535",
            "10.2.0.0-10.255.255.255[External] : SCTP 1-65535",
            "ops/probe[Deployment] : SCTP 1-65535",
        ], lines);
    }

    [Fact]
    public void Connection_strings_print_and_parse_like_netpol_analyzer()
    {
        var set = ConnectionSet.Ports(Protocol.Tcp, 1, 79).Union(ConnectionSet.Ports(Protocol.Tcp, 81, 65535)).Union(ConnectionSet.Ports(Protocol.Udp, 53, 53)).Union(ConnectionSet.AllOf(Protocol.Sctp));
        Assert.Equal("SCTP 1-65535,TCP 1-79,81-65535,UDP 53", set.ToString());
        Assert.Equal(set, ConnectionSet.Parse(set.ToString()));
        Assert.Equal("All Connections", ConnectionSet.Parse("SCTP 1-65535,TCP 1-65535,UDP 1-65535").ToString());
        Assert.True(set.Intersect(ConnectionSet.Ports(Protocol.Tcp, 80, 80)).IsEmpty);
    }

    private static List<CheckResult> Run(string yaml, string id)
    {
        var check = ManifestCheckCatalog.All.Single(c => c.Info.Id == id);
        return [.. ManifestScanner.Run(Load(yaml), [check])];
    }

    /// <summary>The pair list is quadratic: past the cap it is left out, and the reason is said, never a silent empty list.</summary>
    [Fact]
    public void Reachability_list_is_capped_with_a_reason()
    {
        var yaml = string.Join("---\n", Enumerable.Range(0, ReachabilityReport.MaxWorkloads + 1).Select(i =>
            $"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w{i}, namespace: ns}}\nspec:\n  selector: {{matchLabels: {{app: w{i}}}}}\n" +
            $"  template:\n    metadata: {{labels: {{app: w{i}}}}}\n    spec:\n      containers: [{{name: c, image: 'x:1'}}]\n"));
        Assert.Empty(ReachabilityReport.For(Load(yaml), out var skipped));
        Assert.Contains("1,001 workloads", skipped, StringComparison.Ordinal);
        Assert.NotEmpty(ReachabilityReport.For(Load(yaml.Split("---\n")[0] + "---\n" + yaml.Split("---\n")[1]), out var none));
        Assert.Null(none);
    }

    internal static List<ManifestResource> Load(string yaml)
    {
        var resources = new List<ManifestResource>();
        var warnings = new List<string>();
        ManifestLoader.LoadText("fixture.yaml", yaml, resources, warnings);
        Assert.Empty(warnings);
        return resources;
    }
}
