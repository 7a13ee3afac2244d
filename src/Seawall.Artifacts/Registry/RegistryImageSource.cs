using Seawall.Artifacts.Image;
using Seawall.Core.Errors;
using Seawall.Core.Model;

namespace Seawall.Artifacts.Registry;

/// <summary>
/// An image pulled from a registry: the manifest (through an index to the wanted platform) and the config are
/// fetched, capped and verified up front; layers are streamed from the registry one request each, verified as read.
/// </summary>
public sealed class RegistryImageSource : IImageSource
{
    /// <summary>An index may point at an index (rare, but legal); more than this is refused as a loop or a trap.</summary>
    private const int MaxIndexDepth = 3;

    private static readonly HashSet<string> ConfigMediaTypes = new(StringComparer.Ordinal)
    {
        "application/vnd.oci.image.config.v1+json",
        "application/vnd.docker.container.image.v1+json",
    };

    private readonly RegistryClient _client;
    private readonly IReadOnlyList<Descriptor> _layerBlobs;

    private RegistryImageSource(RegistryClient client, string name, ImageReference reference, string manifestDigest,
        Descriptor config, ImageConfig imageConfig, IReadOnlyList<Descriptor> layerBlobs)
    {
        _client = client;
        Name = name;
        Reference = reference;
        ManifestDigest = manifestDigest;
        ConfigDigest = config.Digest;
        Config = imageConfig;
        _layerBlobs = layerBlobs;
        Layers = imageConfig.LayerRefs();
        RepoTags = reference.FamiliarTag is { } tag ? [tag] : [];
        RepoDigests = [$"{reference.FamiliarRepository}@{manifestDigest}"];
    }

    public string Name { get; }

    public ImageReference Reference { get; }

    /// <summary>The digest of what the reference names: the index for a multi-platform image, as `docker images --digests` shows.</summary>
    public string ManifestDigest { get; }

    public string? ConfigDigest { get; }

    public IReadOnlyList<string> RepoTags { get; }

    public IReadOnlyList<string> RepoDigests { get; }

    public ImageConfig Config { get; }

    public IReadOnlyList<LayerRef> Layers { get; }

    /// <summary>Resolves the reference to one image manifest and loads its config. Throws ScanException with one clear line.</summary>
    public static async Task<RegistryImageSource> OpenAsync(string text, RegistryOptions options, Platform? platform, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(text);
        var client = new RegistryClient(reference.Registry, reference.Repository, options);
        try
        {
            var what = text;
            var top = await client.GetManifestAsync(reference.ManifestReference, what, cancellationToken).ConfigureAwait(false);
            var manifest = ManifestDocument.Parse(top.Content, what, top.MediaType);
            Descriptor? chosen = null;
            for (var depth = 0; manifest.IsIndex; depth++)
            {
                if (depth >= MaxIndexDepth)
                {
                    throw new ScanException($"{what}: indexes nested more than {MaxIndexDepth} deep");
                }
                chosen = manifest.SelectPlatform(platform, what);
                var child = await client.GetManifestAsync(chosen.Digest, $"{what} ({chosen.Platform?.ToString() ?? chosen.Digest})", cancellationToken).ConfigureAwait(false);
                if (chosen.Size >= 0 && child.Content.Length != chosen.Size)
                {
                    throw new ScanException($"{what}: manifest {chosen.Digest} is {child.Content.Length} bytes but the index says {chosen.Size}");
                }
                manifest = ManifestDocument.Parse(child.Content, what, chosen.MediaType is { Length: > 0 } mt ? mt : child.MediaType);
            }
            var configDescriptor = manifest.Config
                ?? throw new ScanException($"{what}: the manifest has no config; it is not a container image");
            if (configDescriptor.MediaType.Length > 0 && !ConfigMediaTypes.Contains(configDescriptor.MediaType))
            {
                throw new ScanException($"{what}: not a container image (config media type {RegistryClient.Sanitize(configDescriptor.MediaType)})");
            }
            foreach (var layer in manifest.Layers)
            {
                if (layer.MediaType.Contains("+encrypted", StringComparison.Ordinal))
                {
                    throw new ScanException($"{what}: layer {layer.Digest} is encrypted ({RegistryClient.Sanitize(layer.MediaType)}); Seawall cannot read it");
                }
                ManifestDocument.ValidateDigest(layer.Digest, what);
            }
            var configBytes = await client.GetBlobAsync(configDescriptor.Digest, configDescriptor.Size, ImageConfig.MaxConfigBytes,
                $"{what} config {configDescriptor.Digest}", cancellationToken).ConfigureAwait(false);
            var config = ImageConfig.Parse(configBytes, what);
            if (config.DiffIds.Count != manifest.Layers.Count)
            {
                throw new ScanException($"{what}: the manifest lists {manifest.Layers.Count} layers but the config {config.DiffIds.Count} diffIDs");
            }
            if (platform is not null && chosen is null && config.Os is { Length: > 0 } os && config.Architecture is { Length: > 0 } arch
                && !platform.Matches(new Platform(os, arch, config.Variant)))
            {
                throw new ScanException($"{what}: the image is for {new Platform(os, arch, config.Variant)}, not {platform}");
            }
            return new RegistryImageSource(client, text, reference, top.Digest, configDescriptor, config, manifest.Layers);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task<LayerStream> OpenLayerAsync(int index, CancellationToken cancellationToken)
    {
        var blob = _layerBlobs[index];
        var layer = Layers[index];
        var what = $"layer {index} ({blob.Digest[..19]})";
        var response = await _client.OpenBlobAsync(blob.Digest, what, cancellationToken).ConfigureAwait(false);
        try
        {
            if (blob.Size >= 0 && response.Content.Headers.ContentLength is long length && length != blob.Size)
            {
                throw new ScanException($"{what}: the registry sends {length} bytes but the manifest says {blob.Size}");
            }
            var raw = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (blob.Size >= 0)
            {
                raw = new BlobLengthStream(raw, blob.Size, what);
            }
            return await LayerStreams.OpenAsync(raw, blob.Digest, layer.DiffId, blob.Size, what, cancellationToken, new ResponseOwner(response)).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Keeps the HTTP response (and its connection) alive until the layer stream is disposed.</summary>
    private sealed class ResponseOwner(HttpResponseMessage response) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
