using System.Globalization;
using System.Text;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Reporting.Sbom;

namespace Seawall.Reporting.Writers;

/// <summary>
/// SARIF 2.1.0 (docs.oasis-open.org/sarif) in the subset GitHub code scanning reads: one rule per vulnerability id
/// (short and full description, help text and markdown, helpUri, and properties.security-severity, the 0.0-10.0
/// score GitHub turns into critical/high/medium/low), one result per vulnerability per package, located at the file
/// the package was read from, relative to the scanned root (uriBaseId ROOTPATH), with the layer in its properties.
/// Like Trivy's: levels error (critical, high), warning (medium), note (low, unknown). Suppressed findings are not
/// written: GitHub would raise them as alerts all the same.
/// </summary>
public sealed partial class SarifWriter : IReportWriter
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    public string Format => "sarif";

    public async Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken)
    {
        var findings = report.Results
            .SelectMany(r => r.Vulnerabilities.Select(v => (Result: r, Vulnerability: v)))
            .OrderBy(f => f.Vulnerability.Id, StringComparer.Ordinal)
            .ThenBy(f => f.Vulnerability.PackageName, StringComparer.Ordinal)
            .ThenBy(f => Location(f.Result, f.Vulnerability), StringComparer.Ordinal)
            .ToList();
        var rules = findings.GroupBy(f => f.Vulnerability.Id, StringComparer.Ordinal).ToList();
        var ruleIndex = rules.Select((g, i) => (g.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        // Check findings (host, misconfiguration) follow, one rule per check id, numbered after the vulnerabilities.
        var checks = CheckFindings(report);
        var checkRules = checks.GroupBy(c => c.Finding.CheckId, StringComparer.Ordinal).ToList();
        var checkIndex = checkRules.Select((g, i) => (g.Key, i)).ToDictionary(x => x.Key, x => rules.Count + x.i, StringComparer.Ordinal);
        // Secrets come last, one rule per secret rule id.
        var secrets = SecretFindings(report);
        var secretRules = secrets.GroupBy(s => s.Secret.RuleId, StringComparer.Ordinal).ToList();
        var secretIndex = secretRules.Select((g, i) => (g.Key, i)).ToDictionary(x => x.Key, x => rules.Count + checkRules.Count + x.i, StringComparer.Ordinal);

        await using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("$schema", SchemaUri);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "Seawall");
        w.WriteString("fullName", "Seawall container and host security scanner");
        w.WriteString("informationUri", "https://seawall.dev");
        w.WriteString("version", SbomIds.ToolVersion);
        w.WriteString("semanticVersion", SbomIds.ToolVersion);
        w.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            WriteRule(w, rule.Key, [.. rule.Select(f => f.Vulnerability)], rule.First().Result.Class);
        }
        foreach (var rule in checkRules)
        {
            WriteCheckRule(w, rule.First().Finding, rule.First().Result.Class);
        }
        foreach (var rule in secretRules)
        {
            WriteSecretRule(w, rule.First().Secret);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("results");
        foreach (var (result, v) in findings)
        {
            WriteResult(w, result, v, ruleIndex[v.Id]);
        }
        foreach (var (result, finding) in checks)
        {
            WriteCheckResult(w, result, finding, checkIndex[finding.CheckId]);
        }
        foreach (var (_, secret) in secrets)
        {
            WriteSecretResult(w, secret, secretIndex[secret.RuleId]);
        }
        w.WriteEndArray();
        w.WriteString("columnKind", "utf16CodeUnits");
        w.WriteStartObject("originalUriBaseIds");
        w.WriteStartObject("ROOTPATH");
        w.WriteString("uri", RootUri(report.Artifact));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("artifactName", report.Artifact.Name);
        w.WriteString("artifactType", ReportNames.ArtifactType(report.Artifact.Type));
        if (report.Artifact.Digest is { } digest)
        {
            w.WriteString("imageId", digest);
        }
        if (report.Artifact.RepoTags.Count > 0)
        {
            WriteStrings(w, "repoTags", report.Artifact.RepoTags);
        }
        if (report.Artifact.RepoDigests.Count > 0)
        {
            WriteStrings(w, "repoDigests", report.Artifact.RepoDigests);
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteRule(Utf8JsonWriter w, string id, List<DetectedVulnerability> all, ResultClass resultClass)
    {
        // Packages can rate one flaw differently (a distribution's own severity): the rule takes the worst.
        var worst = all.MaxBy(v => v.Severity)!;
        var (_, url) = VulnerabilitySources.For(id);
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("name", resultClass == ResultClass.OsPackages ? "OsPackageVulnerability" : "LanguageSpecificPackageVulnerability");
        w.WriteStartObject("shortDescription");
        w.WriteString("text", worst.Title ?? id);
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", worst.Description ?? worst.Title ?? id);
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", Level(worst.Severity));
        w.WriteEndObject();
        w.WriteString("helpUri", url);
        var links = all.SelectMany(VulnerabilitySources.WebLinks).Distinct(StringComparer.Ordinal).Take(10).ToList();
        w.WriteStartObject("help");
        w.WriteString("text", HelpText(id, worst, url, links));
        w.WriteString("markdown", HelpMarkdown(id, worst, all, url, links));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("precision", "very-high");
        w.WriteString("security-severity", SecuritySeverity(worst));
        w.WriteStartArray("tags");
        w.WriteStringValue("vulnerability");
        w.WriteStringValue("security");
        w.WriteStringValue(ReportNames.Severity(worst.Severity));
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, ScanResult result, DetectedVulnerability v, int ruleIndex)
    {
        var path = Location(result, v);
        w.WriteStartObject();
        w.WriteString("ruleId", v.Id);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", Level(v.Severity));
        w.WriteStartObject("message");
        w.WriteString("text", Message(v));
        w.WriteEndObject();
        // Package files have no line to point at; GitHub needs a region to place the alert, so the first line.
        WriteLocations(w, path, 1, $"{path}: {v.PackageName}@{v.InstalledVersion}");
        w.WriteStartObject("properties");
        w.WriteString("packageName", v.PackageName);
        w.WriteString("installedVersion", v.InstalledVersion);
        if (v.PackagePurl is { } purl)
        {
            w.WriteString("packagePurl", purl);
        }
        WriteStrings(w, "fixedVersions", v.FixedVersions);
        w.WriteString("status", ReportNames.Status(v.Status));
        w.WriteString("severity", ReportNames.Severity(v.Severity));
        if (v.OwnedBy is { } owner)
        {
            w.WriteString("ownedBy", owner);
        }
        if (v.Layer is { } layer)
        {
            WriteLayer(w, layer);
        }
        if (v.InBaseImage is { } inBase)
        {
            w.WriteBoolean("inBaseImage", inBase);
        }
        if (v.Vex is { } vex)
        {
            w.WriteString("vexStatus", ReportNames.Vex(vex.Status));
            w.WriteString("vexSource", vex.Source);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The one location of a result: the file relative to ROOTPATH and a line (GitHub places alerts on a region).</summary>
    private static void WriteLocations(Utf8JsonWriter w, string path, int line, string? message)
    {
        w.WriteStartArray("locations");
        w.WriteStartObject();
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", UriPath(path));
        w.WriteString("uriBaseId", "ROOTPATH");
        w.WriteEndObject();
        w.WriteStartObject("region");
        w.WriteNumber("startLine", line);
        w.WriteNumber("startColumn", 1);
        w.WriteNumber("endLine", line);
        w.WriteNumber("endColumn", 1);
        w.WriteEndObject();
        w.WriteEndObject();
        if (message is not null)
        {
            w.WriteStartObject("message");
            w.WriteString("text", message);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndArray();
    }

    /// <summary>The package's file, else the result's target: a path relative to the scanned root.</summary>
    private static string Location(ScanResult result, DetectedVulnerability v) => (v.PackagePath ?? result.Target).TrimStart('/');

    /// <summary>A relative URI reference: each segment escaped, so spaces or '#' in a file name stay part of the path.</summary>
    private static string UriPath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// Where ROOTPATH points: the scanned directory for fs and rootfs (GitHub strips the checkout path), the image root
    /// for an image.
    /// </summary>
    private static string RootUri(ArtifactInfo artifact)
    {
        if (artifact.Type is ArtifactType.Filesystem or ArtifactType.Rootfs && Path.IsPathFullyQualified(artifact.Name))
        {
            var uri = new Uri(artifact.Name.EndsWith('/') ? artifact.Name : artifact.Name + "/").AbsoluteUri;
            return uri;
        }
        return "file:///";
    }

    /// <summary>GitHub code scanning's 0-10 score: it ranks alerts critical (9+), high (7+), medium (4+) and low by it.</summary>
    private static string SecuritySeverity(Severity s) => s switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "2.0",
        _ => "0.0",
    };

    /// <summary>The layer that brought a result in: index, diff id and the history line that made it.</summary>
    private static void WriteLayer(Utf8JsonWriter w, LayerRef layer)
    {
        w.WriteStartObject("layer");
        w.WriteNumber("index", layer.Index);
        w.WriteString("diffId", layer.DiffId);
        if (layer.CreatedBy is { } createdBy)
        {
            w.WriteString("createdBy", createdBy);
        }
        w.WriteEndObject();
    }

    private static string Level(Severity s) => s switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>
    /// GitHub reads this score into its severity bands (9.0+ critical, 7.0 high, 4.0 medium, 0.1 low). A CVSS score
    /// that agrees with the reported severity is used as is; otherwise (the severity came from a distribution, or no
    /// vector) a score in the middle of the severity's band, as Trivy does, so GitHub never contradicts the report.
    /// </summary>
    internal static string SecuritySeverity(DetectedVulnerability v)
    {
        var score = v.Cvss.Where(c => c.Severity == v.Severity && c.Score > 0)
            .OrderByDescending(c => c.Version, StringComparer.Ordinal)
            .Select(c => (double?)c.Score)
            .FirstOrDefault() ?? v.Severity switch
            {
                Severity.Critical => 9.5,
                Severity.High => 8.0,
                Severity.Medium => 5.5,
                Severity.Low => 2.0,
                _ => 0.0,
            };
        return score.ToString("0.0", CultureInfo.InvariantCulture);
    }

    private static string Message(DetectedVulnerability v)
    {
        var sb = new StringBuilder();
        sb.Append("Package: ").Append(v.PackageName).Append('\n');
        sb.Append("Installed Version: ").Append(v.InstalledVersion).Append('\n');
        sb.Append("Vulnerability ").Append(v.Id).Append('\n');
        sb.Append("Severity: ").Append(ReportNames.Severity(v.Severity)).Append('\n');
        sb.Append("Fixed Version: ").Append(v.FixedVersions.Count > 0 ? string.Join(", ", v.FixedVersions) : "none (" + ReportNames.Status(v.Status) + ")").Append('\n');
        sb.Append("Link: [").Append(v.Id).Append("](").Append(VulnerabilitySources.For(v.Id).Url).Append(')');
        return sb.ToString();
    }

    private static string HelpText(string id, DetectedVulnerability v, string url, List<string> links)
    {
        var sb = new StringBuilder();
        sb.Append("Vulnerability ").Append(id).Append('\n');
        sb.Append("Severity: ").Append(ReportNames.Severity(v.Severity)).Append('\n');
        if (v.Title is { } title)
        {
            sb.Append(title).Append('\n');
        }
        if (v.Description is { } description)
        {
            sb.Append('\n').Append(description).Append('\n');
        }
        sb.Append('\n').Append("Link: ").Append(url);
        if (links.Count > 0)
        {
            sb.Append("\nReferences:");
            foreach (var link in links)
            {
                sb.Append("\n- ").Append(link);
            }
        }
        return sb.ToString();
    }

    private static string HelpMarkdown(string id, DetectedVulnerability worst, List<DetectedVulnerability> all, string url, List<string> links)
    {
        var sb = new StringBuilder();
        sb.Append("**Vulnerability ").Append(id).Append("**\n");
        if (worst.Title is { } title)
        {
            sb.Append(Cell(title)).Append("\n\n");
        }
        sb.Append("| Severity | Package | Installed Version | Fixed Version | Link |\n| --- | --- | --- | --- | --- |\n");
        foreach (var v in all.DistinctBy(v => (v.PackageName, v.InstalledVersion)))
        {
            sb.Append('|').Append(ReportNames.Severity(v.Severity))
              .Append('|').Append(Cell(v.PackageName))
              .Append('|').Append(Cell(v.InstalledVersion))
              .Append('|').Append(Cell(string.Join(", ", v.FixedVersions)))
              .Append("|[").Append(id).Append("](").Append(url).Append(")|\n");
        }
        if (worst.Description is { } description)
        {
            sb.Append('\n').Append(description).Append('\n');
        }
        if (links.Count > 0)
        {
            sb.Append("\n#### References\n");
            foreach (var link in links)
            {
                sb.Append("- ").Append(link).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>A markdown table cell: a '|' or a line break in it would end the cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

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
