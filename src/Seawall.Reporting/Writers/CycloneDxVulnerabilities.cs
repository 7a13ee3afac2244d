using System.Globalization;
using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Reporting.Writers;

/// <summary>
/// The CycloneDX 1.6 "vulnerabilities" array (cyclonedx.org/docs/1.6/json/#vulnerabilities): one entry per vulnerability
/// id, affecting the bom-ref of each package component it was found in, with its ratings (CVSS vectors and the
/// distribution's or advisory's own severity), aliases as references, advisories, and the fix as a recommendation.
/// Findings a VEX document marked not_affected or fixed are listed too, with their analysis: that is what a CycloneDX
/// consumer (Dependency-Track) reads to show them as triaged, rather than losing them. Ignore-file suppressions are left out.
/// </summary>
internal static class CycloneDxVulnerabilities
{
    public static void Write(Utf8JsonWriter w, ScanReport report, List<(ScanResult Result, Package Package, string Ref)> components)
    {
        var entries = new List<(DetectedVulnerability Vulnerability, string? Ref)>();
        foreach (var result in report.Results)
        {
            var vulnerabilities = result.Vulnerabilities
                .Concat(result.Suppressed.Where(s => s.Reason == SuppressionReason.Vex).Select(s => s.Vulnerability))
                .ToList();
            if (vulnerabilities.Count == 0)
            {
                continue;
            }
            var byPurl = new Dictionary<string, string>(StringComparer.Ordinal);
            var byNameVersion = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (r, p, bomRef) in components)
            {
                if (!ReferenceEquals(r, result))
                {
                    continue;
                }
                if (p.Purl is { } purl)
                {
                    byPurl.TryAdd(purl, bomRef);
                }
                byNameVersion.TryAdd(p.Name + "@" + p.Version, bomRef);
            }
            foreach (var v in vulnerabilities)
            {
                var bomRef = v.PackagePurl is { } purl && byPurl.TryGetValue(purl, out var r1) ? r1
                    : byNameVersion.GetValueOrDefault(v.PackageName + "@" + v.InstalledVersion);
                entries.Add((v, bomRef));
            }
        }
        if (entries.Count == 0)
        {
            return;
        }
        // One entry per id and VEX analysis: the same flaw with different triage in two packages must not share one analysis.
        var groups = entries
            .GroupBy(e => (e.Vulnerability.Id, Analysis: AnalysisKey(e.Vulnerability.Vex)))
            .OrderBy(g => g.Key.Id, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Analysis, StringComparer.Ordinal)
            .ToList();
        var refsUsed = new Dictionary<string, int>(StringComparer.Ordinal);
        w.WriteStartArray("vulnerabilities");
        foreach (var group in groups)
        {
            var first = group.First().Vulnerability;
            var all = group.Select(e => e.Vulnerability).ToList();
            var n = refsUsed.GetValueOrDefault(first.Id);
            refsUsed[first.Id] = n + 1;
            w.WriteStartObject();
            w.WriteString("bom-ref", n == 0 ? $"seawall:vulnerability:{first.Id}" : $"seawall:vulnerability:{first.Id}#{n.ToString(CultureInfo.InvariantCulture)}");
            w.WriteString("id", first.Id);
            var (sourceName, sourceUrl) = VulnerabilitySources.For(first.Id);
            w.WriteStartObject("source");
            w.WriteString("name", sourceName);
            w.WriteString("url", sourceUrl);
            w.WriteEndObject();

            var aliases = all.SelectMany(v => v.Aliases).Where(a => !a.Equals(first.Id, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
            if (aliases.Count > 0)
            {
                w.WriteStartArray("references");
                foreach (var alias in aliases)
                {
                    var (name, url) = VulnerabilitySources.For(alias);
                    w.WriteStartObject();
                    w.WriteString("id", alias);
                    w.WriteStartObject("source");
                    w.WriteString("name", name);
                    w.WriteString("url", url);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }

            WriteRatings(w, all);
            if (first.Title is { } title)
            {
                w.WriteString("description", title);
            }
            if (first.Description is { } description)
            {
                w.WriteString("detail", description);
            }
            var fixes = all.Where(v => v.FixedVersions.Count > 0)
                .Select(v => $"Upgrade {v.PackageName} to {string.Join(" or ", v.FixedVersions)}")
                .Distinct(StringComparer.Ordinal).ToList();
            if (fixes.Count > 0)
            {
                w.WriteString("recommendation", string.Join("; ", fixes));
            }
            var links = all.SelectMany(VulnerabilitySources.WebLinks).Distinct(StringComparer.Ordinal).ToList();
            if (links.Count > 0)
            {
                w.WriteStartArray("advisories");
                foreach (var link in links)
                {
                    w.WriteStartObject();
                    w.WriteString("url", link);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (all.Select(v => v.Published).Min() is { } published)
            {
                w.WriteString("published", ReportNames.Time(published));
            }
            if (all.Select(v => v.Modified).Max() is { } modified)
            {
                w.WriteString("updated", ReportNames.Time(modified));
            }
            if (first.Vex is { } vex)
            {
                WriteAnalysis(w, vex);
            }
            var affected = group.Where(e => e.Ref is not null).ToList();
            if (affected.Count > 0)
            {
                w.WriteStartArray("affects");
                foreach (var refGroup in affected.GroupBy(e => e.Ref!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    w.WriteStartObject();
                    w.WriteString("ref", refGroup.Key);
                    w.WriteStartArray("versions");
                    foreach (var version in refGroup.Select(e => e.Vulnerability.InstalledVersion).Distinct(StringComparer.Ordinal))
                    {
                        w.WriteStartObject();
                        w.WriteString("version", version);
                        w.WriteString("status", first.Vex is { Status: VexStatus.NotAffected or VexStatus.Fixed } ? "unaffected" : "affected");
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            var props = new List<(string, string)> { ("seawall:vulnerability:status", ReportNames.Status(first.Status)) };
            if (first.SeveritySource is { } severitySource)
            {
                props.Add(("seawall:vulnerability:severitySource", severitySource));
            }
            if (first.DataSource is { } dataSource)
            {
                props.Add(("seawall:vulnerability:dataSource", dataSource));
            }
            w.WriteStartArray("properties");
            foreach (var (name, value) in props)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("value", value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string AnalysisKey(VexAnalysis? vex) =>
        vex is null ? string.Empty : $"{vex.Status}|{vex.Justification}|{vex.Statement}|{vex.Action}";

    /// <summary>Each CVSS vector once, then each severity an advisory or distribution gave without a vector (method "other").</summary>
    private static void WriteRatings(Utf8JsonWriter w, List<DetectedVulnerability> all)
    {
        var cvss = all.SelectMany(v => v.Cvss).DistinctBy(c => (c.Source, c.Vector)).OrderBy(c => c.Source, StringComparer.Ordinal).ThenBy(c => c.Version, StringComparer.Ordinal).ToList();
        var named = all.Where(v => v.SeveritySource is { } s && s != "cvss" && !cvss.Any(c => c.Source == s && c.Severity == v.Severity))
            .Select(v => (Source: v.SeveritySource!, v.Severity)).Distinct().OrderBy(x => x.Source, StringComparer.Ordinal).ToList();
        var unsourced = cvss.Count == 0 && named.Count == 0;
        w.WriteStartArray("ratings");
        foreach (var c in cvss)
        {
            w.WriteStartObject();
            w.WriteStartObject("source");
            w.WriteString("name", c.Source);
            w.WriteEndObject();
            w.WriteNumber("score", c.Score);
            w.WriteString("severity", Severity(c.Severity));
            w.WriteString("method", c.Version switch
            {
                "2.0" => "CVSSv2",
                "3.0" => "CVSSv3",
                "3.1" => "CVSSv31",
                "4.0" => "CVSSv4",
                _ => "other",
            });
            w.WriteString("vector", c.Vector);
            w.WriteEndObject();
        }
        foreach (var (source, severity) in named)
        {
            w.WriteStartObject();
            w.WriteStartObject("source");
            w.WriteString("name", source);
            w.WriteEndObject();
            w.WriteString("severity", Severity(severity));
            w.WriteString("method", "other");
            w.WriteEndObject();
        }
        if (unsourced)
        {
            w.WriteStartObject();
            w.WriteString("severity", Severity(all[0].Severity));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteAnalysis(Utf8JsonWriter w, VexAnalysis vex)
    {
        w.WriteStartObject("analysis");
        w.WriteString("state", vex.Status switch
        {
            VexStatus.NotAffected => "not_affected",
            VexStatus.Fixed => "resolved",
            VexStatus.Affected => "exploitable",
            _ => "in_triage",
        });
        if (Justification(vex.Justification) is { } justification)
        {
            w.WriteString("justification", justification);
        }
        var responses = (vex.Action ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(r => r is "can_not_fix" or "will_not_fix" or "update" or "rollback" or "workaround_available").ToList();
        if (responses.Count > 0)
        {
            w.WriteStartArray("response");
            foreach (var r in responses)
            {
                w.WriteStringValue(r);
            }
            w.WriteEndArray();
        }
        // The detail carries what has no field of its own: the source file, a free-text statement or action.
        var detail = string.Join(" ", new[]
        {
            vex.Statement,
            responses.Count == 0 && vex.Action is { } action ? "Action: " + action : null,
            $"(VEX: {vex.Source})",
        }.OfType<string>());
        w.WriteString("detail", detail);
        w.WriteEndObject();
    }

    /// <summary>
    /// CycloneDX justifications pass through; OpenVEX's map to the nearest CycloneDX one (component or code not present:
    /// code_not_present; not in the execute path: code_not_reachable; inline mitigations: protected_by_mitigating_control;
    /// cannot be controlled by an adversary: requires_environment). Anything else is left out (it stays in the JSON report).
    /// </summary>
    private static string? Justification(string? justification) => justification switch
    {
        "code_not_present" or "code_not_reachable" or "requires_configuration" or "requires_dependency" or "requires_environment"
            or "protected_by_compiler" or "protected_at_runtime" or "protected_at_perimeter" or "protected_by_mitigating_control" => justification,
        "component_not_present" or "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        _ => null,
    };

    private static string Severity(Severity s) => s switch
    {
        Core.Model.Severity.Critical => "critical",
        Core.Model.Severity.High => "high",
        Core.Model.Severity.Medium => "medium",
        Core.Model.Severity.Low => "low",
        _ => "unknown",
    };
}
