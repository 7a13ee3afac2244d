using Seawall.Core.FileTree;

namespace Seawall.Core.Analysis;

/// <summary>
/// Walks a tree once, gives each analyzer its files and runs the analyzers in parallel with bounded concurrency.
/// One failing analyzer becomes a warning; it does not stop the scan.
/// </summary>
public sealed class AnalyzerHost(IReadOnlyList<IAnalyzer> analyzers, int maxConcurrency = 4)
{
    public IReadOnlyList<IAnalyzer> Analyzers { get; } = analyzers;

    /// <summary>Executables smaller than this are scripts and stubs, not compiled programs with build info.</summary>
    public const long MinExecutableSize = 4096;

    /// <summary>A regular file's mode and size make it a compiled-program candidate for <see cref="IAnalyzer.WantsExecutables"/>.</summary>
    public static bool IsExecutable(int mode, long size) => (mode & 0x49) != 0 && size >= MinExecutableSize; // any of u+x, g+x, o+x

    /// <summary>Whether an analyzer wants a regular file: by its path, or as an executable.</summary>
    private static bool Wants(IAnalyzer analyzer, string path, int mode, long size) =>
        analyzer.IsApplicable(path) || (analyzer.WantsExecutables && IsExecutable(mode, size));

    /// <summary>Whether any analyzer wants this path: image sources use it to decide what to keep from a layer.</summary>
    public bool WantsPath(string path, int mode = 0, long size = 0)
    {
        foreach (var analyzer in Analyzers)
        {
            if (Wants(analyzer, path, mode, size))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Largest size any analyzer accepts for this path, or -1 when none wants it.</summary>
    public long MaxSizeFor(string path) => MaxSizeFor(path, 0, 0);

    /// <summary>Largest size any analyzer accepts for a regular file with this mode and size, or -1 when none wants it.</summary>
    public long MaxSizeFor(string path, int mode, long size)
    {
        long max = -1;
        foreach (var analyzer in Analyzers)
        {
            if (Wants(analyzer, path, mode, size))
            {
                max = Math.Max(max, analyzer.MaxFileSize);
            }
        }
        return max;
    }

    /// <summary>
    /// The content to keep for a path: condensed by the analyzer that wants it, or kept whole when several do,
    /// since one analyzer's summary is not another's input.
    /// </summary>
    public byte[] Condense(string path, byte[] content) => Condense(path, 0, content);

    /// <summary>
    /// <see cref="Condense(string, byte[])"/> for a regular file with this mode. Binary analyzers condense an executable
    /// that is not theirs to nothing, so when several want a file and at most one keeps anything, that one summary is
    /// kept (nothing at all for the thousands of executables that are neither Go nor Rust); any other mix stays whole.
    /// </summary>
    public byte[] Condense(string path, int mode, byte[] content) =>
        Condense(path, mode, content.Length, analyzer => analyzer.Condense(path, content), () => content);

    /// <summary>
    /// <see cref="Condense(string, int, byte[])"/> from a seekable stream (an image layer reads each file into one reused
    /// buffer): a binary is condensed without a copy of its own, and only what is kept is allocated.
    /// </summary>
    public byte[] Condense(string path, int mode, Stream content) =>
        Condense(path, mode, content.Length, analyzer =>
        {
            content.Position = 0;
            return analyzer.CondenseFrom(path, content);
        }, () =>
        {
            content.Position = 0;
            var whole = new byte[content.Length];
            content.ReadExactly(whole);
            return whole;
        });

    /// <summary>Chunk size of a streamed pass: big enough for fast signature search, small enough to cost nothing.</summary>
    private const int StreamChunk = 1 << 20;

    /// <summary>
    /// Condenses a file too large to hold (a binary in an image layer) in one forward pass over a non-seekable stream:
    /// every analyzer that wants it collects the ranges it reads (<see cref="IAnalyzer.CollectorFor"/>) and then condenses
    /// from the capture. Returns null, before reading a byte, when some analyzer needs the file whole; the caller then
    /// holds it as before. An analyzer that reads past its capture is told so through its own condensed error form.
    /// </summary>
    public byte[]? CondenseStreaming(string path, int mode, Stream content, long size)
    {
        var collectors = new List<ISparseCollector>();
        Dictionary<IAnalyzer, IStreamSummarizer>? summarizers = null;
        foreach (var analyzer in Analyzers)
        {
            if (Wants(analyzer, path, mode, size))
            {
                if (analyzer.SummarizerFor(path, size) is { } summarizer)
                {
                    (summarizers ??= new(ReferenceEqualityComparer.Instance))[analyzer] = summarizer;
                    continue;
                }
                if (analyzer.CollectorFor(path, size) is not { } collector)
                {
                    return null;
                }
                collectors.Add(collector);
            }
        }
        if (collectors.Count == 0 && summarizers is null)
        {
            return null;
        }
        var capture = new SparseCapture(size);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(StreamChunk);
        try
        {
            long offset = 0;
            while (offset < size)
            {
                var want = (int)Math.Min(StreamChunk, size - offset);
                content.ReadExactly(chunk, 0, want);
                var span = chunk.AsSpan(0, want);
                foreach (var collector in collectors)
                {
                    collector.Observe(offset, span, capture);
                }
                if (summarizers is not null)
                {
                    foreach (var summarizer in summarizers.Values)
                    {
                        summarizer.Observe(offset, span);
                    }
                }
                capture.Fill(span);
                offset += want;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        using var sparse = capture.ToStream();
        byte[]? first = null;
        return Condense(path, mode, size, analyzer =>
        {
            byte[] summary;
            if (summarizers is not null && summarizers.TryGetValue(analyzer, out var summarizer))
            {
                summary = summarizer.Finish();
            }
            else
            {
                sparse.Position = 0;
                summary = analyzer.CondenseFrom(path, sparse);
            }
            first ??= summary.Length > 0 ? summary : null;
            return summary;
        }, () => first ?? []); // two summaries of one streamed file (a crafted Go-and-Rust binary): the first wins; each analyzer ignores the other's form

    }

    /// <summary>Feeds a whole stream to a summarizer in chunks: a large file on disk costs one chunk, not its size.</summary>
    public static byte[] Summarize(IStreamSummarizer summarizer, Stream content)
    {
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(StreamChunk);
        try
        {
            long offset = 0;
            int read;
            while ((read = content.Read(chunk, 0, StreamChunk)) > 0)
            {
                summarizer.Observe(offset, chunk.AsSpan(0, read));
                offset += read;
            }
            return summarizer.Finish();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private byte[] Condense(string path, int mode, long size, Func<IAnalyzer, byte[]> condense, Func<byte[]> whole)
    {
        List<IAnalyzer>? wanting = null;
        foreach (var analyzer in Analyzers)
        {
            if (Wants(analyzer, path, mode, size))
            {
                (wanting ??= []).Add(analyzer);
            }
        }
        if (wanting is null)
        {
            return whole();
        }
        if (wanting.Count == 1)
        {
            return condense(wanting[0]);
        }
        byte[]? kept = null;
        foreach (var analyzer in wanting)
        {
            var condensed = condense(analyzer);
            if (condensed.Length == 0)
            {
                continue;
            }
            if (kept is not null)
            {
                return whole();
            }
            kept = condensed;
        }
        return kept ?? [];
    }

    /// <summary>A key naming the analyzer set and versions: part of every cache key.</summary>
    public string Fingerprint =>
        string.Join(',', Analyzers.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => $"{a.Id}@{a.Version}"));

    public async Task<AnalysisSink> RunAsync(IFileTree tree, CancellationToken cancellationToken)
    {
        var sink = new AnalysisSink();
        foreach (var warning in tree.Warnings)
        {
            sink.Warn(warning);
        }
        var perAnalyzer = Analyzers.ToDictionary(a => a, _ => new List<FileNode>());
        var executables = new List<(FileNode Node, List<IAnalyzer> Analyzers)>();
        foreach (var node in tree.Nodes)
        {
            if (node.Kind is FileKind.Directory or FileKind.Other)
            {
                continue;
            }
            List<IAnalyzer>? binaryAnalyzers = null;
            foreach (var analyzer in Analyzers)
            {
                if (analyzer.RegularFilesOnly && node.Kind != FileKind.Regular)
                {
                    continue;
                }
                if (analyzer.IsApplicable(node.Path))
                {
                    perAnalyzer[analyzer].Add(node);
                }
                else if (analyzer.WantsExecutables && node.Kind == FileKind.Regular && IsExecutable(node.Mode, node.Size))
                {
                    (binaryAnalyzers ??= []).Add(analyzer);
                }
            }
            if (binaryAnalyzers is not null)
            {
                executables.Add((node, binaryAnalyzers));
            }
        }
        var binaries = await LoadExecutablesAsync(tree, executables, sink, cancellationToken).ConfigureAwait(false);
        var deleted = DeletedFilesFor(tree);

        using var gate = new SemaphoreSlim(Math.Max(1, maxConcurrency));
        var tasks = perAnalyzer.Where(p => p.Value.Count > 0 || binaries.ContainsKey(p.Key) || deleted.ContainsKey(p.Key)).Select(async pair =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var files = await LoadAsync(tree, pair.Key, pair.Value, sink, cancellationToken).ConfigureAwait(false);
                if (binaries.TryGetValue(pair.Key, out var found))
                {
                    files = [.. files.Concat(found).OrderBy(f => f.Path, StringComparer.Ordinal)];
                }
                if (deleted.TryGetValue(pair.Key, out var gone))
                {
                    files.AddRange(await LoadDeletedAsync(tree, pair.Key, gone, sink, cancellationToken).ConfigureAwait(false));
                }
                if (files.Count > 0)
                {
                    await pair.Key.AnalyzeAsync(new AnalyzerInput(files, tree), sink, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                sink.Warn($"analyzer {pair.Key.Id} failed: {ex.Message}");
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return sink;
    }

    /// <summary>
    /// Reads each executable once for all the binary analyzers that want it and keeps only their summaries, so a scan
    /// of a root with thousands of programs holds a few KB per Go or Rust binary and nothing for the rest. From disk,
    /// the analyzers read through a seekable stream and never load a whole binary.
    /// </summary>
    private async Task<Dictionary<IAnalyzer, List<AnalyzerFile>>> LoadExecutablesAsync(
        IFileTree tree, List<(FileNode Node, List<IAnalyzer> Analyzers)> executables, AnalysisSink sink, CancellationToken ct)
    {
        var found = new System.Collections.Concurrent.ConcurrentDictionary<IAnalyzer, System.Collections.Concurrent.ConcurrentBag<AnalyzerFile>>();
        await Parallel.ForEachAsync(executables, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxConcurrency), CancellationToken = ct }, async (item, token) =>
        {
            var (node, wanting) = item;
            var fitting = new List<IAnalyzer>(wanting.Count);
            foreach (var analyzer in wanting)
            {
                if (node.Size > analyzer.MaxFileSize)
                {
                    sink.Warn($"{node.Path}: {node.Size} bytes is over the {analyzer.MaxFileSize}-byte cap of {analyzer.Id}; skipped");
                }
                else
                {
                    fitting.Add(analyzer);
                }
            }
            if (fitting.Count == 0 || !tree.HasContent(node))
            {
                return;
            }
            var summaries = await SummarizeAsync(tree, node, fitting, sink, token).ConfigureAwait(false);
            foreach (var (analyzer, content) in summaries)
            {
                found.GetOrAdd(analyzer, _ => []).Add(new AnalyzerFile(node.Path, node, content));
            }
        }).ConfigureAwait(false);
        return found.ToDictionary(p => p.Key, p => p.Value.ToList());
    }

    /// <summary>Each analyzer's non-empty summary of one executable.</summary>
    private static async Task<List<(IAnalyzer, byte[])>> SummarizeAsync(IFileTree tree, FileNode node, List<IAnalyzer> analyzers, AnalysisSink sink, CancellationToken ct)
    {
        var result = new List<(IAnalyzer, byte[])>();
        if (tree.ContentIsCondensed)
        {
            // Condensed when the layer was read, once for all of them; each analyzer ignores a summary that is not its own.
            var stored = await tree.ReadAllBytesAsync(node, long.MaxValue, ct).ConfigureAwait(false);
            if (stored is { Length: > 0 })
            {
                result.AddRange(analyzers.Select(a => (a, stored)));
            }
            return result;
        }
        var stream = tree.OpenRead(node);
        byte[]? whole = null;
        if (stream is null)
        {
            whole = await tree.ReadAllBytesAsync(node, analyzers.Max(a => a.MaxFileSize), ct).ConfigureAwait(false);
            if (whole is null)
            {
                return result;
            }
        }
        using (stream)
        {
            foreach (var analyzer in analyzers)
            {
                try
                {
                    byte[] summary;
                    if (stream is not null)
                    {
                        stream.Position = 0;
                        summary = analyzer.CondenseFrom(node.Path, stream);
                    }
                    else
                    {
                        summary = analyzer.Condense(node.Path, whole!);
                    }
                    if (summary.Length > 0)
                    {
                        result.Add((analyzer, summary));
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return result; // unreadable (a file that vanished, a permission): nothing to say about it
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    sink.Warn($"{node.Path}: {analyzer.Id} could not read it ({ex.Message})");
                }
            }
        }
        return result;
    }

    /// <summary>The regular files a later layer deleted or replaced, for each analyzer that wants them.</summary>
    private Dictionary<IAnalyzer, List<FileNode>> DeletedFilesFor(IFileTree tree)
    {
        var result = new Dictionary<IAnalyzer, List<FileNode>>();
        var wanting = Analyzers.Where(a => a.WantsDeletedFiles).ToList();
        if (wanting.Count == 0 || tree.DeletedNodes.Count == 0)
        {
            return result;
        }
        foreach (var node in tree.DeletedNodes)
        {
            if (node.Kind != FileKind.Regular)
            {
                continue;
            }
            foreach (var analyzer in wanting)
            {
                if (analyzer.IsApplicable(node.Path))
                {
                    if (!result.TryGetValue(analyzer, out var list))
                    {
                        result[analyzer] = list = [];
                    }
                    list.Add(node);
                }
            }
        }
        return result;
    }

    private static async Task<List<AnalyzerFile>> LoadDeletedAsync(IFileTree tree, IAnalyzer analyzer, List<FileNode> nodes, AnalysisSink sink, CancellationToken ct)
    {
        var files = new List<AnalyzerFile>(nodes.Count);
        foreach (var node in nodes.OrderBy(n => n.Path, StringComparer.Ordinal).ThenBy(n => n.Layer?.Index ?? -1))
        {
            var gone = tree.DeletedBy(node);
            if (node.Size > analyzer.MaxFileSize)
            {
                sink.Warn($"{node.Path} (layer {node.Layer?.Index}, deleted): {node.Size} bytes is over the {analyzer.MaxFileSize}-byte cap of {analyzer.Id}; skipped");
                continue;
            }
            if (!tree.HasContent(node))
            {
                continue;
            }
            var content = await tree.ReadAllBytesAsync(node, analyzer.MaxFileSize, ct).ConfigureAwait(false);
            if (content is not null)
            {
                files.Add(new AnalyzerFile(node.Path, node, tree.ContentIsCondensed ? content : analyzer.Condense(node.Path, content))
                {
                    Deleted = true,
                    DeletedBy = gone,
                });
            }
        }
        return files;
    }

    /// <summary>Raw files over this size are fed to an analyzer's summarizer from disk in chunks rather than loaded.</summary>
    private const long StreamFromDiskThreshold = 4L * 1024 * 1024;

    private static async Task<List<AnalyzerFile>> LoadAsync(IFileTree tree, IAnalyzer analyzer, List<FileNode> nodes, AnalysisSink sink, CancellationToken ct)
    {
        var files = new List<AnalyzerFile>(nodes.Count);
        foreach (var node in nodes.OrderBy(n => n.Path, StringComparer.Ordinal))
        {
            var target = node.Kind == FileKind.Regular ? node : tree.Resolve(node.Path);
            if (target is null || target.Kind != FileKind.Regular)
            {
                if (node.Kind == FileKind.Symlink && target is null)
                {
                    sink.Warn($"{node.Path}: link to '{node.LinkTarget}' is missing or leaves the root; not followed");
                }
                continue;
            }
            if (target.Size > analyzer.MaxFileSize)
            {
                sink.Warn($"{node.Path}: {target.Size} bytes is over the {analyzer.MaxFileSize}-byte cap of {analyzer.Id}; skipped");
                continue;
            }
            if (!tree.HasContent(target))
            {
                continue;
            }
            if (!tree.ContentIsCondensed && target.Size > StreamFromDiskThreshold
                && analyzer.SummarizerFor(node.Path, target.Size) is { } summarizer && tree.OpenRead(target) is { } stream)
            {
                // A large file on disk that the analyzer reads start to end: one chunk in memory, not the file.
                using (stream)
                {
                    try
                    {
                        files.Add(new AnalyzerFile(node.Path, target, Summarize(summarizer, stream)));
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        sink.Warn($"{node.Path}: could not be read ({ex.Message}); skipped");
                    }
                }
                continue;
            }
            var content = await tree.ReadAllBytesAsync(target, analyzer.MaxFileSize, ct).ConfigureAwait(false);
            if (content is not null)
            {
                if (!tree.ContentIsCondensed)
                {
                    // Raw files from disk (a rootfs, a project): condense per analyzer, so a large binary is held as its summary.
                    content = analyzer.Condense(node.Path, content);
                }
                // The analyzer sees the path it asked for, and the entry (with its layer) that holds the bytes.
                files.Add(new AnalyzerFile(node.Path, target, content));
            }
        }
        return files;
    }
}
