using System.Globalization;
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
            sb.Append('\n').Append(result.Target).Append(" (").Append(result.Type).Append(", ");
            if (result.Class is ResultClass.Host or ResultClass.Config or ResultClass.Containers)
            {
                sb.Append(FindingTotals(result.Findings)).Append(")\n");
            }
            else if (result.Class == ResultClass.Secrets)
            {
                sb.Append(result.Secrets.Count).Append(result.Secrets.Count == 1 ? " secret" : " secrets").Append(")\n");
                AppendSecrets(sb, result.Secrets);
                continue;
            }
            else
            {
                sb.Append(result.Packages.Count).Append(result.Packages.Count == 1 ? " package" : " packages").Append(")\n");
            }
            // A host's package list is its inventory, not what an audit reader looks for: counts and vulnerabilities only.
            if (result.Packages.Count > 0 && report.Artifact.Type != ArtifactType.Host)
            {
                var rows = result.Packages.Select(p => new[] { p.Name, p.Version, p.SourceName ?? string.Empty, p.Layer is { } l ? l.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-" }).ToList();
                AppendTable(sb, ["NAME", "VERSION", "SOURCE", "LAYER"], rows);
            }
            if (result.Risk is { } risk)
            {
                sb.Append("Risk: ").Append(risk.Grade).Append(" (").Append(risk.Image).Append(risk.KernelChecked ? ", checked against /proc" : ", runtime's word only").Append(")\n");
                foreach (var reason in risk.Reasons)
                {
                    sb.Append("  - ").Append(reason).Append('\n');
                }
            }
            AppendVulnerabilities(sb, result);
            if (result.Findings.Count > 0 && result.Class == ResultClass.Config)
            {
                AppendManifestFindings(sb, result.Findings);
            }
            else if (result.Findings.Count > 0)
            {
                var rows = result.Findings
                    .OrderBy(f => f.Status)
                    .ThenByDescending(f => f.Severity)
                    .ThenBy(f => f.CheckId, StringComparer.Ordinal)
                    .Select(f => new[] { f.CheckId, ReportNames.Severity(f.Severity), ReportNames.Status(f.Status), Truncate(f.Title, 60), Truncate(f.Evidence ?? string.Empty, 70) })
                    .ToList();
                AppendTable(sb, ["CHECK", "SEVERITY", "STATUS", "TITLE", "EVIDENCE"], rows);
            }
            if (result.SuppressedFindings.Count > 0)
            {
                sb.Append("\nWaived in the manifest: ").Append(result.SuppressedFindings.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
                var rows = result.SuppressedFindings
                    .OrderBy(s => s.Finding.Target, StringComparer.Ordinal)
                    .ThenBy(s => s.Finding.CheckId, StringComparer.Ordinal)
                    .Select(s => new[] { s.Finding.Target ?? string.Empty, s.Finding.CheckId, ReportNames.Severity(s.Finding.Severity), s.Source, Truncate(s.Statement ?? string.Empty, 60) })
                    .ToList();
                AppendTable(sb, ["RESOURCE", "CHECK", "SEVERITY", "ANNOTATION", "REASON"], rows);
            }
        }
        if (report.Containers is { } overview)
        {
            sb.Append("\nContainers: ").Append(overview.Containers.ToString(CultureInfo.InvariantCulture)).Append(" running, ")
              .Append(overview.ReachHostRoot.ToString(CultureInfo.InvariantCulture)).Append(" can reach host root\n");
            foreach (var (path, names) in overview.ByPath)
            {
                sb.Append("  ").Append(path).Append(": ").Append(names.Count.ToString(CultureInfo.InvariantCulture)).Append(" (").Append(Truncate(string.Join(", ", names), 80)).Append(")\n");
            }
        }
        if (report.Compliance is { } compliance)
        {
            AppendTable(sb, ComplianceSection.Header, ComplianceSection.AppendTitleAndRows(sb, compliance));
        }
        if (report.AttackSurface is { } surface)
        {
            AppendAttackSurface(sb, surface);
        }
        if (report.Reachability is { Count: > 0 } reachability)
        {
            // Short: the full list is in the JSON report; the table shows what is reachable from outside.
            var external = reachability.Where(r => r.Src.EndsWith("[External]", StringComparison.Ordinal)).Select(r => r.Dst).Distinct(StringComparer.Ordinal).Count();
            sb.Append("\nReachability: ").Append(reachability.Count.ToString(CultureInfo.InvariantCulture)).Append(" allowed connections, ")
              .Append(external.ToString(CultureInfo.InvariantCulture)).Append(" workloads reachable from external addresses (full list: --format json)\n");
            var rows = reachability.Take(20).Select(r => new[] { Truncate(r.Src, 50), Truncate(r.Dst, 50), Truncate(r.Conn, 40) }).ToList();
            AppendTable(sb, ["SOURCE", "DESTINATION", "CONNECTIONS"], rows);
            if (reachability.Count > rows.Count)
            {
                sb.Append("  ... ").Append((reachability.Count - rows.Count).ToString(CultureInfo.InvariantCulture)).Append(" more\n");
            }
        }
        if (report.Rbac is { } rbac)
        {
            RbacSection.AppendText(sb, rbac);
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

    /// <summary>
    /// Manifest findings name the object they are about (ns/Kind/name) and its file and line: one file often holds
    /// many objects, and the line is where to edit.
    /// </summary>
    private static void AppendManifestFindings(StringBuilder sb, IReadOnlyList<Finding> findings)
    {
        var rows = findings
            .OrderBy(f => f.Status)
            .ThenByDescending(f => f.Severity)
            .ThenBy(f => f.CheckId, StringComparer.Ordinal)
            .ThenBy(f => f.Location?.Line)
            .Select(f => new[]
            {
                f.CheckId, ReportNames.Severity(f.Severity), ReportNames.Status(f.Status), f.Target ?? "-", FileAndLine(f.Location),
                Truncate(f.Title, 60), Truncate(f.Evidence ?? string.Empty, 70),
            })
            .ToList();
        AppendTable(sb, ["CHECK", "SEVERITY", "STATUS", "RESOURCE", "LOCATION", "TITLE", "EVIDENCE"], rows);
    }

    /// <summary>"deploy.yaml:12": the file's name (the result's heading gives its path) and the line.</summary>
    private static string FileAndLine(Location? location) => location?.Path is not { } path ? "-"
        : location.Line is { } line ? $"{Path.GetFileName(path)}:{line.ToString(CultureInfo.InvariantCulture)}" : Path.GetFileName(path);

    /// <summary>The verdict, then one line per category: how many, and the first names (the JSON report has every item).</summary>
    private static void AppendAttackSurface(StringBuilder sb, AttackSurface surface)
    {
        sb.Append("\nAttack surface: ").Append(surface.Verdict).Append('\n');
        foreach (var group in surface.Items.GroupBy(i => i.Category, StringComparer.Ordinal))
        {
            var names = group.Select(i => i.Name).Distinct(StringComparer.Ordinal).ToList();
            sb.Append("  ").Append(group.Key).Append(": ").Append(group.Count().ToString(CultureInfo.InvariantCulture))
              .Append(" (").Append(Truncate(string.Join(", ", names), 90)).Append(")\n");
        }
    }

    /// <summary>Trivy's layout: a total per severity, then one row per vulnerability per package, worst first within a package.</summary>
    private static void AppendVulnerabilities(StringBuilder sb, ScanResult result)
    {
        if (result.Vulnerabilities.Count > 0)
        {
            sb.Append("\nVulnerabilities ").Append(Totals(result.Vulnerabilities)).Append('\n');
            var rows = result.Vulnerabilities
                .OrderBy(v => v.PackageName, StringComparer.Ordinal)
                .ThenByDescending(v => v.Severity)
                .ThenBy(v => v.Id, StringComparer.Ordinal)
                .Select(v => new[]
                {
                    v.PackageName, v.Id, ReportNames.Severity(v.Severity), Status(v), v.InstalledVersion,
                    string.Join(", ", v.FixedVersions), Truncate(v.Title ?? string.Empty, 60),
                })
                .ToList();
            AppendTable(sb, ["LIBRARY", "VULNERABILITY", "SEVERITY", "STATUS", "INSTALLED", "FIXED", "TITLE"], rows);
        }
        if (result.Suppressed.Count > 0)
        {
            var byReason = result.Suppressed.GroupBy(s => ReportNames.Reason(s.Reason)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}: {g.Count().ToString(CultureInfo.InvariantCulture)}");
            sb.Append("\nSuppressed: ").Append(result.Suppressed.Count.ToString(CultureInfo.InvariantCulture))
              .Append(" (").Append(string.Join(", ", byReason)).Append(")\n");
            var rows = result.Suppressed
                .OrderBy(s => s.Vulnerability.PackageName, StringComparer.Ordinal)
                .ThenBy(s => s.Vulnerability.Id, StringComparer.Ordinal)
                .Select(s => new[]
                {
                    s.Vulnerability.PackageName, s.Vulnerability.Id, ReportNames.Severity(s.Vulnerability.Severity),
                    ReportNames.Reason(s.Reason), s.Source, Truncate(s.Statement ?? string.Empty, 60),
                })
                .ToList();
            AppendTable(sb, ["LIBRARY", "VULNERABILITY", "SEVERITY", "REASON", "SOURCE", "STATEMENT"], rows);
        }
    }

    /// <summary>One row per secret, worst first; a deleted file's secret says which layer holds it and which hid it.</summary>
    private static void AppendSecrets(StringBuilder sb, IReadOnlyList<SecretFinding> secrets)
    {
        var rows = secrets
            .OrderByDescending(s => s.Severity)
            .ThenBy(s => s.Line)
            .ThenBy(s => s.RuleId, StringComparer.Ordinal)
            .Select(s => new[]
            {
                s.RuleId, ReportNames.Severity(s.Severity), s.Line.ToString(CultureInfo.InvariantCulture),
                s.Layer is { } l ? l.Index.ToString(CultureInfo.InvariantCulture) : "-",
                Where(s), Truncate(s.Match, 80),
            })
            .ToList();
        AppendTable(sb, ["RULE", "SEVERITY", "LINE", "LAYER", "STATE", "MATCH"], rows);
    }

    private static string Where(SecretFinding s) => !s.Deleted ? "present"
        : s.DeletedBy is { } by ? $"removed in layer {by.Index.ToString(CultureInfo.InvariantCulture)}, still in the image"
        : "removed by a later layer, still in the image";

    /// <summary>"Total: 3 (UNKNOWN: 0, LOW: 1, MEDIUM: 0, HIGH: 1, CRITICAL: 1)", Trivy's order.</summary>
    internal static string Totals(IReadOnlyList<DetectedVulnerability> vulnerabilities)
    {
        var counts = new int[5];
        foreach (var v in vulnerabilities)
        {
            counts[(int)v.Severity]++;
        }
        var parts = Enum.GetValues<Severity>().Select(s => $"{ReportNames.Severity(s)}: {counts[(int)s].ToString(CultureInfo.InvariantCulture)}");
        return $"Total: {vulnerabilities.Count.ToString(CultureInfo.InvariantCulture)} ({string.Join(", ", parts)})";
    }

    /// <summary>"3 fail, 5 warn" (then pass, info, manual where listed).</summary>
    private static string FindingTotals(IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return "no findings";
        }
        return string.Join(", ", findings.GroupBy(f => f.Status).OrderBy(g => g.Key)
            .Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {ReportNames.Status(g.Key)}"));
    }

    /// <summary>The status, and a VEX status that kept the finding (affected, under_investigation) after it.</summary>
    private static string Status(DetectedVulnerability v) =>
        v.Vex is { } vex ? $"{ReportNames.Status(v.Status)} (vex: {ReportNames.Vex(vex.Status)})" : ReportNames.Status(v.Status);

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
