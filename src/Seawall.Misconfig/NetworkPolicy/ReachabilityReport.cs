using Seawall.Core.Model;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.NetworkPolicy;

/// <summary>The report's <c>reachability</c> list for a loaded manifest set.</summary>
public static class ReachabilityReport
{
    /// <summary>
    /// The pair list grows with the square of the workloads (4,000,000 lines for 2,000 workloads and no policy): above
    /// this many the list is left out with a warning; the checks and --netpol-query still work per workload.
    /// </summary>
    public const int MaxWorkloads = 1_000;

    /// <summary>Every allowed connection; empty when the input has neither workloads nor NetworkPolicies.</summary>
    public static IReadOnlyList<Reachability> For(IReadOnlyList<ManifestResource> set) => For(set, out _);

    /// <summary>As <see cref="For(IReadOnlyList{ManifestResource})"/>; <paramref name="skipped"/> says why the list is empty when it was capped.</summary>
    public static IReadOnlyList<Reachability> For(IReadOnlyList<ManifestResource> set, out string? skipped)
    {
        skipped = null;
        var analyzer = NetworkPolicyChecks.AnalyzerFor(set);
        if (analyzer.Model.IsEmpty)
        {
            return [];
        }
        if (analyzer.Model.Workloads.Count > MaxWorkloads)
        {
            skipped = $"reachability list left out: {analyzer.Model.Workloads.Count:N0} workloads is over the {MaxWorkloads:N0} the pairwise list is computed for (use --netpol-query for one connection)";
            return [];
        }
        return [.. analyzer.Analyze().Select(c => new Reachability(c.Src, c.Dst, c.Conn.ToString()))];
    }
}
