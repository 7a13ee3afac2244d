using System.Globalization;
using System.Text;
using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Reporting.Writers;

/// <summary>The `--compliance` summary as the JSON report's <c>compliance</c> object and as the table's last section.</summary>
internal static class ComplianceSection
{
    public static string Status(ComplianceStatus status) => status switch
    {
        ComplianceStatus.Pass => "pass",
        ComplianceStatus.Fail => "fail",
        ComplianceStatus.NotApplicable => "not_applicable",
        _ => "not_checked",
    };

    public static void WriteJson(Utf8JsonWriter w, ComplianceSummary summary)
    {
        w.WriteStartObject("compliance");
        w.WriteString("framework", summary.Framework);
        w.WriteString("title", summary.Title);
        w.WriteStartObject("totals");
        w.WriteNumber("pass", summary.ControlsPassed);
        w.WriteNumber("fail", summary.ControlsFailed);
        w.WriteNumber("notApplicable", summary.ControlsNotApplicable);
        w.WriteNumber("notChecked", summary.ControlsNotChecked);
        w.WriteEndObject();
        w.WriteStartArray("controls");
        foreach (var control in summary.Controls)
        {
            w.WriteStartObject();
            w.WriteString("id", control.Id);
            w.WriteString("title", control.Title);
            w.WriteString("status", Status(control.Status));
            w.WriteNumber("pass", control.Pass);
            w.WriteNumber("fail", control.Fail);
            w.WriteStartArray("checks");
            foreach (var check in control.Checks)
            {
                w.WriteStringValue(check);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>"Compliance: TITLE (controls: 4 pass, 2 fail, 1 not applicable, 30 not checked)", then a row per control.</summary>
    public static List<string[]> AppendTitleAndRows(StringBuilder sb, ComplianceSummary summary)
    {
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        sb.Append("\nCompliance: ").Append(summary.Title).Append(" (controls: ")
          .Append(N(summary.ControlsPassed)).Append(" pass, ")
          .Append(N(summary.ControlsFailed)).Append(" fail, ")
          .Append(N(summary.ControlsNotApplicable)).Append(" not applicable, ")
          .Append(N(summary.ControlsNotChecked)).Append(" not checked)\n");
        return [.. summary.Controls.Select(c => new[]
        {
            c.Id, Status(c.Status).Replace('_', ' '), N(c.Pass), N(c.Fail), Truncate(c.Title, 70),
            c.Checks.Count == 0 ? "-" : Truncate(string.Join(", ", c.Checks), 60),
        })];
    }

    public static readonly string[] Header = ["CONTROL", "STATUS", "PASS", "FAIL", "TITLE", "CHECKS"];

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
