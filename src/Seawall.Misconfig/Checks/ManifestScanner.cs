using Seawall.Core.Model;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Checks;

/// <summary>One decided (check, resource) pair, with the resource kept for callers that compare by resource.</summary>
public sealed record CheckResult(ManifestCheck Check, ManifestResource Resource, CheckOutcome Outcome)
{
    /// <summary>The manifest's own waiver of this result (a checkov.io/skip or kube-linter ignore annotation); null when none.</summary>
    public InManifestSuppression? Suppression { get; init; }

    public Finding ToFinding() => Check.Info.Result(
        Outcome.Failed ? FindingStatus.Fail : FindingStatus.Pass,
        Outcome.Evidence,
        new Location(Resource.File, (Outcome.At ?? Resource.Root).Line, Resource.Document.ToString(System.Globalization.CultureInfo.InvariantCulture), (Outcome.At ?? Resource.Root).Path),
        Resource.Target) with
    {
        Fix = Fixes.WorkloadFixes.For(this),
    };
}

/// <summary>Runs the catalog over loaded manifests. Pure: no I/O, so the suite test and the bench call it directly.</summary>
public static class ManifestScanner
{
    public static IEnumerable<CheckResult> Run(IEnumerable<ManifestResource> resources, IReadOnlyList<ManifestCheck> checks)
    {
        var set = resources as IReadOnlyList<ManifestResource> ?? [.. resources];
        var split = Split.Of(checks);
        for (var i = 0; i < set.Count; i++)
        {
            var resource = set[i];
            var waives = resource.Waivers.Count > 0;
            foreach (var check in split.PerResource)
            {
                if (check.Judge(resource) is { } outcome)
                {
                    yield return new CheckResult(check, resource, outcome) { Suppression = waives ? InManifestSuppression.For(resource, check) : null };
                }
            }
        }
        // Checks across objects (RBAC, NetworkPolicy) see the whole set once; one that decides only kinds the set
        // lacks (RBAC without bindings, most sets) is skipped.
        foreach (var cluster in split.Cluster)
        {
            if (cluster.Kinds is { } kinds && !kinds.Any(kind => NeighbourIndex.Holds(set, kind)))
            {
                continue;
            }
            foreach (var result in cluster.Judge(set))
            {
                yield return InManifestSuppression.For(result.Resource, result.Check) is { } waiver ? result with { Suppression = waiver } : result;
            }
        }
    }

    /// <summary>
    /// A catalog split into per-object and whole-set checks, as arrays: the per-object loop runs about 150 checks per
    /// object, and walking an interface list costs two interface calls per step. The last split is kept (the catalog
    /// is nearly always the same list), checked against the list and its length.
    /// </summary>
    private sealed record Split(IReadOnlyList<ManifestCheck> Checks, int Count, ManifestCheck[] PerResource, ClusterCheck[] Cluster)
    {
        private static Split? last;

        public static Split Of(IReadOnlyList<ManifestCheck> checks)
        {
            if (last is { } split && ReferenceEquals(split.Checks, checks) && split.Count == checks.Count)
            {
                return split;
            }
            return last = new Split(checks, checks.Count, [.. checks.Where(c => c.Cluster is null)], [.. checks.Select(c => c.Cluster).OfType<ClusterCheck>()]);
        }
    }
}
