using System.Text;
using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Reporting.Writers;

/// <summary>
/// Check findings in SARIF, as Trivy writes its misconfigurations: one rule per check id (title, description,
/// remediation as help, references as tags and links), one result per failed or warned finding, located at the file
/// and line the evidence came from. Passed, info and manual findings are not results: GitHub would raise them as alerts.
/// </summary>
public sealed partial class SarifWriter
{
    private static List<(ScanResult Result, Finding Finding)> CheckFindings(ScanReport report) =>
        [.. report.Results
            .SelectMany(r => r.Findings.Where(f => f.Status is FindingStatus.Fail or FindingStatus.Warn).Select(f => (Result: r, Finding: f)))
            .OrderBy(c => c.Finding.CheckId, StringComparer.Ordinal)
            .ThenBy(c => CheckPath(c.Result, c.Finding), StringComparer.Ordinal)];

    private static void WriteCheckRule(Utf8JsonWriter w, Finding f, ResultClass resultClass)
    {
        w.WriteStartObject();
        w.WriteString("id", f.CheckId);
        w.WriteString("name", resultClass == ResultClass.Host ? "HostCheck" : "Misconfiguration");
        w.WriteStartObject("shortDescription");
        w.WriteString("text", f.Title);
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", f.Title);
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", Level(f.Severity));
        w.WriteEndObject();
        var help = new StringBuilder();
        help.Append(f.Title).Append("\nSeverity: ").Append(ReportNames.Severity(f.Severity));
        if (f.Remediation is { } fix)
        {
            help.Append("\nRemediation: ").Append(fix);
        }
        if (f.References.Count > 0)
        {
            help.Append("\nReferences: ").Append(string.Join(", ", f.References));
        }
        w.WriteStartObject("help");
        w.WriteString("text", help.ToString());
        w.WriteString("markdown", help.ToString().Replace("\n", "\n\n", StringComparison.Ordinal));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("precision", "very-high");
        w.WriteString("security-severity", SecuritySeverity(f.Severity));
        w.WriteStartArray("tags");
        w.WriteStringValue(resultClass switch { ResultClass.Host => "host", ResultClass.Containers => "container", _ => "misconfiguration" });
        w.WriteStringValue("security");
        w.WriteStringValue(ReportNames.Severity(f.Severity));
        foreach (var reference in f.References)
        {
            w.WriteStringValue(reference);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCheckResult(Utf8JsonWriter w, ScanResult result, Finding f, int ruleIndex)
    {
        var path = CheckPath(result, f);
        var line = f.Location?.Line is int l && l > 0 ? l : 1;
        w.WriteStartObject();
        w.WriteString("ruleId", f.CheckId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", Level(f.Severity));
        w.WriteStartObject("message");
        w.WriteString("text", f.Evidence is { } evidence ? $"{f.Title}: {evidence}" : f.Title);
        w.WriteEndObject();
        WriteLocations(w, path, line, null);
        w.WriteStartObject("properties");
        w.WriteString("status", ReportNames.Status(f.Status));
        w.WriteString("severity", ReportNames.Severity(f.Severity));
        if (f.Remediation is { } fix)
        {
            w.WriteString("remediation", fix);
        }
        // A strategic merge patch is not a SARIF fix (text replacements in the file): it rides in the property bag.
        if (f.Fix is { } patch)
        {
            w.WriteString("fix", patch);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The file the evidence came from, else the result's target.</summary>
    private static string CheckPath(ScanResult result, Finding f) => (f.Location?.Path ?? result.Target).TrimStart('/');
}
