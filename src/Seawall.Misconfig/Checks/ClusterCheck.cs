using Seawall.Core.Model;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Checks;

/// <summary>
/// A check judged once over the whole set of resources (RBAC, NetworkPolicy): its verdict on one object depends on
/// others (a binding and the role it names, a pod and the policies that select it). <see cref="Judge"/> returns one
/// <see cref="CheckResult"/> per decided object, each built by <see cref="Result"/>.
/// </summary>
public sealed record ClusterCheck(CheckInfo Info, string? CheckovId, Func<IReadOnlyList<ManifestResource>, IEnumerable<CheckResult>> Judge)
{
    private ManifestCheck? entry;

    /// <summary>
    /// The check's face in <see cref="ManifestCheckCatalog.All"/>: the catalog, the docs and the checkov suite list it
    /// like any other, and <see cref="ManifestScanner.Run"/> runs <see cref="Judge"/> once in its place.
    /// </summary>
    public ManifestCheck Entry => entry ??= new ManifestCheck(Info, CheckovId, _ => null) { Cluster = this };

    public CheckResult Result(ManifestResource resource, CheckOutcome outcome) => new(Entry, resource, outcome);

    /// <summary>
    /// The kinds whose objects the check decides (RBAC: the bindings); where the set has none, the scanner skips it
    /// instead of building its model. Null: always run.
    /// </summary>
    public IReadOnlyCollection<string>? Kinds { get; init; }

    /// <summary>
    /// Builds a cluster check whose judge only says which objects it decided and how; the results carry the check.
    /// </summary>
    public static ClusterCheck Create(CheckInfo info, string? checkovId, Func<IReadOnlyList<ManifestResource>, IEnumerable<(ManifestResource Resource, CheckOutcome Outcome)>> judge,
        IReadOnlyCollection<string>? kinds = null)
    {
        ClusterCheck? self = null;
        self = new ClusterCheck(info, checkovId, set => judge(set).Select(r => self!.Result(r.Resource, r.Outcome))) { Kinds = kinds };
        return self;
    }

    // Identity, not structure: Entry points back here, so structural equality and hashing would recurse.
    public bool Equals(ClusterCheck? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
