using System.Text.Json;
using Seawall.Misconfig.Manifests;
using Seawall.Misconfig.NetworkPolicy;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// netpol-analyzer's golden connlists (../shared/data/netpol-analyzer): on the 72 scenarios without
/// AdminNetworkPolicy, Seawall's reachability list must equal the expected one. Workload pairs compare as a set of
/// (src, dst, connection set); external lines compare per address (the IPv4 space may be cut differently).
/// </summary>
public sealed class NetpolAnalyzerSuiteTests(ITestOutputHelper output)
{
    /// <summary>The agreement reached when this floor was set; raise it as semantics improve.</summary>
    private const int ExactFloor = 72;

    /// <summary>The admin-tier scenarios' agreement when this floor was set.</summary>
    private const int AdminExactFloor = 10;

    [Fact]
    public void Seawall_reachability_matches_netpol_analyzers_connlists()
    {
        var exact = Agreement(s => !s.GetProperty("usesAdminNetworkPolicy").GetBoolean() && s.GetProperty("group").GetString() is "core" or "core-exposure",
            "scenarios", 72, "netpol-analyzer agreement");
        Assert.True(exact >= ExactFloor, $"agreement fell to {exact}/72, floor {ExactFloor}");
    }

    [Fact]
    public void Seawall_reachability_matches_netpol_analyzers_connlists_with_admin_network_policies()
    {
        var exact = Agreement(s => s.GetProperty("group").GetString() == "anp-banp", Path.Combine("anp-banp", "scenarios"), 10, "netpol-analyzer AdminNetworkPolicy agreement");
        Assert.True(exact >= AdminExactFloor, $"agreement fell to {exact}/10, floor {AdminExactFloor}");
    }

    /// <summary>How many of the selected scenarios (under <paramref name="folder"/>) match their expected connlist exactly; prints each difference.</summary>
    private int Agreement(Func<JsonElement, bool> selected, string folder, int count, string label)
    {
        var root = SharedData.Require("netpol-analyzer");
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "index.json")));
        var scenarios = index.RootElement.GetProperty("scenarios").EnumerateArray().Where(selected).ToList();
        Assert.Equal(count, scenarios.Count);
        var exact = 0;
        foreach (var scenario in scenarios)
        {
            var name = scenario.GetProperty("scenario").GetString()!;
            var expected = ReadExpected(Path.Combine(root, scenario.GetProperty("expected").GetString()!), scenario.GetProperty("format").GetString()!);
            var set = ManifestLoader.Load([Path.Combine(root, folder, name)]);
            Assert.Empty(set.Warnings);
            var actual = new ReachabilityAnalyzer(NetworkModel.From(set.Resources)).Analyze()
                .Select(c => (c.Src, c.Dst, c.Conn.ToString())).ToList();
            if (FirstDifference(expected, actual) is { } diff)
            {
                output.WriteLine($"  differs: {name}: {diff}");
            }
            else
            {
                exact++;
            }
        }
        output.WriteLine($"{label}: {exact}/{scenarios.Count} scenarios match exactly ({100.0 * exact / scenarios.Count:F1}%)");
        return exact;
    }

    internal static List<(string Src, string Dst, string Conn)> ReadExpected(string path, string format)
    {
        if (format == "txt")
        {
            return [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(line =>
            {
                var arrow = line.IndexOf(" => ", StringComparison.Ordinal);
                var colon = line.IndexOf(" : ", arrow, StringComparison.Ordinal);
                return (line[..arrow], line[(arrow + 4)..colon], line[(colon + 3)..]);
            })];
        }
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var array = format == "exposure-json" ? json.RootElement.GetProperty("connlist_results") : json.RootElement;
        return [.. array.EnumerateArray().Select(e => (e.GetProperty("src").GetString()!, e.GetProperty("dst").GetString()!, e.GetProperty("conn").GetString()!))];
    }

    /// <summary>Null when both lists allow the same; otherwise the first difference found, in words.</summary>
    internal static string? FirstDifference(List<(string Src, string Dst, string Conn)> expected, List<(string Src, string Dst, string Conn)> actual)
    {
        static bool External(string peer) => peer.EndsWith("[External]", StringComparison.Ordinal);
        var expectedPairs = expected.Where(l => !External(l.Src) && !External(l.Dst)).ToDictionary(l => (l.Src, l.Dst), l => ConnectionSet.Parse(l.Conn));
        var actualPairs = actual.Where(l => !External(l.Src) && !External(l.Dst)).ToDictionary(l => (l.Src, l.Dst), l => ConnectionSet.Parse(l.Conn));
        foreach (var (pair, conn) in expectedPairs.OrderBy(p => p.Key.Src, StringComparer.Ordinal).ThenBy(p => p.Key.Dst, StringComparer.Ordinal))
        {
            if (!actualPairs.TryGetValue(pair, out var got))
            {
                return $"missing {pair.Src} => {pair.Dst} : {conn}";
            }
            if (!got.Equals(conn))
            {
                return $"{pair.Src} => {pair.Dst}: expected '{conn}', got '{got}'";
            }
        }
        if (actualPairs.Keys.FirstOrDefault(k => !expectedPairs.ContainsKey(k)) is { Src: not null } extra)
        {
            return $"unexpected {extra.Src} => {extra.Dst} : {actualPairs[extra]}";
        }
        var expectedExternal = ExternalFunctions(expected);
        var actualExternal = ExternalFunctions(actual);
        foreach (var key in expectedExternal.Keys.Union(actualExternal.Keys).Order())
        {
            var want = expectedExternal.GetValueOrDefault(key) ?? [];
            var got = actualExternal.GetValueOrDefault(key) ?? [];
            if (!want.SequenceEqual(got))
            {
                var at = want.Zip(got).FirstOrDefault(p => p.First != p.Second);
                return $"external {key}: expected {Describe(want, at.First)}, got {Describe(got, at.Second)}";
            }
        }
        return null;
    }

    private static string Describe(List<(IpRange Range, string Conn)> segments, (IpRange Range, string Conn) at) =>
        at.Conn is null ? $"{segments.Count} segments" : $"{at.Range.Name} : {at.Conn} ({segments.Count} segments)";

    /// <summary>
    /// For each (workload, direction), the function address -> allowed connections as maximal segments (adjacent
    /// ranges with the same connections merged, gaps as "No Connections"), so any partition gives the same list.
    /// </summary>
    private static Dictionary<string, List<(IpRange Range, string Conn)>> ExternalFunctions(List<(string Src, string Dst, string Conn)> lines)
    {
        var byKey = new Dictionary<string, List<(IpRange Range, string Conn)>>(StringComparer.Ordinal);
        foreach (var (src, dst, conn) in lines)
        {
            var (key, peer) = src.EndsWith("[External]", StringComparison.Ordinal) ? ("to " + dst, src) : dst.EndsWith("[External]", StringComparison.Ordinal) ? ("from " + src, dst) : (null, null);
            if (key is null)
            {
                continue;
            }
            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = [];
            }
            // A block that is not contiguous prints as comma-joined ranges.
            foreach (var part in peer![..^"[External]".Length].Split(','))
            {
                list.Add((IpRange.Parse(part) ?? throw new FormatException(part), ConnectionSet.Parse(conn).ToString()));
            }
        }
        var result = new Dictionary<string, List<(IpRange Range, string Conn)>>(StringComparer.Ordinal);
        foreach (var (key, list) in byKey)
        {
            var merged = new List<(IpRange Range, string Conn)>();
            ulong next = 0;
            foreach (var (range, conn) in list.OrderBy(s => s.Range.First))
            {
                if (range.First > next)
                {
                    Add(merged, new IpRange((uint)next, range.First - 1), "No Connections");
                }
                Add(merged, range, conn);
                next = (ulong)range.Last + 1;
            }
            if (next <= uint.MaxValue)
            {
                Add(merged, new IpRange((uint)next, uint.MaxValue), "No Connections");
            }
            result[key] = merged;
        }
        return result;
    }

    private static void Add(List<(IpRange Range, string Conn)> merged, IpRange range, string conn)
    {
        if (merged.Count > 0 && merged[^1].Conn == conn && (ulong)merged[^1].Range.Last + 1 == range.First)
        {
            merged[^1] = (new IpRange(merged[^1].Range.First, range.Last), conn);
        }
        else
        {
            merged.Add((range, conn));
        }
    }
}
