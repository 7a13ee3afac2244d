using System.Text;
using Seawall.Core.Model;

namespace Seawall.Reporting.Writers;

/// <summary>
/// A plain-text table for people. Plain columns rather than box drawing, so it survives pipes, logs and
/// narrow terminals, and needs no console: writers never touch the console.
/// </summary>
public sealed class TableReportWriter : IReportWriter
{
    public string Format => "table";

    public async Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        sb.Append(report.Artifact.Name).Append(" (").Append(ReportNames.ArtifactType(report.Artifact.Type));
        if (report.Os is { } os)
        {
            sb.Append(", ").Append(os.Family).Append(' ').Append(os.Version);
        }
        sb.Append(')').Append('\n');
        foreach (var result in report.Results)
        {
            sb.Append('\n').Append(result.Target).Append(" (").Append(result.Type).Append(", ")
              .Append(result.Packages.Count).Append(result.Packages.Count == 1 ? " package" : " packages").Append(")\n");
            if (result.Packages.Count > 0)
            {
                var rows = result.Packages.Select(p => new[] { p.Name, p.Version, p.SourceName ?? string.Empty, p.Layer is { } l ? l.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-" }).ToList();
                AppendTable(sb, ["NAME", "VERSION", "SOURCE", "LAYER"], rows);
            }
            if (result.Findings.Count > 0)
            {
                var rows = result.Findings.Select(f => new[] { f.CheckId, ReportNames.Severity(f.Severity), ReportNames.Status(f.Status), f.Title }).ToList();
                AppendTable(sb, ["CHECK", "SEVERITY", "STATUS", "TITLE"], rows);
            }
        }
        if (report.Artifact.Layers.Count > 0)
        {
            sb.Append("\nLayers\n");
            var rows = report.Artifact.Layers.Select(l => new[] { l.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), l.DiffId.Length > 19 ? l.DiffId[..19] : l.DiffId, Truncate(l.CreatedBy ?? string.Empty, 80) }).ToList();
            AppendTable(sb, ["#", "DIFF ID", "CREATED BY"], rows);
        }
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    private static void AppendTable(StringBuilder sb, string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        void Row(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                sb.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
            }
            sb.Append('\n');
        }
        Row(header);
        foreach (var row in rows)
        {
            Row(row);
        }
    }
}
