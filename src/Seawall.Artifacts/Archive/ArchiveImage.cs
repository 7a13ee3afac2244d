using Seawall.Artifacts.Image;
using Seawall.Core.Model;

namespace Seawall.Artifacts.Archive;

/// <summary>One image inside a docker save archive or an OCI layout.</summary>
public sealed class ArchiveImage : IImageSource
{
    private readonly IBlobStore _store;
    private readonly IReadOnlyList<(string Path, string? Digest)> _layerBlobs;

    internal ArchiveImage(IBlobStore store, string name, string? configDigest, ImageConfig config,
        IReadOnlyList<(string Path, string? Digest)> layerBlobs, IReadOnlyList<string> repoTags)
    {
        _store = store;
        Name = name;
        ConfigDigest = configDigest;
        Config = config;
        _layerBlobs = layerBlobs;
        RepoTags = repoTags;
        Layers = config.LayerRefs();
    }

    public string Name { get; }
    public string? ConfigDigest { get; }
    public IReadOnlyList<string> RepoTags { get; }
    public IReadOnlyList<string> RepoDigests => [];
    public ImageConfig Config { get; }
    public IReadOnlyList<LayerRef> Layers { get; }

    public Task<LayerStream> OpenLayerAsync(int index, CancellationToken cancellationToken)
    {
        var (path, digest) = _layerBlobs[index];
        var layer = Layers[index];
        return LayerStreams.OpenAsync(_store.Open(path), digest, layer.DiffId, _store.SizeOf(path), $"layer {index} ({path})", cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
