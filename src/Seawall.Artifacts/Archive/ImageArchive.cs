using System.Security.Cryptography;
using System.Text.Json;
using Seawall.Artifacts.Image;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Archive;

/// <summary>
/// Opens `docker save` archives (legacy and the OCI-based format of Docker 25+) and OCI image layouts,
/// as a tar or a directory, and lists the images they hold.
/// </summary>
public sealed class ImageArchive : IDisposable
{
    private readonly IBlobStore _store;

    private ImageArchive(IBlobStore store, IReadOnlyList<ArchiveImage> images)
    {
        _store = store;
        Images = images;
    }

    public IReadOnlyList<ArchiveImage> Images { get; }

    public static ImageArchive Open(string path, Platform? platform = null)
    {
        IBlobStore store;
        if (Directory.Exists(path))
        {
            store = new DirectoryBlobStore(path);
        }
        else if (File.Exists(path))
        {
            store = new TarBlobStore(path);
        }
        else
        {
            throw new ScanException($"{path}: no such file or directory");
        }
        try
        {
            IReadOnlyList<ArchiveImage> images;
            if (store.Exists("manifest.json"))
            {
                images = ReadDockerArchive(store);
            }
            else if (store.Exists("index.json"))
            {
                images = ReadOciLayout(store, platform);
            }
            else
            {
                throw new ScanException($"{path}: neither a docker save archive (manifest.json) nor an OCI image layout (index.json)");
            }
            if (images.Count == 0)
            {
                throw new ScanException($"{path}: the archive holds no image");
            }
            return new ImageArchive(store, images);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static List<ArchiveImage> ReadDockerArchive(IBlobStore store)
    {
        var what = $"{store.Description}: manifest.json";
        var bytes = ReadSmall(store, "manifest.json", ManifestDocument.MaxManifestBytes, what);
        var images = new List<ArchiveImage>();
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ScanException($"{what}: expected a JSON array of images");
            }
            foreach (var entry in doc.RootElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("Config", out var cfg) || cfg.ValueKind != JsonValueKind.String)
                {
                    throw new ScanException($"{what}: an image entry has no Config");
                }
                var configPath = cfg.GetString()!;
                var configDigest = DigestFromBlobPath(configPath);
                var configBytes = ReadSmall(store, configPath, ImageConfig.MaxConfigBytes, what);
                var actual = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(configBytes));
                if (configDigest is not null && actual != configDigest)
                {
                    throw new DigestMismatchException($"{what}: config {configPath} hashes to {actual}, not {configDigest}");
                }
                var config = ImageConfig.Parse(configBytes, $"{store.Description}: {configPath}");
                var layers = new List<(string, string?)>();
                if (entry.TryGetProperty("Layers", out var ls) && ls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var l in ls.EnumerateArray())
                    {
                        var layerPath = l.GetString() ?? throw new ScanException($"{what}: a layer path is not a string");
                        if (!store.Exists(layerPath))
                        {
                            throw new ScanException($"{what}: layer {layerPath} is missing from the archive");
                        }
                        layers.Add((layerPath, DigestFromBlobPath(layerPath)));
                    }
                }
                CheckLayerCount(config, layers.Count, what);
                var tags = entry.TryGetProperty("RepoTags", out var rt) && rt.ValueKind == JsonValueKind.Array
                    ? rt.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList()
                    : [];
                var name = tags.FirstOrDefault() ?? Path.GetFileName(store.Description.TrimEnd('/'));
                images.Add(new ArchiveImage(store, name, actual, config, layers, tags));
            }
        }
        catch (JsonException ex)
        {
            throw new ScanException($"{what}: not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException ex)
        {
            throw new ScanException($"{what}: malformed ({ex.Message})");
        }
        return images;
    }

    private static List<ArchiveImage> ReadOciLayout(IBlobStore store, Platform? platform)
    {
        var what = $"{store.Description}: index.json";
        var index = ManifestDocument.Parse(ReadSmall(store, "index.json", ManifestDocument.MaxManifestBytes, what), what, ManifestDocument.OciIndex);
        var images = new List<ArchiveImage>();
        foreach (var descriptor in index.Manifests)
        {
            var name = descriptor.RefName ?? descriptor.Annotations.GetValueOrDefault("io.containerd.image.name") ?? descriptor.Digest;
            var manifestDescriptor = descriptor;
            var manifest = ReadManifest(store, descriptor, what);
            // Nested indexes (multi-platform images) resolve to one platform.
            for (var depth = 0; manifest.IsIndex; depth++)
            {
                if (depth > 4)
                {
                    throw new ScanException($"{what}: indexes nested too deep");
                }
                manifestDescriptor = manifest.SelectPlatform(platform, what);
                manifest = ReadManifest(store, manifestDescriptor, what);
            }
            if (manifest.Config is null)
            {
                throw new ScanException($"{what}: manifest {manifestDescriptor.Digest} has no config");
            }
            if (platform is not null && !index.IsIndex && manifestDescriptor.Platform is { } p && !platform.Matches(p))
            {
                continue;
            }
            var configBytes = ReadBlob(store, manifest.Config, ImageConfig.MaxConfigBytes, what);
            var config = ImageConfig.Parse(configBytes, $"{what}: config {manifest.Config.Digest}");
            var layers = manifest.Layers.Select(l => (BlobPath(l.Digest), (string?)l.Digest)).ToList();
            foreach (var (layerPath, _) in layers)
            {
                if (!store.Exists(layerPath))
                {
                    throw new ScanException($"{what}: layer blob {layerPath} is missing from the layout");
                }
            }
            CheckLayerCount(config, layers.Count, what);
            var tags = descriptor.RefName is { } refName ? new List<string> { refName } : [];
            images.Add(new ArchiveImage(store, name, manifest.Config.Digest, config, layers, tags));
        }
        return images;
    }

    private static ManifestDocument ReadManifest(IBlobStore store, Descriptor descriptor, string what) =>
        ManifestDocument.Parse(ReadBlob(store, descriptor, ManifestDocument.MaxManifestBytes, what), $"{what}: manifest {descriptor.Digest}", descriptor.MediaType);

    private static byte[] ReadBlob(IBlobStore store, Descriptor descriptor, int cap, string what)
    {
        var bytes = ReadSmall(store, BlobPath(descriptor.Digest), cap, what);
        var actual = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != descriptor.Digest)
        {
            throw new DigestMismatchException($"{what}: blob {descriptor.Digest} hashes to {actual}");
        }
        return bytes;
    }

    private static void CheckLayerCount(ImageConfig config, int layers, string what)
    {
        if (config.DiffIds.Count != layers)
        {
            throw new ScanException($"{what}: the config names {config.DiffIds.Count} layers but the manifest lists {layers}");
        }
    }

    internal static string BlobPath(string digest) => "blobs/sha256/" + digest[7..];

    /// <summary>"blobs/sha256/hex" and legacy "hex.json" name their own digest; "id/layer.tar" does not.</summary>
    private static string? DigestFromBlobPath(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            name = name[..^5];
        }
        var isBlob = path.Contains("sha256/", StringComparison.Ordinal) || path.EndsWith(".json", StringComparison.Ordinal);
        return isBlob && name.Length == 64 && name.AsSpan().ContainsOnlyHex() ? "sha256:" + name : null;
    }

    private static byte[] ReadSmall(IBlobStore store, string path, int cap, string what)
    {
        var size = store.SizeOf(path);
        if (size < 0)
        {
            throw new ScanException($"{what}: {path} is missing");
        }
        if (size > cap)
        {
            throw new LimitExceededException($"{what}: {path} is {size} bytes, over the {cap}-byte cap");
        }
        using var stream = store.Open(path);
        var bytes = new byte[size];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose() => _store.Dispose();
}
