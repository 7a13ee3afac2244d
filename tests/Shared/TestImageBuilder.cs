using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Seawall.TestSupport;

/// <summary>One layer of a test image: the build step that made it and its files (rooted paths without the leading slash).</summary>
public sealed record TestLayer(string CreatedBy, IReadOnlyDictionary<string, byte[]> Files)
{
    /// <summary>Modes of the files that are not 0644 (a program: 0755).</summary>
    public IReadOnlyDictionary<string, UnixFileMode> Modes { get; init; } = new Dictionary<string, UnixFileMode>();
}

/// <summary>
/// Writes multi-layer images by hand, in the formats real tools read: an OCI image layout (as a directory or
/// a tar of one) and a `docker save` archive. Layers are gzip tars with fixed timestamps, so the same input
/// gives the same digests. Compiled into both test projects.
/// </summary>
public static class TestImageBuilder
{
    private static readonly DateTimeOffset FixedTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    /// <summary>A text file's content, UTF-8.</summary>
    public static byte[] Text(string content) => Encoding.UTF8.GetBytes(content);

    /// <summary>An OCI image layout as a directory; returns the image config digest (the image id).</summary>
    public static string WriteOciLayoutDirectory(string dir, string refName, IReadOnlyList<TestLayer> layers, string architecture = "amd64")
    {
        var (entries, configDigest) = OciLayout(refName, layers, architecture);
        foreach (var (path, content) in entries)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }
        return configDigest;
    }

    /// <summary>An OCI image layout packed in one tar (what `skopeo copy ... oci-archive:` writes); returns the config digest.</summary>
    public static string WriteOciLayoutTar(string tarPath, string refName, IReadOnlyList<TestLayer> layers, string architecture = "amd64")
    {
        var (entries, configDigest) = OciLayout(refName, layers, architecture);
        WriteTar(tarPath, entries);
        return configDigest;
    }

    /// <summary>A `docker save` archive in the legacy layout (manifest.json, config JSON, one layer.tar per layer); returns the config digest.</summary>
    /// <param name="editConfig">Changes to the image config before it is written (ENV, labels, history).</param>
    public static string WriteDockerArchive(string tarPath, string repoTag, IReadOnlyList<TestLayer> layers, string architecture = "amd64", Action<JsonObject>? editConfig = null)
    {
        var entries = new List<(string Path, byte[] Content)>();
        var diffIds = new List<string>();
        var layerPaths = new List<string>();
        foreach (var layer in layers)
        {
            var tar = LayerTar(layer.Files, layer.Modes);
            var diffId = Digest(tar);
            diffIds.Add(diffId);
            var path = diffId[7..] + "/layer.tar";
            layerPaths.Add(path);
            entries.Add((path, tar));
        }
        var configJson = Config(layers, diffIds, architecture);
        editConfig?.Invoke(configJson);
        var config = Encoding.UTF8.GetBytes(configJson.ToJsonString());
        var configDigest = Digest(config);
        entries.Add((configDigest[7..] + ".json", config));
        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = configDigest[7..] + ".json",
            ["RepoTags"] = new JsonArray(repoTag),
            ["Layers"] = new JsonArray([.. layerPaths.Select(p => (JsonNode)p)]),
        });
        entries.Add(("manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString())));
        WriteTar(tarPath, entries);
        return configDigest;
    }

    private static (List<(string Path, byte[] Content)> Entries, string ConfigDigest) OciLayout(string refName, IReadOnlyList<TestLayer> layers, string architecture)
    {
        var entries = new List<(string Path, byte[] Content)>();
        string Blob(byte[] content)
        {
            var digest = Digest(content);
            if (!entries.Any(e => e.Path == "blobs/sha256/" + digest[7..]))
            {
                entries.Add(("blobs/sha256/" + digest[7..], content));
            }
            return digest;
        }
        var diffIds = new List<string>();
        var descriptors = new JsonArray();
        foreach (var layer in layers)
        {
            var tar = LayerTar(layer.Files, layer.Modes);
            diffIds.Add(Digest(tar));
            var gz = Gzip(tar);
            descriptors.Add(Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", Blob(gz), gz.Length));
        }
        var config = Encoding.UTF8.GetBytes(Config(layers, diffIds, architecture).ToJsonString());
        var configDigest = Blob(config);
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.Length),
            ["layers"] = descriptors,
        }.ToJsonString());
        var top = Descriptor("application/vnd.oci.image.manifest.v1+json", Blob(manifest), manifest.Length);
        top["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = refName };
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(top),
        };
        entries.Insert(0, ("oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}")));
        entries.Insert(1, ("index.json", Encoding.UTF8.GetBytes(index.ToJsonString())));
        return (entries, configDigest);
    }

    private static JsonObject Config(IReadOnlyList<TestLayer> layers, List<string> diffIds, string architecture) => new()
    {
        ["architecture"] = architecture,
        ["os"] = "linux",
        ["created"] = FixedTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") },
        ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. diffIds.Select(d => (JsonNode)d)]) },
        ["history"] = new JsonArray([.. layers.Select(l => (JsonNode)new JsonObject { ["created_by"] = l.CreatedBy })]),
    };

    private static JsonObject Descriptor(string mediaType, string digest, long size) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = digest,
        ["size"] = size,
    };

    /// <summary>A layer tar with every parent directory listed before its files, as real image builders write them.</summary>
    private static byte[] LayerTar(IReadOnlyDictionary<string, byte[]> files, IReadOnlyDictionary<string, UnixFileMode> modes)
    {
        using var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            var dirs = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var path in files.Keys)
            {
                var parts = path.Split('/');
                for (var i = 1; i < parts.Length; i++)
                {
                    dirs.Add(string.Join('/', parts[..i]) + "/");
                }
            }
            foreach (var d in dirs)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d) { Mode = (UnixFileMode)0b111_101_101, ModificationTime = FixedTime });
            }
            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    Mode = modes.GetValueOrDefault(path, (UnixFileMode)0b110_100_100),
                    ModificationTime = FixedTime,
                    DataStream = new MemoryStream(content),
                });
            }
        }
        return ms.ToArray();
    }

    private static void WriteTar(string tarPath, List<(string Path, byte[] Content)> entries)
    {
        using var file = File.Create(tarPath);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, _) in entries)
        {
            var parts = path.Split('/');
            for (var i = 1; i < parts.Length; i++)
            {
                dirs.Add(string.Join('/', parts[..i]) + "/");
            }
        }
        foreach (var d in dirs)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d) { Mode = (UnixFileMode)0b111_101_101, ModificationTime = FixedTime });
        }
        foreach (var (path, content) in entries)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
            {
                Mode = (UnixFileMode)0b110_100_100,
                ModificationTime = FixedTime,
                DataStream = new MemoryStream(content),
            });
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }
        return ms.ToArray();
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
