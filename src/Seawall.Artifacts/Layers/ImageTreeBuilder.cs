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
public sealed class ImageTreeBuilder(AnalyzerHost analyzers, LayerCache? cache, IProgress<LayerProgress>? progress = null)
{
    public async Task<LayeredFileTree> BuildAsync(IImageSource image, CancellationToken cancellationToken)
    {
        var fingerprint = analyzers.Fingerprint;
        var layers = image.Layers;
        var snapshots = new LayerSnapshot[layers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, layers.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var layer = layers[i];
                var cached = cache?.TryGet(layer, fingerprint);
                if (cached is not null)
                {
                    snapshots[i] = cached;
                    progress?.Report(new LayerProgress(i, layers.Count, layer.DiffId, true));
                    return;
                }
                var stream = await image.OpenLayerAsync(i, ct).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    // Each file is condensed as it is read: the cache and the tree hold summaries, not documents or binaries.
                    var snapshot = await LayerReader.ReadAsync(stream.Tar, layer, analyzers.MaxSizeFor, ct, analyzers.Condense).ConfigureAwait(false);
                    // Only a layer whose digests were checked to the last byte goes to the cache.
                    await stream.DrainAndVerifyAsync(ct).ConfigureAwait(false);
                    cache?.Put(snapshot, fingerprint);
                    snapshots[i] = snapshot;
                }
                progress?.Report(new LayerProgress(i, layers.Count, layer.DiffId, false));
            }).ConfigureAwait(false);
        return new LayeredFileTree(snapshots);
    }
}
