using Seawall.Core.Model;

namespace Seawall.Cli;

/// <summary>--severity applies to secrets as to vulnerabilities (Trivy does the same): a file left without any is dropped.</summary>
internal static class SecretFilter
{
    public static ScanReport BySeverity(ScanReport report, IReadOnlySet<Severity>? severities)
    {
        if (severities is null || !report.Results.Any(r => r.Class == ResultClass.Secrets))
        {
            return report;
        }
        var results = new List<ScanResult>(report.Results.Count);
        foreach (var result in report.Results)
        {
            if (result.Class != ResultClass.Secrets)
            {
                results.Add(result);
                continue;
            }
            var kept = result.Secrets.Where(s => severities.Contains(s.Severity)).ToList();
            if (kept.Count > 0)
            {
                results.Add(result with { Secrets = kept });
            }
        }
        return report with { Results = results };
    }
}
