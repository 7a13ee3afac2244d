using Seawall.Core.Model;

namespace Seawall.Secrets.Analysis;

/// <summary>Findings to report results: one result per file (or config source), duplicates of one secret folded.</summary>
public static class SecretResults
{
    public const string ResultType = "secret";

    /// <summary>
    /// A file rewritten unchanged by a later layer (a chmod, a COPY of the same file) holds the same secret twice:
    /// it is reported where it is visible, and a deleted copy only when no visible one (or earlier copy) says the same.
    /// </summary>
    public static IEnumerable<ScanResult> Group(IEnumerable<SecretFinding> findings)
    {
        var kept = findings
            .GroupBy(f => (f.RuleId, f.Path, f.Line, f.Column, f.Match))
            .Select(g => g.OrderBy(f => f.Deleted).ThenBy(f => f.Layer?.Index ?? -1).First());
        return kept
            .GroupBy(f => f.Path, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ScanResult
            {
                Target = g.Key,
                Class = ResultClass.Secrets,
                Type = ResultType,
                Secrets = [.. g.OrderBy(f => f.Deleted).ThenBy(f => f.Layer?.Index ?? -1).ThenBy(f => f.Line).ThenBy(f => f.Column).ThenBy(f => f.RuleId, StringComparer.Ordinal)],
            });
    }
}
