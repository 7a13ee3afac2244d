using Seawall.Artifacts.Cache;
using Seawall.Artifacts.Image;
using Seawall.Core.Analysis;

namespace Seawall.Artifacts.Layers;

/// <summary>Progress of a layer: which one, and whether it came from the cache.</summary>
public sealed record LayerProgress(int Index, int Count, string DiffId, bool FromCache);

/// <summary>
/// Turns an image into a merged file tree: each layer comes from the cache when it can, and is otherwise
/// streamed once (several layers at a time), keeping only what the analyzers asked for.
/// </summary>
public sealed class ImageTreeBuilder(AnalyzerHost analyzers, LayerCache? cache, IProgress<LayerProgress>? progress = null, long maxContentBytes = ImageTreeBuilder.DefaultMaxContentBytes)
{
    /// <summary>File content an image may keep in memory for its analyzers; real images need a few tens of MB.</summary>
    public const long DefaultMaxContentBytes = 1L << 30;

    public async Task<LayeredFileTree> BuildAsync(IImageSource image, CancellationToken cancellationToken)
    {
        var fingerprint = analyzers.Fingerprint;
        var layers = image.Layers;
        var snapshots = new LayerSnapshot[layers.Count];
        var budget = new ContentBudget(maxContentBytes);
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, layers.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var layer = layers[i];
                var cached = cache?.TryGet(layer, fingerprint, warnings.Enqueue);
                if (cached is not null)
                {
                    budget.Take(cached.Contents.Values.Sum(b => (long)b.Length));
                    snapshots[i] = cached;
                    progress?.Report(new LayerProgress(i, layers.Count, layer.DiffId, true));
                    return;
                }
                var stream = await image.OpenLayerAsync(i, ct).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    // Each file is condensed as it is read: the cache and the tree hold summaries, not documents or binaries.
                    var snapshot = await LayerReader.ReadAsync(stream.Tar, layer, analyzers.MaxSizeFor, ct, budget, analyzers.Condense, analyzers.CondenseStreaming).ConfigureAwait(false);
                    // Only a layer whose digests were checked to the last byte, and that holds all that was asked for, goes to the cache.
                    await stream.DrainAndVerifyAsync(ct).ConfigureAwait(false);
                    if (!snapshot.Incomplete)
                    {
                        cache?.Put(snapshot, fingerprint);
                    }
                    snapshots[i] = snapshot;
                }
                progress?.Report(new LayerProgress(i, layers.Count, layer.DiffId, false));
            }).ConfigureAwait(false);
        return new LayeredFileTree(snapshots, warnings.Order(StringComparer.Ordinal));
    }
}
