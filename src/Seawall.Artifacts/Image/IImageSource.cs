using Seawall.Core.Model;

namespace Seawall.Artifacts.Image;

/// <summary>
/// One image from any source (archive, OCI layout, registry, daemon). Metadata is cheap; layer content
/// is opened one layer at a time, streamed, and its digests are checked as it is read.
/// </summary>
public interface IImageSource : IAsyncDisposable
{
    /// <summary>The name the user gave, or the archive's tag.</summary>
    string Name { get; }

    /// <summary>Image id: the config digest (what `docker images --digests` calls ID).</summary>
    string? ConfigDigest { get; }

    IReadOnlyList<string> RepoTags { get; }

    /// <summary>Digests the image is known by in registries (repo@sha256:...).</summary>
    IReadOnlyList<string> RepoDigests { get; }

    ImageConfig Config { get; }

    /// <summary>The layers, in order; each knows its diffID and the step that created it.</summary>
    IReadOnlyList<LayerRef> Layers { get; }

    /// <summary>Opens layer i as an uncompressed tar stream. Reading it to its end verifies the blob digest and the diffID.</summary>
    Task<LayerStream> OpenLayerAsync(int index, CancellationToken cancellationToken);
}

/// <summary>
/// An opened layer. Tar is the decompressed tar; Verify is called after the tar was read to its end
/// and throws when a digest did not match.
/// </summary>
public sealed class LayerStream(Stream tar, long compressedSize, Func<CancellationToken, Task> drainAndVerify, IAsyncDisposable? owner = null) : IAsyncDisposable
{
    public Stream Tar { get; } = tar;

    /// <summary>Size of the stored (maybe compressed) blob, for the expansion-ratio cap; -1 when unknown.</summary>
    public long CompressedSize { get; } = compressedSize;

    public Task DrainAndVerifyAsync(CancellationToken cancellationToken) => drainAndVerify(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Tar.DisposeAsync().ConfigureAwait(false);
        if (owner is not null)
        {
            await owner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
