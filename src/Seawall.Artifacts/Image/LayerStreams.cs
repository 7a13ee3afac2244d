using Seawall.Artifacts.Streams;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Image;

/// <summary>Builds the verified, bounded, decompressed stream every source hands out for a layer blob.</summary>
public static class LayerStreams
{
    /// <summary>Uncompressed bytes allowed per compressed byte, above the floor below. gzip peaks near 1032:1; real layers sit far below 50:1.</summary>
    public const long MaxExpansionRatio = 100;

    /// <summary>Below this size the ratio is not enforced: small, highly compressible layers are common.</summary>
    public const long RatioFloorBytes = 512L * 1024 * 1024;

    /// <summary>A hard cap for one layer's uncompressed size, whatever its ratio.</summary>
    public const long MaxLayerBytes = 64L * 1024 * 1024 * 1024;

    /// <param name="raw">The blob as stored.</param>
    /// <param name="blobDigest">The digest the manifest names the blob by (null when the stored blob is the tar, whose digest is the diffID).</param>
    /// <param name="diffId">The diffID the config names the layer by.</param>
    /// <param name="compressedSize">The stored blob's size, or -1.</param>
    public static async Task<LayerStream> OpenAsync(Stream raw, string? blobDigest, string diffId, long compressedSize, string what, CancellationToken ct, IAsyncDisposable? owner = null)
    {
        // An uncompressed blob is named by its diffID, and an archive's "id/layer.tar" by no digest at all: the diffID
        // hash below already covers every byte, so hashing the blob too would only double the work.
        Stream blob = blobDigest is null || string.Equals(blobDigest, diffId, StringComparison.OrdinalIgnoreCase)
            ? raw
            : new HashingReadStream(raw, blobDigest, what + " blob");
        Stream decompressed;
        try
        {
            decompressed = await Decompression.OpenAsync(blob, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            await blob.DisposeAsync().ConfigureAwait(false);
            throw new ScanException($"{what}: cannot read the layer ({ex.Message})");
        }
        var limit = compressedSize > 0
            ? Math.Min(MaxLayerBytes, Math.Max(RatioFloorBytes, compressedSize * MaxExpansionRatio))
            : MaxLayerBytes;
        var bounded = new LimitedReadStream(new DecompressionGuardStream(decompressed, what), limit, what);
        var tar = new HashingReadStream(bounded, diffId, what + " diffID");
        return new LayerStream(tar, compressedSize, async token =>
        {
            // Tar readers stop at the end-of-archive marker; read the padding too so both hashes see every byte.
            var buffer = new byte[81920];
            while (await tar.ReadAsync(buffer, token).ConfigureAwait(false) > 0)
            {
            }
            // The blob hash only completes when the compressed stream is also at its end (gzip may leave trailing bytes).
            while (await blob.ReadAsync(buffer, token).ConfigureAwait(false) > 0)
            {
            }
        }, owner);
    }
}
