using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Reporting.Writers;

/// <summary>
/// Seawall's own JSON report (schemaVersion 1). Written field by field with Utf8JsonWriter: the names are a
/// contract other tools build on, the order is stable, and no reflection is needed for Native AOT.
/// </summary>
public sealed class JsonReportWriter : IReportWriter
{
    public string Format => "json";

    public async Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken)
    {
        await using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", report.SchemaVersion);
        w.WriteStartObject("artifact");
        w.WriteString("name", report.Artifact.Name);
        w.WriteString("type", ReportNames.ArtifactType(report.Artifact.Type));
        WriteOptional(w, "digest", report.Artifact.Digest);
        WriteOptional(w, "architecture", report.Artifact.Architecture);
        if (report.Artifact.RepoTags.Count > 0)
        {
            WriteStrings(w, "repoTags", report.Artifact.RepoTags);
        }
        if (report.Artifact.RepoDigests.Count > 0)
        {
            WriteStrings(w, "repoDigests", report.Artifact.RepoDigests);
        }
        if (report.Artifact.Layers.Count > 0)
        {
            w.WriteStartArray("layers");
            foreach (var layer in report.Artifact.Layers)
            {
                WriteLayer(w, layer);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (report.Os is { } os)
        {
            w.WriteStartObject("os");
            w.WriteString("family", os.Family);
            w.WriteString("version", os.Version);
            WriteOptional(w, "name", os.Name);
            if (os.Distroless)
            {
                w.WriteBoolean("distroless", true);
            }
            w.WriteEndObject();
        }
        w.WriteStartArray("results");
        foreach (var result in report.Results)
        {
            w.WriteStartObject();
            w.WriteString("target", result.Target);
            w.WriteString("class", ReportNames.ResultClass(result.Class));
            w.WriteString("type", result.Type);
            w.WriteStartArray("packages");
            foreach (var p in result.Packages)
            {
                WritePackage(w, p);
            }
            w.WriteEndArray();
            w.WriteStartArray("vulnerabilities");
            foreach (var v in result.Vulnerabilities)
            {
                WriteVulnerability(w, v);
            }
            w.WriteEndArray();
            if (result.Suppressed.Count > 0)
            {
                w.WriteStartArray("suppressed");
                foreach (var s in result.Suppressed)
                {
                    w.WriteStartObject();
                    w.WriteString("reason", ReportNames.Reason(s.Reason));
                    w.WriteString("source", s.Source);
                    WriteOptional(w, "statement", s.Statement);
                    w.WritePropertyName("vulnerability");
                    WriteVulnerability(w, s.Vulnerability);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartArray("findings");
            foreach (var f in result.Findings)
            {
                WriteFinding(w, f);
            }
            w.WriteEndArray();
            if (result.SuppressedFindings.Count > 0)
            {
                w.WriteStartArray("suppressedFindings");
                foreach (var s in result.SuppressedFindings)
                {
                    w.WriteStartObject();
                    w.WriteString("source", s.Source);
                    WriteOptional(w, "statement", s.Statement);
                    w.WritePropertyName("finding");
                    WriteFinding(w, s.Finding);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartArray("secrets");
            foreach (var secret in result.Secrets)
            {
                WriteSecret(w, secret);
            }
            w.WriteEndArray();
            if (result.Risk is { } risk)
            {
                WriteRisk(w, risk);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (report.Containers is { } overview)
        {
            WriteOverview(w, overview);
        }
        if (report.Compliance is { } compliance)
        {
            ComplianceSection.WriteJson(w, compliance);
        }
        if (report.AttackSurface is { } surface)
        {
            WriteAttackSurface(w, surface);
        }
        if (report.Rbac is { } rbac)
        {
            RbacSection.WriteJson(w, rbac);
        }
        if (report.Warnings.Count > 0)
        {
            WriteStrings(w, "warnings", report.Warnings);
        }
        if (report.Reachability is { } reachability)
        {
            w.WriteStartArray("reachability");
            foreach (var connection in reachability)
            {
                w.WriteStartObject();
                w.WriteString("src", connection.Src);
                w.WriteString("dst", connection.Dst);
                w.WriteString("conn", connection.Conn);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        await w.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteRisk(Utf8JsonWriter w, ContainerRisk risk)
    {
        w.WriteStartObject("risk");
        w.WriteString("containerId", risk.ContainerId);
        w.WriteString("image", risk.Image);
        w.WriteString("grade", risk.Grade);
        WriteStrings(w, "reasons", risk.Reasons);
        WriteStrings(w, "hostRootPaths", risk.HostRootPaths);
        w.WriteBoolean("kernelChecked", risk.KernelChecked);
        w.WriteEndObject();
    }

    private static void WriteAttackSurface(Utf8JsonWriter w, AttackSurface surface)
    {
        w.WriteStartObject("attackSurface");
        w.WriteString("verdict", surface.Verdict);
        w.WriteString("rule", surface.VerdictRule);
        w.WriteStartArray("items");
        foreach (var item in surface.Items)
        {
            w.WriteStartObject();
            w.WriteString("category", item.Category);
            w.WriteString("name", item.Name);
            w.WriteString("path", item.Path);
            WriteOptional(w, "target", item.Target);
            if (item.Layer is { } layer)
            {
                w.WritePropertyName("layer");
                WriteLayer(w, layer);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteOverview(Utf8JsonWriter w, ContainerOverview overview)
    {
        w.WriteStartObject("containers");
        WriteOptional(w, "daemon", overview.Daemon);
        w.WriteNumber("total", overview.Containers);
        w.WriteNumber("reachHostRoot", overview.ReachHostRoot);
        w.WriteStartObject("byPath");
        foreach (var (path, names) in overview.ByPath)
        {
            WriteStrings(w, path, names);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePackage(Utf8JsonWriter w, Package p)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("version", p.Version);
        WriteOptional(w, "purl", p.Purl);
        WriteOptional(w, "sourceName", p.SourceName);
        WriteOptional(w, "sourceVersion", p.SourceVersion);
        WriteOptional(w, "arch", p.Arch);
        if (p.Epoch is { } epoch)
        {
            w.WriteNumber("epoch", epoch);
        }
        WriteOptional(w, "release", p.Release);
        if (p.Licenses.Count > 0)
        {
            WriteStrings(w, "licenses", p.Licenses);
        }
        WriteOptional(w, "ecosystem", p.Ecosystem);
        if (p.Direct is { } direct)
        {
            w.WriteBoolean("direct", direct);
        }
        if (p.Dev)
        {
            w.WriteBoolean("dev", true);
        }
        if (p.Optional)
        {
            w.WriteBoolean("optional", true);
        }
        WriteOptional(w, "commit", p.Commit);
        WriteOptional(w, "ownedBy", p.OwnedBy);
        WriteOptional(w, "filePath", p.FilePath);
        if (p.Layer is { } layer)
        {
            w.WritePropertyName("layer");
            WriteLayer(w, layer);
        }
        if (p.DependsOn.Count > 0)
        {
            WriteStrings(w, "dependsOn", p.DependsOn);
        }
        if (p.InstalledFiles.Count > 0)
        {
            WriteStrings(w, "installedFiles", p.InstalledFiles);
        }
        w.WriteEndObject();
    }

    private static void WriteVulnerability(Utf8JsonWriter w, DetectedVulnerability v)
    {
        w.WriteStartObject();
        w.WriteString("id", v.Id);
        WriteStrings(w, "aliases", v.Aliases);
        w.WriteString("packageName", v.PackageName);
        WriteOptional(w, "packagePurl", v.PackagePurl);
        w.WriteString("installedVersion", v.InstalledVersion);
        WriteOptional(w, "ecosystem", v.Ecosystem);
        WriteOptional(w, "packagePath", v.PackagePath);
        WriteOptional(w, "ownedBy", v.OwnedBy);
        if (v.Layer is { } layer)
        {
            w.WritePropertyName("layer");
            WriteLayer(w, layer);
        }
        if (v.InBaseImage is { } inBase)
        {
            w.WriteBoolean("inBaseImage", inBase);
        }
        WriteStrings(w, "fixedVersions", v.FixedVersions);
        w.WriteString("status", ReportNames.Status(v.Status));
        WriteOptional(w, "statusNote", v.StatusNote);
        w.WriteString("severity", ReportNames.Severity(v.Severity));
        WriteOptional(w, "severitySource", v.SeveritySource);
        w.WriteStartArray("cvss");
        foreach (var c in v.Cvss)
        {
            w.WriteStartObject();
            w.WriteString("source", c.Source);
            w.WriteString("version", c.Version);
            w.WriteString("vector", c.Vector);
            w.WriteNumber("score", c.Score);
            w.WriteString("severity", ReportNames.Severity(c.Severity));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteOptional(w, "title", v.Title);
        WriteOptional(w, "description", v.Description);
        WriteStrings(w, "references", v.References);
        WriteOptional(w, "dataSource", v.DataSource);
        if (v.Published is { } published)
        {
            w.WriteString("published", ReportNames.Time(published));
        }
        if (v.Modified is { } modified)
        {
            w.WriteString("modified", ReportNames.Time(modified));
        }
        if (v.Vex is { } vex)
        {
            w.WriteStartObject("vex");
            w.WriteString("status", ReportNames.Vex(vex.Status));
            w.WriteString("source", vex.Source);
            WriteOptional(w, "justification", vex.Justification);
            WriteOptional(w, "statement", vex.Statement);
            WriteOptional(w, "action", vex.Action);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("checkId", f.CheckId);
        w.WriteString("title", f.Title);
        w.WriteString("severity", ReportNames.Severity(f.Severity));
        w.WriteString("status", ReportNames.Status(f.Status));
        WriteOptional(w, "target", f.Target);
        if (f.Location is { } loc)
        {
            w.WriteStartObject("location");
            WriteOptional(w, "path", loc.Path);
            if (loc.Line is { } line)
            {
                w.WriteNumber("line", line);
            }
            WriteOptional(w, "document", loc.Document);
            WriteOptional(w, "jsonPath", loc.JsonPath);
            if (loc.Layer is { } findingLayer)
            {
                w.WritePropertyName("layer");
                WriteLayer(w, findingLayer);
            }
            w.WriteEndObject();
        }
        WriteOptional(w, "evidence", f.Evidence);
        WriteOptional(w, "remediation", f.Remediation);
        WriteOptional(w, "fix", f.Fix);
        WriteStrings(w, "references", f.References);
        w.WriteEndObject();
    }

    /// <summary>A secret: where it is and what kind, with the match masked (the report never holds the secret).</summary>
    private static void WriteSecret(Utf8JsonWriter w, SecretFinding s)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", s.RuleId);
        w.WriteString("category", s.Category);
        w.WriteString("severity", ReportNames.Severity(s.Severity));
        w.WriteString("title", s.Title);
        w.WriteString("path", s.Path);
        w.WriteNumber("line", s.Line);
        w.WriteNumber("column", s.Column);
        w.WriteString("match", s.Match);
        if (s.Layer is { } layer)
        {
            w.WritePropertyName("layer");
            WriteLayer(w, layer);
        }
        w.WriteBoolean("deleted", s.Deleted);
        if (s.DeletedBy is { } by)
        {
            w.WritePropertyName("deletedBy");
            WriteLayer(w, by);
        }
        w.WriteEndObject();
    }

    private static void WriteLayer(Utf8JsonWriter w, LayerRef layer)
    {
        w.WriteStartObject();
        w.WriteNumber("index", layer.Index);
        w.WriteString("diffId", layer.DiffId);
        WriteOptional(w, "createdBy", layer.CreatedBy);
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
