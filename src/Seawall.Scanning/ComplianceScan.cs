using Seawall.ContainerAudit.Checks;
using Seawall.Core.Compliance;
using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.Misconfig.Checks;

namespace Seawall.Scanning;

/// <summary>
/// `--compliance FRAMEWORK` after a scan: the scan ran with passes kept (a control's pass count needs them), the
/// summary is computed from every finding, then passes are dropped again unless --include-passed asked for them.
/// </summary>
public static class ComplianceScan
{
    /// <summary>The checks a scan of this report's kind runs, so a control whose checks found nothing to judge is not a gap.</summary>
    public static IEnumerable<CheckInfo> CatalogFor(ScanReport report) => report.Artifact.Type switch
    {
        ArtifactType.Config => ManifestCheckCatalog.All.Select(c => c.Info),
        ArtifactType.Host => HostCheckCatalog.All().SelectMany(g => g.Checks).Concat(report.Containers is null ? [] : ContainerChecks.All),
        ArtifactType.Containers => ContainerChecks.All,
        // Image and root file system scans: the checks that produced findings (their findings carry the references).
        _ => [],
    };

    public static ScanReport Apply(ScanReport report, ComplianceFramework framework, bool includePassed)
    {
        var summary = ComplianceEvaluator.Evaluate(framework, CatalogFor(report), report.Results.SelectMany(r => r.Findings));
        return (includePassed ? report : WithoutPasses(report)) with { Compliance = summary };
    }

    /// <summary>What the scan would have reported without --compliance: fail and warn findings only.</summary>
    private static ScanReport WithoutPasses(ScanReport report) => report with
    {
        Results =
        [
            .. report.Results
                .Select(r => r with { Findings = [.. r.Findings.Where(f => f.Status is FindingStatus.Fail or FindingStatus.Warn)] })
                // A manifest file is a result only for its failures, as `seawall config` groups them.
                .Where(r => r.Class != ResultClass.Config || r.Findings.Count > 0),
        ],
    };
}
