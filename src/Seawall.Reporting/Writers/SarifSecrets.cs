using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Reporting.Writers;

/// <summary>
/// Secrets in SARIF, as Trivy writes them: one rule per secret rule id, one result per secret at its file and line,
/// the message carrying the masked match (never the secret), the layer and the deleted flag in the properties.
/// </summary>
public sealed partial class SarifWriter
{
    private static List<(ScanResult Result, SecretFinding Secret)> SecretFindings(ScanReport report) =>
        [.. report.Results
            .SelectMany(r => r.Secrets.Select(s => (Result: r, Secret: s)))
            .OrderBy(s => s.Secret.RuleId, StringComparer.Ordinal)
            .ThenBy(s => s.Secret.Path, StringComparer.Ordinal)
            .ThenBy(s => s.Secret.Line)
            .ThenBy(s => s.Secret.Layer?.Index ?? -1)];

    private static void WriteSecretRule(Utf8JsonWriter w, SecretFinding s)
    {
        w.WriteStartObject();
        w.WriteString("id", s.RuleId);
        w.WriteString("name", "Secret");
        w.WriteStartObject("shortDescription");
        w.WriteString("text", s.Title);
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", $"{s.Title} ({s.Category})");
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", Level(s.Severity));
        w.WriteEndObject();
        var help = $"{s.Title}\nCategory: {s.Category}\nSeverity: {ReportNames.Severity(s.Severity)}\nRevoke the secret, then remove it from every layer: a later layer deleting the file does not take it out of the image.";
        w.WriteStartObject("help");
        w.WriteString("text", help);
        w.WriteString("markdown", help.Replace("\n", "\n\n", StringComparison.Ordinal));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("precision", "very-high");
        w.WriteString("security-severity", SecuritySeverity(s.Severity));
        w.WriteStartArray("tags");
        w.WriteStringValue("secret");
        w.WriteStringValue("security");
        w.WriteStringValue(ReportNames.Severity(s.Severity));
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSecretResult(Utf8JsonWriter w, SecretFinding s, int ruleIndex)
    {
        var path = s.Path.TrimStart('/');
        w.WriteStartObject();
        w.WriteString("ruleId", s.RuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", Level(s.Severity));
        w.WriteStartObject("message");
        var state = s.Deleted ? $" (removed in layer {s.DeletedBy?.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, still in the image)" : string.Empty;
        w.WriteString("text", $"{s.Title}: {s.Match}{state}");
        w.WriteEndObject();
        WriteLocations(w, path, Math.Max(1, s.Line), null);
        w.WriteStartObject("properties");
        w.WriteString("category", s.Category);
        w.WriteString("severity", ReportNames.Severity(s.Severity));
        w.WriteBoolean("deleted", s.Deleted);
        if (s.Layer is { } layer)
        {
            WriteLayer(w, layer);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
