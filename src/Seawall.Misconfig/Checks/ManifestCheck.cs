using Seawall.Core.Model;
using Seawall.Misconfig.Kubernetes;
using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Checks;

/// <summary>A decided check on one resource: pass or fail, the node that decided it and why.</summary>
public sealed record CheckOutcome(bool Failed, YamlNode? At, string Evidence);

/// <summary>
/// One manifest check: its catalog entry and a judge that returns null for a resource it does not apply to.
/// <see cref="CheckovId"/> is the checkov check whose semantics it keeps (the suite test compares by it).
/// </summary>
public sealed record ManifestCheck(CheckInfo Info, string? CheckovId, Func<ManifestResource, CheckOutcome?> Judge)
{
    /// <summary>
    /// Every offending spot of a resource, one per container, mount, port or variable where peers such as kube-linter
    /// report each one; unset, the failed outcome of <see cref="Judge"/> is the only one.
    /// </summary>
    public Func<ManifestResource, IEnumerable<CheckOutcome>>? EachFailure { get; init; }

    /// <summary>The failures of one resource: what a per-diagnostic peer would count.</summary>
    public IEnumerable<CheckOutcome> Failures(ManifestResource resource) =>
        EachFailure is { } each ? each(resource) : Judge(resource) is { Failed: true } outcome ? [outcome] : [];

    /// <summary>Set on a <see cref="ClusterCheck"/>'s catalog entry: the scanner runs that check over the whole set instead.</summary>
    public ClusterCheck? Cluster { get; init; }

    public static CheckOutcome Fail(YamlNode? at, string evidence) => new(true, at, evidence);

    public static CheckOutcome Pass(YamlNode? at, string evidence) => new(false, at, evidence);

    /// <summary>A check on the workload's pod spec.</summary>
    public static Func<ManifestResource, CheckOutcome?> OnWorkload(Func<Workload, CheckOutcome?> judge) =>
        resource => resource.Workload is { } workload ? judge(workload) : null;

    /// <summary>
    /// A check on each container of <paramref name="kinds"/>: the workload fails on its first failing container,
    /// passes when it has some and none fails, and is not judged without any.
    /// </summary>
    public static Func<ManifestResource, CheckOutcome?> OnContainers(Func<WorkloadContainer, Workload, CheckOutcome?> judge, params ContainerKind[] kinds)
    {
        var wanted = kinds.Length == 0 ? [ContainerKind.Container, ContainerKind.Init, ContainerKind.Ephemeral] : kinds;
        return OnWorkload(workload =>
        {
            CheckOutcome? last = null;
            var undecided = false;
            // A plain loop: this runs for about 100 checks per workload, LINQ's iterators and closures showed in profiles.
            foreach (var container in workload.Containers)
            {
                if (Array.IndexOf(wanted, container.Kind) < 0)
                {
                    continue;
                }
                var outcome = judge(container, workload);
                if (outcome is null)
                {
                    undecided = true; // a malformed field: neither pass nor fail on its account
                    continue;
                }
                if (outcome.Failed)
                {
                    return outcome with { Evidence = $"container {container.Name}: {outcome.Evidence}" };
                }
                last = outcome;
            }
            return undecided ? null : last;
        });
    }

    /// <summary>The failing containers of <paramref name="kinds"/> one by one, as <see cref="OnContainers"/> judges each.</summary>
    public static Func<ManifestResource, IEnumerable<CheckOutcome>> EachContainer(Func<WorkloadContainer, Workload, CheckOutcome?> judge, params ContainerKind[] kinds)
    {
        var wanted = kinds.Length == 0 ? [ContainerKind.Container, ContainerKind.Init, ContainerKind.Ephemeral] : kinds;
        return resource => resource.Workload is not { } workload ? []
            : workload.Containers.Where(c => wanted.Contains(c.Kind))
                .Select(c => (Container: c, Outcome: judge(c, workload)))
                .Where(x => x.Outcome is { Failed: true })
                .Select(x => x.Outcome! with { Evidence = $"container {x.Container.Name}: {x.Outcome!.Evidence}" })
                .ToList();
    }

    /// <summary>
    /// A check that lists every failing spot: <paramref name="failures"/> returns null where the check does not apply,
    /// an empty list where the resource passes. The resource-level verdict is the first failure.
    /// </summary>
    public static ManifestCheck Spots(CheckInfo info, string? checkovId, Func<ManifestResource, IReadOnlyList<CheckOutcome>?> failures, string passEvidence) =>
        new(info, checkovId, resource => failures(resource) is { } found ? found.Count > 0 ? Describe(found) : Pass(resource.Root, passEvidence) : null)
        {
            EachFailure = resource => failures(resource) ?? [],
        };

    private static CheckOutcome Describe(IReadOnlyList<CheckOutcome> found) =>
        found.Count == 1 ? found[0] : found[0] with { Evidence = $"{found[0].Evidence} (and {found.Count - 1} more)" };
}
