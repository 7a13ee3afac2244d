using System.Text;
using Seawall.Core.Model;
using Seawall.Secrets.Engine;

namespace Seawall.Secrets.Analysis;

/// <summary>
/// Secrets in the image config, which every puller reads without unpacking a layer: ENV values, labels and the
/// command of each build step (an ARG or a RUN with a token on its command line is recorded there for good).
/// </summary>
public static class ConfigSecrets
{
    public const string EnvPath = "image config: Env";
    public const string LabelsPath = "image config: Labels";
    public const string HistoryPath = "image config: history";

    /// <param name="history">Each history entry's created_by, with the layer it made (null for a metadata-only step).</param>
    public static IReadOnlyList<ScanResult> Scan(SecretScanner scanner, IReadOnlyList<string> env, IReadOnlyDictionary<string, string> labels,
        IReadOnlyList<(string? CreatedBy, LayerRef? Layer)> history)
    {
        var found = new List<SecretFinding>();
        Add(found, scanner, EnvPath, [.. env.Select(e => (e, (LayerRef?)null))]);
        Add(found, scanner, LabelsPath, [.. labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => ($"{l.Key}={l.Value}", (LayerRef?)null))]);
        Add(found, scanner, HistoryPath, [.. history.Select(h => (h.CreatedBy ?? string.Empty, h.Layer))]);
        return [.. SecretResults.Group(found)];
    }

    /// <summary>Each entry is scanned as one line of text; the finding's line is the entry's 1-based position.</summary>
    private static void Add(List<SecretFinding> found, SecretScanner scanner, string path, List<(string Text, LayerRef? Layer)> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var (text, layer) = entries[i];
            if (text.Length == 0)
            {
                continue;
            }
            // An ENV entry is NAME=value: a line the assignment rules read as such.
            var scan = scanner.Scan(path, Encoding.UTF8.GetBytes(text.Replace('\n', ' ')));
            foreach (var hit in scan.Hits)
            {
                var rule = scanner.Rules.Find(hit.RuleId)!;
                found.Add(new SecretFinding
                {
                    RuleId = rule.Id,
                    Category = rule.Category,
                    Severity = rule.Severity,
                    Title = rule.Title,
                    Path = path,
                    Line = i + 1,
                    Column = hit.Column,
                    Match = hit.Match,
                    Layer = layer,
                });
            }
        }
    }
}
