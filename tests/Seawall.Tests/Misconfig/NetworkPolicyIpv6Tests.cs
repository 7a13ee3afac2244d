using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Seawall.Misconfig.NetworkPolicy;
using Seawall.Scanning;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// IPv6 ipBlocks: CIDRs and excepts as 128-bit ranges, the connlist's names for IPv6 pieces, ::/0 in the
/// ingress-from-anywhere and egress-to-internet checks, IPv6 ends of --netpol-query, and malformed CIDRs as warnings.
/// </summary>
public sealed class NetworkPolicyIpv6Tests
{
    private const string Web = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n"
        + "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: main, image: 'web:1'}]\n";

    private static string Policy(string name, string spec) =>
        $"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: shop}}\nspec:\n  podSelector: {{matchLabels: {{app: web}}}}\n{spec}\n";

    private static string Ingress(string peers) => Policy("in", $"  ingress:\n    - from: {peers}\n      ports: [{{port: 443}}]");

    private static string Egress(string peers) => Policy("out", $"  policyTypes: [Egress]\n  egress:\n    - to: {peers}");

    private const string Documentation = "[{ipBlock: {cidr: '2001:db8::/32', except: ['2001:db8:1::/48']}}]";

    [Theory]
    [InlineData("::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0[External]")]
    [InlineData("2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32[External]")]
    [InlineData("2001:db8::1", "2001:db8::1", "2001:db8::1", "2001:db8::1/128[External]")]
    [InlineData("2001:db8:0:0:1::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff", "2001:db8::/64[External]")] // host bits cleared, as net.ParseCIDR does
    [InlineData("::ffff:0:0/96", "::ffff:0:0", "::ffff:255.255.255.255", "::ffff:0:0/96[External]")]
    [InlineData("10.0.0.0/8", "10.0.0.0", "10.255.255.255", "10.0.0.0-10.255.255.255[External]")] // IPv4 keeps netpol-analyzer's range name
    [InlineData("0.0.0.0/0", "0.0.0.0", "255.255.255.255", "0.0.0.0-255.255.255.255[External]")]
    public void Cidrs_of_both_families_become_ranges(string cidr, string first, string last, string name)
    {
        var range = IpRange.FromCidr(cidr)!.Value;
        Assert.Equal((first, last, name), (range.FirstText, range.LastText, range.Name));
        Assert.Equal(cidr.Contains(':', StringComparison.Ordinal), range.IsIPv6);
        Assert.Equal(range, IpRange.Parse(range.Name));
    }

    [Theory]
    [InlineData("2001:db8::/129")]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::g/64")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("10/8")]
    [InlineData("2001:db8::/-1")]
    [InlineData("")]
    [InlineData("not-a-cidr")]
    public void Text_that_is_no_cidr_is_refused(string cidr) => Assert.Null(IpRange.FromCidr(cidr));

    [Fact]
    public void An_ipv6_block_with_an_exception_splits_the_ipv6_space_and_admits_its_pieces()
    {
        var lines = ReachabilityReport.For(NetworkPolicyCheckTests.Load(Web + Ingress(Documentation)))
            .Where(r => r.Dst == "shop/web[Deployment]").Select(r => $"{r.Src} : {r.Conn}").ToList();
        Assert.Equal(
        [
            "2001:db8:2::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff[External] : TCP 443",
            "2001:db8::/48[External] : TCP 443",
        ], lines);

        // Before IPv6 was read the peer was dropped and the policy admitted nothing from outside.
        var analyzer = new ReachabilityAnalyzer(NetworkModel.From(NetworkPolicyCheckTests.Load(Web + Ingress(Documentation))));
        var web = Assert.Single(analyzer.Model.Workloads);
        Assert.False(analyzer.Ingress(null, IpRange.FromCidr("2001:db8:abcd::1"), web).Allowed.IsEmpty);
        Assert.True(analyzer.Ingress(null, IpRange.FromCidr("2001:db8:1::1"), web).Allowed.IsEmpty); // the exception
        Assert.True(analyzer.Ingress(null, IpRange.FromCidr("2001:db9::1"), web).Allowed.IsEmpty);
        Assert.True(analyzer.Ingress(null, IpRange.FromCidr("32.1.13.184"), web).Allowed.IsEmpty); // 2001:db8 as IPv4 bits is not in it
    }

    [Fact]
    public void Mixed_families_keep_the_ipv4_list_and_add_the_ipv6_pieces()
    {
        var yaml = Web + Ingress("[{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {ipBlock: {cidr: 'fd00::/8'}}]");
        var sources = ReachabilityReport.For(NetworkPolicyCheckTests.Load(yaml)).Where(r => r.Dst == "shop/web[Deployment]").Select(r => r.Src).ToList();
        Assert.Equal(["10.0.0.0-10.0.255.255[External]", "10.2.0.0-10.255.255.255[External]", "fd00::/8[External]"], sources);

        // IPv4-only policies give the list they always gave: no IPv6 piece appears.
        var v4Only = ReachabilityReport.For(NetworkPolicyCheckTests.Load(Web + Ingress("[{ipBlock: {cidr: 10.0.0.0/8}}]")));
        Assert.DoesNotContain(v4Only, r => r.Src.Contains(':', StringComparison.Ordinal) || r.Dst.Contains(':', StringComparison.Ordinal));
    }

    public static TheoryData<string, string, bool> Checks => new()
    {
        { "k8s-netpol-ingress-from-anywhere", Web + Ingress("[{ipBlock: {cidr: '::/0'}}]"), true },
        { "k8s-netpol-ingress-from-anywhere", Web + Ingress("[{ipBlock: {cidr: 192.168.0.0/16}}, {ipBlock: {cidr: '::/0'}}]"), true }, // every IPv6 address
        { "k8s-netpol-ingress-from-anywhere", Web + Ingress("[{ipBlock: {cidr: '::/0', except: ['2001:db8::/32']}}]"), false },
        { "k8s-netpol-ingress-from-anywhere", Web + Ingress(Documentation), false },
        { "k8s-netpol-egress-to-internet", Web + Egress("[{ipBlock: {cidr: '::/0'}}]"), true },
        { "k8s-netpol-egress-to-internet", Web + Egress("[{ipBlock: {cidr: '2001:db8::/32'}}]"), true }, // global unicast
        { "k8s-netpol-egress-to-internet", Web + Egress("[{ipBlock: {cidr: 'fc00::/7'}}, {ipBlock: {cidr: 'fe80::/10'}}, {ipBlock: {cidr: 10.0.0.0/8}}]"), false },
        { "k8s-netpol-egress-to-internet", Web + Egress("[{ipBlock: {cidr: '::1/128'}}]"), false },
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public void Ipv6_blocks_count_in_the_checks(string id, string yaml, bool fires)
    {
        var result = Assert.Single(ManifestScanner.Run(NetworkPolicyCheckTests.Load(yaml), [ManifestCheckCatalog.All.Single(c => c.Info.Id == id)]));
        Assert.True(fires == result.Outcome.Failed, result.Outcome.Evidence);
    }

    [Fact]
    public void Egress_to_a_public_ipv6_range_names_it()
    {
        var result = Assert.Single(ManifestScanner.Run(NetworkPolicyCheckTests.Load(Web + Egress("[{ipBlock: {cidr: '2001:db8::/32'}}]")),
            [ManifestCheckCatalog.All.Single(c => c.Info.Id == "k8s-netpol-egress-to-internet")]));
        Assert.Contains("may connect to 2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", result.Outcome.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2001:db8::5 -> shop/app=web:443", "ALLOWED 2001:db8::5 -> shop/web[Deployment] TCP 443")]
    [InlineData("[2001:db8:1::5] -> shop/app=web:443", "DENIED  2001:db8:1::5 -> shop/web[Deployment] TCP 443")]
    [InlineData("2001:db9::1 -> shop/web", "DENIED  2001:db9::1 -> shop/web[Deployment] any port")]
    [InlineData("shop/app=web -> [2001:db8::1]:443", "ALLOWED shop/web[Deployment] -> 2001:db8::1 TCP 443")]
    [InlineData("shop/app=web -> 2001:db8::1", "ALLOWED shop/web[Deployment] -> 2001:db8::1 any port")]
    public void Queries_take_ipv6_addresses(string query, string first)
    {
        var answer = NetpolQuery.Parse(query).Answer(new ReachabilityAnalyzer(NetworkModel.From(NetworkPolicyCheckTests.Load(Web + Ingress(Documentation)))));
        Assert.StartsWith(first + (first.EndsWith("any port", StringComparison.Ordinal) && first.StartsWith('A') ? " (" : "\n"), answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shop/app=web -> [2001:db8::1]:99999")]
    [InlineData("shop/app=web -> [2001:db8::zz]:443")]
    public void Malformed_ipv6_queries_are_refused(string query) => Assert.Throws<FormatException>(() => NetpolQuery.Parse(query));

    [Fact]
    public void Ipv4_mapped_ipv6_cidrs_are_warnings_and_read_as_ipv6()
    {
        var set = NetworkPolicyCheckTests.Load(Web + Ingress("[{ipBlock: {cidr: '::ffff:10.0.0.0/104'}}, {ipBlock: {cidr: '::/0', except: ['::ffff:0:0/96', '::ffff:0:0/80']}}]"));
        Assert.Equal(["fixture.yaml:18: NetworkPolicy shop/in: ipBlock cidr \"::ffff:10.0.0.0/104\" is an IPv4-mapped IPv6 address, which Kubernetes' strict IP validation refuses; read as the IPv6 range it spells, it matches no IPv4 address (write 10.0.0.0/8)",
            "fixture.yaml:18: NetworkPolicy shop/in: ipBlock except \"::ffff:0:0/96\" is an IPv4-mapped IPv6 address, which Kubernetes' strict IP validation refuses; read as the IPv6 range it spells, it matches no IPv4 address (write 0.0.0.0/0)"],
            NetworkModel.CidrWarnings(set));
        // ::ffff:0:0/80 is no mapped address: its first address is ::, so it is an ordinary IPv6 range.
        var analyzer = new ReachabilityAnalyzer(NetworkModel.From(set));
        var web = analyzer.Model.Workloads.Single(w => w.WorkloadName == "web");
        Assert.True(analyzer.Ingress(null, IpRange.Parse("10.1.2.3/32")!.Value, web).Allowed.IsEmpty, "an IPv4 address is not admitted by an IPv4-mapped IPv6 block");
        Assert.False(analyzer.Ingress(null, IpRange.Parse("::ffff:10.1.2.3/128")!.Value, web).Allowed.IsEmpty, "the IPv6 range it spells is admitted");
    }

    [Fact]
    public async Task Malformed_cidrs_are_warnings_and_the_peer_admits_nothing()
    {
        var yaml = Web + Ingress("[{ipBlock: {cidr: '2001:db8::/129'}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 'bogus']}}]");
        var set = NetworkPolicyCheckTests.Load(yaml);
        Assert.Equal(["fixture.yaml:18: NetworkPolicy shop/in: ipBlock cidr \"2001:db8::/129\" is not an IPv4 or IPv6 CIDR; the peer admits nothing",
            "fixture.yaml:18: NetworkPolicy shop/in: ipBlock except \"bogus\" is not an IPv4 or IPv6 CIDR; the exception is ignored"], NetworkModel.CidrWarnings(set));
        var sources = ReachabilityReport.For(set).Where(r => r.Dst == "shop/web[Deployment]").Select(r => r.Src).ToList();
        Assert.Equal(["10.0.0.0-10.0.255.255[External]", "10.2.0.0-10.255.255.255[External]"], sources);
        Assert.Empty(NetworkModel.CidrWarnings(NetworkPolicyCheckTests.Load(Web + Ingress(Documentation))));

        using var dir = new TempDir("seawall-netpol6-");
        dir.Write("policy.yaml", yaml);
        var report = await new ScanService(new ScanOptions()).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);
        Assert.Equal(2, report.Warnings.Count(w => w.Contains("is not an IPv4 or IPv6 CIDR", StringComparison.Ordinal)));
        Assert.NotEmpty(report.Reachability!);
    }
}
