using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Seawall.Tests.Support;

// Shared by the unit and integration test projects (the integration project links this file).

/// <summary>How an image is stored on disk.</summary>
public enum ArchiveFormat
{
    /// <summary>`docker save` before Docker 25: id/layer.tar (uncompressed), hex.json config, manifest.json.</summary>
    DockerLegacy,

    /// <summary>`docker save` from Docker 25 on: an OCI layout in a tar plus Docker's manifest.json.</summary>
    DockerOci,

    /// <summary>An OCI image layout directory (oci-layout, index.json, blobs/sha256).</summary>
    OciLayoutDirectory,

    /// <summary>An OCI image layout packed in a tar.</summary>
    OciLayoutTar,
}

public enum LayerCompression
{
    /// <summary>The format's own choice: uncompressed for docker save, gzip for OCI layouts.</summary>
    Default,
    None,
    Gzip,
    Zstd,
}

/// <summary>One tar entry of a layer, written exactly as given (hostile names included).</summary>
public sealed record LayerEntry(TarEntryType Type, string Name, Func<Stream>? Content = null, string? LinkName = null, int Mode = 0x1A4 /* 0644 */);

/// <summary>An in-memory description of one layer: files, directories, links, whiteouts.</summary>
public sealed class LayerSpec
{
    private readonly List<Func<IEnumerable<LayerEntry>>> _entries = [];

    public string? CreatedBy { get; set; }

    public LayerCompression Compression { get; set; } = LayerCompression.Default;

    public CompressionLevel Level { get; set; } = CompressionLevel.Fastest;

    /// <summary>The layer's tar exactly as given (hand-made headers), instead of the entries.</summary>
    public byte[]? RawTar { get; set; }

    /// <summary>Changes the stored blob after its digests were computed (truncate it, flip a byte).</summary>
    public Action<FileStream>? TamperBlob { get; set; }

    public IEnumerable<LayerEntry> Entries => _entries.SelectMany(e => e());

    public LayerSpec Add(LayerEntry entry)
    {
        _entries.Add(() => [entry]);
        return this;
    }

    public LayerSpec File(string path, string content, int mode = 0x1A4) => File(path, Encoding.UTF8.GetBytes(content), mode);

    public LayerSpec File(string path, byte[] content, int mode = 0x1A4) =>
        Add(new LayerEntry(TarEntryType.RegularFile, path, () => new MemoryStream(content, writable: false), null, mode));

    /// <summary>A file of zeros, streamed: large files never sit in memory.</summary>
    public LayerSpec ZeroFile(string path, long length) =>
        Add(new LayerEntry(TarEntryType.RegularFile, path, () => new ZeroStream(length)));

    public LayerSpec Dir(string path, int mode = 0x1ED /* 0755 */) => Add(new LayerEntry(TarEntryType.Directory, path.TrimEnd('/') + "/", null, null, mode));

    public LayerSpec Symlink(string path, string target) => Add(new LayerEntry(TarEntryType.SymbolicLink, path, null, target, 0x1FF));

    public LayerSpec Hardlink(string path, string target) => Add(new LayerEntry(TarEntryType.HardLink, path, null, target));

    /// <summary>An AUFS/OCI whiteout: ".wh.name" beside the deleted path.</summary>
    public LayerSpec Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        var name = slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..];
        return File(name, []);
    }

    /// <summary>An opaque directory: ".wh..wh..opq" hides what lower layers put in it.</summary>
    public LayerSpec Opaque(string dir) => File(dir.TrimEnd('/') + "/.wh..wh..opq", []);

    /// <summary>Many small files, generated while the tar is written (count of them, each `size` bytes).</summary>
    public LayerSpec ManyFiles(string prefix, int count, int size)
    {
        var content = new byte[size];
        Array.Fill(content, (byte)'x');
        _entries.Add(() => Enumerable.Range(0, count).Select(i =>
            new LayerEntry(TarEntryType.RegularFile, $"{prefix}/d{i / 1000:D3}/f{i:D6}", () => new MemoryStream(content, writable: false))));
        return this;
    }
}

/// <summary>An image: its layers, bottom first, and archive-level tweaks for hostile cases.</summary>
public sealed class ImageSpec
{
    public List<LayerSpec> Layers { get; } = [];

    public string RepoTag { get; set; } = "seawall-test/image:latest";

    public string Architecture { get; set; } = "amd64";

    /// <summary>Adds an empty_layer history entry (ENV, CMD...) before each layer, as real builds do.</summary>
    public bool EmptyLayerHistory { get; set; } = true;

    /// <summary>Replaces manifest.json (docker formats) or index.json (OCI layouts) with these bytes.</summary>
    public byte[]? ManifestOverride { get; set; }

    /// <summary>Edits the image config before it is written (and its digest computed).</summary>
    public Action<JsonObject>? EditConfig { get; set; }

    /// <summary>Extra members of the outer archive tar (hostile names, links), written after the image.</summary>
    public List<LayerEntry> ExtraArchiveEntries { get; } = [];

    public LayerSpec AddLayer(string? createdBy = null)
    {
        var layer = new LayerSpec { CreatedBy = createdBy ?? $"RUN step {Layers.Count + 1}" };
        Layers.Add(layer);
        return layer;
    }
}

public sealed record BuiltLayer(int Index, string DiffId, string BlobDigest, long BlobSize, string PathInArchive, string? CreatedBy);

public sealed record BuiltImage(string Path, ArchiveFormat Format, string ConfigDigest, IReadOnlyList<BuiltLayer> Layers);

/// <summary>
/// Writes real `docker save` archives and OCI layouts from an <see cref="ImageSpec"/>, with real sha256 diffIDs
/// and blob digests and a config whose history names each layer's created_by. Blobs are streamed through
/// hashing streams to disk, so layers of any size cost no memory.
/// </summary>
public static class ImageBuilder
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static BuiltImage Write(ImageSpec spec, string path, ArchiveFormat format)
    {
        var isTar = format != ArchiveFormat.OciLayoutDirectory;
        var staging = isTar ? path + ".staging" : path;
        Directory.CreateDirectory(Path.Combine(staging, "blobs", "sha256"));
        try
        {
            var layers = new List<BuiltLayer>();
            var layerMediaTypes = new List<string>();
            for (var i = 0; i < spec.Layers.Count; i++)
            {
                var layer = spec.Layers[i];
                var compression = layer.Compression != LayerCompression.Default ? layer.Compression
                    : format is ArchiveFormat.DockerLegacy or ArchiveFormat.DockerOci ? LayerCompression.None : LayerCompression.Gzip;
                var temp = Path.Combine(staging, $"layer{i}.tmp");
                var (diffId, blobDigest, size) = WriteLayer(layer, temp, compression);
                string pathInArchive;
                if (format == ArchiveFormat.DockerLegacy)
                {
                    pathInArchive = $"{diffId[7..]}/layer.tar";
                    Directory.CreateDirectory(Path.Combine(staging, diffId[7..]));
                    System.IO.File.WriteAllText(Path.Combine(staging, diffId[7..], "VERSION"), "1.0");
                    System.IO.File.WriteAllText(Path.Combine(staging, diffId[7..], "json"), $"{{\"id\":\"{diffId[7..]}\"}}");
                }
                else
                {
                    pathInArchive = $"blobs/sha256/{blobDigest[7..]}";
                }
                var final = Path.Combine(staging, pathInArchive);
                System.IO.File.Move(temp, final, overwrite: true);
                if (layer.TamperBlob is { } tamper)
                {
                    using var blob = new FileStream(final, FileMode.Open, FileAccess.ReadWrite);
                    tamper(blob);
                }
                layers.Add(new BuiltLayer(i, diffId, blobDigest, size, pathInArchive, layer.CreatedBy));
                layerMediaTypes.Add(compression switch
                {
                    LayerCompression.Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
                    LayerCompression.Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
                    _ => "application/vnd.oci.image.layer.v1.tar",
                });
            }

            var configJson = Config(spec, layers);
            spec.EditConfig?.Invoke(configJson);
            var config = Encoding.UTF8.GetBytes(configJson.ToJsonString());
            var configDigest = Digest(config);
            var configPath = format == ArchiveFormat.DockerLegacy ? configDigest[7..] + ".json" : "blobs/sha256/" + configDigest[7..];
            System.IO.File.WriteAllBytes(Path.Combine(staging, configPath), config);

            if (format is ArchiveFormat.DockerLegacy or ArchiveFormat.DockerOci)
            {
                var manifest = new JsonArray(new JsonObject
                {
                    ["Config"] = configPath,
                    ["RepoTags"] = new JsonArray(spec.RepoTag),
                    ["Layers"] = new JsonArray([.. layers.Select(l => (JsonNode)l.PathInArchive)]),
                });
                System.IO.File.WriteAllBytes(Path.Combine(staging, "manifest.json"), spec.ManifestOverride ?? Encoding.UTF8.GetBytes(manifest.ToJsonString()));
                var colon = spec.RepoTag.LastIndexOf(':');
                var repositories = new JsonObject { [spec.RepoTag[..colon]] = new JsonObject { [spec.RepoTag[(colon + 1)..]] = configDigest[7..] } };
                System.IO.File.WriteAllText(Path.Combine(staging, "repositories"), repositories.ToJsonString());
            }
            if (format != ArchiveFormat.DockerLegacy)
            {
                var manifest = new JsonObject
                {
                    ["schemaVersion"] = 2,
                    ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                    ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.Length),
                    ["layers"] = new JsonArray([.. layers.Select((l, i) => (JsonNode)Descriptor(layerMediaTypes[i], l.BlobDigest, l.BlobSize))]),
                };
                var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
                var manifestDigest = Digest(manifestBytes);
                System.IO.File.WriteAllBytes(Path.Combine(staging, "blobs", "sha256", manifestDigest[7..]), manifestBytes);
                var top = Descriptor("application/vnd.oci.image.manifest.v1+json", manifestDigest, manifestBytes.Length);
                top["annotations"] = new JsonObject
                {
                    ["io.containerd.image.name"] = "docker.io/" + spec.RepoTag,
                    ["org.opencontainers.image.ref.name"] = spec.RepoTag[(spec.RepoTag.LastIndexOf(':') + 1)..],
                };
                var index = new JsonObject
                {
                    ["schemaVersion"] = 2,
                    ["mediaType"] = "application/vnd.oci.image.index.v1+json",
                    ["manifests"] = new JsonArray(top),
                };
                var indexBytes = format is ArchiveFormat.OciLayoutDirectory or ArchiveFormat.OciLayoutTar && spec.ManifestOverride is not null
                    ? spec.ManifestOverride
                    : Encoding.UTF8.GetBytes(index.ToJsonString());
                System.IO.File.WriteAllBytes(Path.Combine(staging, "index.json"), indexBytes);
                System.IO.File.WriteAllText(Path.Combine(staging, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            }
            if (isTar)
            {
                WriteOuterTar(staging, path, spec.ExtraArchiveEntries);
            }
            return new BuiltImage(path, format, configDigest, layers);
        }
        finally
        {
            if (isTar && Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The layer tar alone (uncompressed), for tests that feed LayerReader directly.</summary>
    public static byte[] LayerTar(LayerSpec layer)
    {
        using var ms = new MemoryStream();
        WriteEntries(ms, layer.Entries);
        return ms.ToArray();
    }

    private static JsonObject Config(ImageSpec spec, List<BuiltLayer> layers)
    {
        var history = new JsonArray();
        foreach (var layer in layers)
        {
            if (spec.EmptyLayerHistory)
            {
                history.Add(new JsonObject { ["created"] = "2024-01-01T00:00:00Z", ["created_by"] = $"ENV STEP={layer.Index}", ["empty_layer"] = true });
            }
            history.Add(new JsonObject { ["created"] = "2024-01-01T00:00:00Z", ["created_by"] = layer.CreatedBy });
        }
        return new JsonObject
        {
            ["architecture"] = spec.Architecture,
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. layers.Select(l => (JsonNode)l.DiffId)]) },
            ["history"] = history,
        };
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = digest,
        ["size"] = size,
    };

    private static (string DiffId, string BlobDigest, long Size) WriteLayer(LayerSpec layer, string file, LayerCompression compression)
    {
        using var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var blobHash = new HashingWriteStream(output);
        using var diffHash = new HashingWriteStream(compression switch
        {
            LayerCompression.Gzip => new GZipStream(blobHash, layer.Level, leaveOpen: true),
            LayerCompression.Zstd => new ZstdSharp.CompressionStream(blobHash, 3, leaveOpen: true),
            _ => new NonClosingStream(blobHash),
        });
        if (layer.RawTar is { } raw)
        {
            diffHash.Write(raw);
        }
        else
        {
            WriteEntries(diffHash, layer.Entries);
        }
        diffHash.Close();
        return (diffHash.Digest(), blobHash.Digest(), blobHash.Length);
    }

    private static void WriteEntries(Stream stream, IEnumerable<LayerEntry> entries)
    {
        using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var e in entries)
        {
            // Ustar where the names fit keeps 100,000-file layers small; PAX for long or odd names.
            TarEntry entry = e.Name.Length <= 100 && (e.LinkName?.Length ?? 0) <= 100 && e.Name.All(char.IsAscii)
                ? new UstarTarEntry(e.Type, e.Name)
                : new PaxTarEntry(e.Type, e.Name);
            entry.Mode = (UnixFileMode)e.Mode;
            entry.ModificationTime = Epoch;
            if (e.LinkName is not null)
            {
                entry.LinkName = e.LinkName;
            }
            using var content = e.Content?.Invoke();
            if (content is not null)
            {
                entry.DataStream = content;
            }
            writer.WriteEntry(entry);
        }
    }

    private static void WriteOuterTar(string staging, string path, List<LayerEntry> extra)
    {
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(staging, file).Replace('\\', '/');
                using var data = System.IO.File.OpenRead(file);
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = (UnixFileMode)0x1A4,
                    ModificationTime = Epoch,
                    DataStream = data,
                });
            }
        }
        if (extra.Count > 0)
        {
            output.Seek(-1024, SeekOrigin.End); // over the end-of-archive marker
            WriteEntries(output, extra);
        }
    }

    /// <summary>Hashes (sha256) and counts what is written through it.</summary>
    private sealed class HashingWriteStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private string? _digest;

        public override long Length => _length;

        private long _length;

        public string Digest() => _digest ??= "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                Digest(); // everything written has been hashed; keep the digest past disposal
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>A read-only stream of `length` zero bytes (seekable, so a tar writer can take its length).</summary>
public sealed class ZeroStream(long length) : Stream
{
    private long _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Max(0, Math.Min(buffer.Length, length - _position));
        buffer[..n].Clear();
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => _position = value; }
    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
