using Seawall.Artifacts.Archive;
using Seawall.Artifacts.Image;
using Seawall.Core.Errors;
using Seawall.Core.Model;

namespace Seawall.Artifacts.Engine;

/// <summary>
/// An image in the local Docker Engine. Metadata comes from inspect and history; layer content from the
/// Engine's export (`docker save` format), which is only started when a layer is first opened: a scan whose
/// layers are all in the layer cache never exports. The export streams to a file in a temp directory Seawall
/// owns (never into memory), is read there as an archive, and is deleted when the source is disposed.
/// </summary>
public sealed class EngineImageSource : IImageSource
{
    /// <summary>The export's size cap: twice the daemon's own size for the image plus 4 GiB for tar headers, never more than this.</summary>
    public const long MaxExportBytes = 256L * 1024 * 1024 * 1024;

    private const int MaxInspectBytes = 16 * 1024 * 1024;

    private readonly EngineClient _client;
    private readonly EngineImageMetadata _metadata;
    private readonly Action<string>? _debug;
    private readonly SemaphoreSlim _exportGate = new(1, 1);
    private string? _tempDir;
    private ImageArchive? _archive;
    private ArchiveImage? _exported;

    private EngineImageSource(EngineClient client, string name, EngineImageMetadata metadata, Action<string>? debug)
    {
        _client = client;
        _metadata = metadata;
        _debug = debug;
        Name = name;
        Layers = metadata.Config.LayerRefs();
    }

    public string Name { get; }

    /// <summary>The Engine's image id: the config digest (or, with the containerd image store, the manifest digest).</summary>
    public string? ConfigDigest => _metadata.Id;

    public IReadOnlyList<string> RepoTags => _metadata.RepoTags;

    public IReadOnlyList<string> RepoDigests => _metadata.RepoDigests;

    public ImageConfig Config => _metadata.Config;

    public IReadOnlyList<LayerRef> Layers { get; }

    public DockerHost Host => _client.Host;

    /// <summary>How many times this source exported the image (0 or 1): the warm-scan guarantee, observable.</summary>
    public int ExportCount { get; private set; }

    /// <summary>
    /// Inspects the image. Returns null when the Engine does not have it; throws <see cref="EngineUnavailableException"/>
    /// when no Engine answers, and a ScanException for anything else.
    /// </summary>
    public static async Task<EngineImageSource?> OpenAsync(string reference, DockerHost host, Platform? platform, Action<string>? debug, CancellationToken cancellationToken)
    {
        ValidateReference(reference);
        var client = await EngineClient.ConnectAsync(host, cancellationToken).ConfigureAwait(false);
        try
        {
            debug?.Invoke($"engine: {host} speaks API {client.ApiVersion}");
            var what = $"{reference} (Docker Engine)";
            using var inspect = await client.GetJsonAsync($"/images/{reference}/json", MaxInspectBytes, $"inspect {reference}", cancellationToken).ConfigureAwait(false);
            if (inspect is null)
            {
                debug?.Invoke($"engine: {reference} is not in the Engine");
                client.Dispose();
                return null;
            }
            var id = inspect.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && inspect.RootElement.TryGetProperty("Id", out var i) ? i.GetString() : null;
            if (id is null || !EngineImageMetadata.IsDigest(id))
            {
                throw new ScanException($"{what}: the image inspect has no valid Id");
            }
            // History by id, not by name: a tag moved between the two calls must not mix two images.
            using var history = await client.GetJsonAsync($"/images/{id}/history", MaxInspectBytes, $"history of {reference}", cancellationToken).ConfigureAwait(false);
            var metadata = EngineImageMetadata.Parse(inspect.RootElement, history?.RootElement, what);
            if (platform is not null && metadata.Config.Os is { Length: > 0 } os && metadata.Config.Architecture is { Length: > 0 } arch
                && !platform.Matches(new Platform(os, arch, metadata.Config.Variant)))
            {
                throw new ScanException($"{what}: the local image is for {new Platform(os, arch, metadata.Config.Variant)}, not {platform}");
            }
            debug?.Invoke($"engine: {reference} is {metadata.Id} with {metadata.Config.DiffIds.Count} layers");
            return new EngineImageSource(client, reference, metadata, debug);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task<LayerStream> OpenLayerAsync(int index, CancellationToken cancellationToken)
    {
        var image = await EnsureExportedAsync(cancellationToken).ConfigureAwait(false);
        return await image.OpenLayerAsync(index, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ArchiveImage> EnsureExportedAsync(CancellationToken cancellationToken)
    {
        await _exportGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_exported is not null)
            {
                return _exported;
            }
            if (ExportCount > 0)
            {
                throw new ScanException($"{Name}: the image export failed earlier in this scan");
            }
            ExportCount++;
            _tempDir ??= Directory.CreateTempSubdirectory("seawall-export-").FullName;
            var path = Path.Combine(_tempDir, "image.tar");
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _debug?.Invoke($"engine: export {_metadata.Id} started");
            var bytes = await DownloadAsync(path, cancellationToken).ConfigureAwait(false);
            _debug?.Invoke($"engine: export {_metadata.Id} done, {bytes} bytes in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
            _archive = ImageArchive.Open(path);
            // The export must hold exactly the layers inspect named: the layers are read by index against these diffIDs.
            _exported = _archive.Images.FirstOrDefault(i => i.Config.DiffIds.SequenceEqual(_metadata.Config.DiffIds, StringComparer.Ordinal))
                ?? throw new ScanException($"{Name}: the Engine's export of {_metadata.Id} does not hold the layers its inspect names; was the image removed or replaced during the scan?");
            return _exported;
        }
        finally
        {
            _exportGate.Release();
        }
    }

    private async Task<long> DownloadAsync(string path, CancellationToken cancellationToken)
    {
        // Exported by id: the tag may have moved since inspect.
        using var response = await _client.OpenStreamAsync($"/images/{_metadata.Id}/get", $"export of {Name}", cancellationToken).ConfigureAwait(false);
        var cap = _metadata.Size > 0 ? Math.Min(MaxExportBytes, (_metadata.Size * 2) + (4L << 30)) : MaxExportBytes;
        var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            try
            {
                var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await using (target.ConfigureAwait(false))
                {
                    var buffer = new byte[1 << 20];
                    long total = 0;
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        total += read;
                        if (total > cap)
                        {
                            throw new LimitExceededException($"{Name}: the Engine's export is over {cap} bytes; refusing it");
                        }
                        await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                    return total;
                }
            }
            catch (HttpRequestException ex)
            {
                throw new ScanException($"{Name}: the Engine's export broke off ({DockerHost.Printable(ex.Message)})");
            }
            catch (IOException ex)
            {
                throw new ScanException($"{Name}: cannot store the Engine's export under {_tempDir} ({DockerHost.Printable(ex.Message)})");
            }
        }
    }

    /// <summary>
    /// The reference becomes part of a URL path: only the characters of image references and ids are let through,
    /// so it can never reach another endpoint or a query string.
    /// </summary>
    internal static void ValidateReference(string reference)
    {
        var ok = reference.Length is > 0 and <= 512 && reference[0] != '/' && !reference.Contains("..", StringComparison.Ordinal)
            && !reference.Contains("//", StringComparison.Ordinal)
            && reference.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '/' or '@');
        if (!ok)
        {
            throw new ScanException($"invalid image reference '{DockerHost.Printable(reference)}'");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _exportGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _archive?.Dispose();
            _archive = null;
            _exported = null;
            if (_tempDir is not null)
            {
                try
                {
                    Directory.Delete(_tempDir, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    _debug?.Invoke($"engine: could not remove {_tempDir} ({ex.Message})");
                }
                _tempDir = null;
            }
            _client.Dispose();
        }
        finally
        {
            _exportGate.Release();
        }
    }
}
