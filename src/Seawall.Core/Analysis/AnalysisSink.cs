using System.Collections.Concurrent;
using Seawall.Core.Model;

namespace Seawall.Core.Analysis;

/// <summary>What analyzers report. Thread-safe: analyzers run in parallel.</summary>
public sealed class AnalysisSink
{
    private readonly ConcurrentQueue<OsCandidate> _os = new();
    private readonly ConcurrentQueue<ScanResult> _results = new();
    private readonly ConcurrentQueue<string> _warnings = new();

    public void AddOs(OsInfo os, int priority, string source) => _os.Enqueue(new OsCandidate(os, priority, source));

    public void AddResult(ScanResult result) => _results.Enqueue(result);

    public void Warn(string message) => _warnings.Enqueue(message);

    /// <summary>The most specific OS claim wins (a higher priority, then the lexically first source for determinism).</summary>
    public OsInfo? BestOs() =>
        _os.OrderByDescending(c => c.Priority).ThenBy(c => c.Source, StringComparer.Ordinal).Select(c => c.Os).FirstOrDefault();

    public IReadOnlyList<OsCandidate> OsCandidates => [.. _os];

    public IReadOnlyList<ScanResult> Results => [.. _results];

    public IReadOnlyList<string> Warnings => [.. _warnings];
}

public sealed record OsCandidate(OsInfo Os, int Priority, string Source);
