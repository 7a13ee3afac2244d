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
            foreach (var container in workload.Containers.Where(c => wanted.Contains(c.Kind)))
            {
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
}
