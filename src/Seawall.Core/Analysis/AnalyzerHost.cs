using Seawall.Core.FileTree;

namespace Seawall.Core.Analysis;

/// <summary>
/// Walks a tree once, gives each analyzer its files and runs the analyzers in parallel with bounded concurrency.
/// One failing analyzer becomes a warning; it does not stop the scan.
/// </summary>
public sealed class AnalyzerHost(IReadOnlyList<IAnalyzer> analyzers, int maxConcurrency = 4)
{
    public IReadOnlyList<IAnalyzer> Analyzers { get; } = analyzers;

    /// <summary>Whether any analyzer wants this path: image sources use it to decide what to keep from a layer.</summary>
    public bool WantsPath(string path)
    {
        foreach (var analyzer in Analyzers)
        {
            if (analyzer.IsApplicable(path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Largest size any analyzer accepts for this path, or -1 when none wants it.</summary>
    public long MaxSizeFor(string path)
    {
        long max = -1;
        foreach (var analyzer in Analyzers)
        {
            if (analyzer.IsApplicable(path))
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
    public byte[] Condense(string path, byte[] content)
    {
        IAnalyzer? only = null;
        foreach (var analyzer in Analyzers)
        {
            if (analyzer.IsApplicable(path))
            {
                if (only is not null)
                {
                    return content;
                }
                only = analyzer;
            }
        }
        return only is null ? content : only.Condense(path, content);
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
        foreach (var node in tree.Nodes)
        {
            if (node.Kind is FileKind.Directory or FileKind.Other)
            {
                continue;
            }
            foreach (var analyzer in Analyzers)
            {
                if (analyzer.IsApplicable(node.Path))
                {
                    perAnalyzer[analyzer].Add(node);
                }
            }
        }

        using var gate = new SemaphoreSlim(Math.Max(1, maxConcurrency));
        var tasks = perAnalyzer.Where(p => p.Value.Count > 0).Select(async pair =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var files = await LoadAsync(tree, pair.Key, pair.Value, sink, cancellationToken).ConfigureAwait(false);
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
