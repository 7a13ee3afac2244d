using Seawall.Misconfig.NetworkPolicy;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>`--netpol-query`: allowed or denied, with the policies of each side that decided it.</summary>
public sealed class NetpolQueryTests
{
    private const string Manifests = """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: front}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web:1}]}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: back}
        spec:
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: db, image: db:1, ports: [{name: pg, containerPort: 5432}]}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: back}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db-from-front, namespace: back}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
            - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: front}}, podSelector: {matchLabels: {app: web}}}]
              ports: [{port: pg}, {port: 53, protocol: UDP}]
        """;

    private static string Ask(string query) =>
        NetpolQuery.Parse(query).Answer(new ReachabilityAnalyzer(NetworkModel.From(NetworkPolicyCheckTests.Load(Manifests))));

    [Fact]
    public void An_allowed_connection_names_the_rule_that_allows_it()
    {
        var answer = Ask("front/app=web -> back/app=db:5432");
        Assert.StartsWith("ALLOWED front/web[Deployment] -> back/db[StatefulSet] TCP 5432\n", answer, StringComparison.Ordinal);
        Assert.Contains("egress:  allowed: no NetworkPolicy selects front/web[Deployment] for Egress", answer, StringComparison.Ordinal);
        Assert.Contains("ingress: allowed by back/db-from-front ingress rule #1 (TCP 5432,UDP 53)", answer, StringComparison.Ordinal);
    }

    [Fact]
    public void A_denied_connection_names_the_policies_that_isolate_the_pod()
    {
        var answer = Ask("front/web[Deployment] -> back/db[StatefulSet]:6379");
        Assert.StartsWith("DENIED  front/web[Deployment] -> back/db[StatefulSet] TCP 6379\n", answer, StringComparison.Ordinal);
        Assert.Contains("ingress: denied: selected by back/default-deny, back/db-from-front, and no rule allows it", answer, StringComparison.Ordinal);
    }

    [Fact]
    public void Protocol_suffix_and_the_reverse_direction()
    {
        Assert.StartsWith("ALLOWED", Ask("front/app=web -> back/app=db:53/UDP"), StringComparison.Ordinal);
        Assert.StartsWith("DENIED ", Ask("front/app=web -> back/app=db:53/SCTP"), StringComparison.Ordinal);
        var reverse = Ask("back/app=db -> front/app=web:80");
        Assert.StartsWith("DENIED  back/db[StatefulSet] -> front/web[Deployment] TCP 80", reverse, StringComparison.Ordinal);
        Assert.Contains("egress:  denied: selected by back/default-deny", reverse, StringComparison.Ordinal);
    }

    [Fact]
    public void External_addresses_and_unmatched_sides()
    {
        Assert.StartsWith("ALLOWED 203.0.113.9 -> front/web[Deployment] TCP 443", Ask("203.0.113.9 -> front/app=web:443"), StringComparison.Ordinal);
        Assert.StartsWith("DENIED  203.0.113.9 -> back/db[StatefulSet]", Ask("203.0.113.9 -> back/app=db:5432"), StringComparison.Ordinal);
        Assert.StartsWith("no workload matches the destination", Ask("front/app=web -> back/app=cache:6379"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("front/app=web to back/app=db")]
    [InlineData("front/app=web -> back/app=db:99999")]
    [InlineData("front/app=web -> back/app=db:53/ICMP")]
    [InlineData("web -> back/app=db")]
    public void Malformed_queries_are_refused_with_a_reason(string query) =>
        Assert.Throws<FormatException>(() => NetpolQuery.Parse(query));
}
