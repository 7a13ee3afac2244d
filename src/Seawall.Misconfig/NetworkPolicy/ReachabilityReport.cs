using Seawall.Core.Model;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>The report's <c>reachability</c> list for a loaded manifest set.</summary>
public static class ReachabilityReport
{
    /// <summary>Every allowed connection; empty when the input has neither workloads nor NetworkPolicies.</summary>
    public static IReadOnlyList<Reachability> For(IReadOnlyList<ManifestResource> set)
    {
        var analyzer = NetworkPolicyChecks.AnalyzerFor(set);
        return analyzer.Model.IsEmpty ? [] : [.. analyzer.Analyze().Select(c => new Reachability(c.Src, c.Dst, c.Conn.ToString()))];
    }
}
