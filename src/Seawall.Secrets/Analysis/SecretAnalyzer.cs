using Seawall.Core.Analysis;
using Seawall.Core.Model;
using Seawall.Secrets.Engine;

namespace Seawall.Secrets.Analysis;

/// <summary>
/// The secret scanner as an analyzer, so it rides the one pass over each layer: every text file is scanned as the
/// layer reader streams past it (large ones chunk by chunk), and only the masked findings are kept and cached. It
/// also sees the files a later layer deleted or replaced: they are still in the image for anyone who pulls it.
/// </summary>
public sealed class SecretAnalyzer(SecretScanner scanner) : IAnalyzer
{
    /// <summary>
    /// Largest file scanned. Files over 4 MB stream through a bounded window, so this caps time, not memory: a
    /// 256 MB log is scanned, a 2 GB disk image is skipped with a warning.
    /// </summary>
    public const long MaxScannedFileSize = 256L * 1024 * 1024;

    public string Id => "secret";

    /// <summary>The rule set's fingerprint: another rule set or config is another cache key.</summary>
    public int Version => scanner.Rules.Fingerprint;

    public long MaxFileSize => MaxScannedFileSize;

    public bool WantsDeletedFiles => true;

    public bool RegularFilesOnly => true;

    public bool IsApplicable(string path) => scanner.Rules.ScansPath(path);

    public byte[] Condense(string path, byte[] content) =>
        SecretSummary.IsSummary(content) ? content : SecretSummary.Encode(scanner.Scan(path, content));

    public byte[] CondenseFrom(string path, Stream content)
    {
        // The layer reader hands a publicly visible MemoryStream over its buffer: scan it in place, no copy.
        if (content is MemoryStream memory && memory.TryGetBuffer(out var segment))
        {
            var span = segment.AsSpan((int)memory.Position);
            return SecretSummary.IsSummary(span) ? span.ToArray() : SecretSummary.Encode(scanner.Scan(path, span));
        }
        var head = new byte[SecretScanner.BinaryProbe];
        var n = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (SecretScanner.LooksBinary(head.AsSpan(0, n)))
        {
            return [];
        }
        var summarizer = new Summarizer(scanner.BeginStream(path));
        summarizer.Observe(0, head.AsSpan(0, n));
        return AnalyzerHost.Summarize(new OffsetSummarizer(summarizer, n), content);
    }

    public IStreamSummarizer? SummarizerFor(string path, long size) => new Summarizer(scanner.BeginStream(path));

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        var found = new List<SecretFinding>();
        foreach (var file in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Our summary, or the file itself when another analyzer's summary was kept beside ours (both kept whole).
            var scan = SecretSummary.IsSummary(file.Content) ? SecretSummary.Decode(file.Content) : scanner.Scan(file.Path, file.Content);
            foreach (var warning in scan.Warnings)
            {
                sink.Warn(file.Deleted ? $"{warning} (deleted file, layer {file.Node.Layer?.Index})" : warning);
            }
            foreach (var hit in scan.Hits)
            {
                if (scanner.Rules.Find(hit.RuleId) is not { } rule)
                {
                    continue; // a cached summary from another rule set cannot happen (the fingerprint is in the key), but stay safe
                }
                found.Add(new SecretFinding
                {
                    RuleId = rule.Id,
                    Category = rule.Category,
                    Severity = rule.Severity,
                    Title = rule.Title,
                    Path = file.Path,
                    Line = hit.Line,
                    Column = hit.Column,
                    Match = hit.Match,
                    Layer = file.Node.Layer,
                    Deleted = file.Deleted,
                    DeletedBy = file.Deleted ? file.DeletedBy : null,
                });
            }
        }
        foreach (var result in SecretResults.Group(found))
        {
            sink.AddResult(result);
        }
        return Task.CompletedTask;
    }

    private sealed class Summarizer(StreamingSecretScan scan) : IStreamSummarizer
    {
        public void Observe(long offset, ReadOnlySpan<byte> chunk) => scan.Observe(chunk);

        public byte[] Finish() => SecretSummary.Encode(scan.Finish());
    }

    /// <summary>Continues a summarizer that already saw the first bytes of the stream.</summary>
    private sealed class OffsetSummarizer(IStreamSummarizer inner, long skip) : IStreamSummarizer
    {
        public void Observe(long offset, ReadOnlySpan<byte> chunk) => inner.Observe(offset + skip, chunk);

        public byte[] Finish() => inner.Finish();
    }
}
