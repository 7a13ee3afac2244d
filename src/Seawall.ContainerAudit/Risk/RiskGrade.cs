using Seawall.ContainerAudit.Checks;
using Seawall.Core.Model;

namespace Seawall.ContainerAudit.Risk;

/// <summary>
/// A container's grade: "critical" when it has a path to host root, else the severity of its worst failed check
/// ("high", "medium", "low"), else "minimal". The reasons say why, worst first.
/// </summary>
public static class RiskGrade
{
    private const int MaxReasons = 6;

    public static ContainerRisk For(ContainerFacts facts, IReadOnlyList<Finding> findings)
    {
        var paths = HostRootPaths.For(facts);
        var failed = findings.Where(f => f.Status == FindingStatus.Fail).OrderByDescending(f => f.Severity).ThenBy(f => f.CheckId, StringComparer.Ordinal).ToList();
        var grade = paths.Count > 0 ? "critical"
            : failed.Count == 0 ? "minimal"
            : failed[0].Severity switch
            {
                Severity.Critical or Severity.High => "high",
                Severity.Medium => "medium",
                _ => "low",
            };
        var reasons = paths.Select(p => "host root: " + p)
            .Concat(failed.Where(f => f.Severity >= Severity.Medium || paths.Count == 0).Select(f => f.Title))
            .Distinct(StringComparer.Ordinal)
            .Take(MaxReasons)
            .ToList();
        return new ContainerRisk(grade, reasons, paths)
        {
            ContainerId = facts.Container.Id,
            Image = facts.Container.Image,
            KernelChecked = facts.Kernel is not null,
        };
    }
}
