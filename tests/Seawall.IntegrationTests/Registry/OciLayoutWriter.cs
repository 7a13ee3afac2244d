using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seawall.IntegrationTests.Registry;

/// <summary>One image to write: its files (path to content), platform, and whether its layer is gzip-compressed.</summary>
public sealed record TestImage(IReadOnlyDictionary<string, string> Files, string Os = "linux", string Architecture = "amd64", bool Gzip = true);

/// <summary>
/// Writes an OCI image layout by hand (oci-layout, index.json, blobs/sha256): one single-layer image, or a
/// multi-platform index of several, under a ref name skopeo can copy from (`oci:DIR:REF`).
/// </summary>
public static class OciLayoutWriter
{
    public static readonly IReadOnlyDictionary<string, string> Debian = new Dictionary<string, string>
    {
        ["etc/os-release"] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
        ["var/lib/dpkg/status"] =
            "Package: base-files\nStatus: install ok installed\nPriority: required\nSection: admin\nInstalled-Size: 341\nMaintainer: Santiago Vila <sanvila@debian.org>\nArchitecture: amd64\nVersion: 12.4+deb12u5\nDescription: Debian base system miscellaneous files\n\n" +
            "Package: bash\nStatus: install ok installed\nPriority: required\nSection: shells\nInstalled-Size: 7164\nMaintainer: Matthias Klose <doko@debian.org>\nArchitecture: amd64\nVersion: 5.2.15-2+b2\nDescription: GNU Bourne Again SHell\n\n",
    };

    public static readonly IReadOnlyDictionary<string, string> Alpine = new Dictionary<string, string>
    {
        ["etc/os-release"] = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n",
        ["lib/apk/db/installed"] =
            "C:Q1KSIpSoPOg6uqC9+FhsB2Bwb36n8=\nP:musl\nV:1.2.5-r0\nA:aarch64\nS:411090\nI:663552\nT:the musl c library (libc) implementation\nU:https://musl.libc.org/\nL:MIT\no:musl\nm:Natanael Copa <ncopa@alpinelinux.org>\nt:1714045993\n\n" +
            "C:Q1Y0FSFkOjT8A9HDvDqT8u5rK3vMA=\nP:busybox\nV:1.36.1-r29\nA:aarch64\nS:502380\nI:798720\nT:Size optimized toolbox of many common UNIX utilities\nU:https://busybox.net/\nL:GPL-2.0-only\no:busybox\nm:Sören Tempel <soeren+alpine@soeren-tempel.net>\nt:1719402432\n\n",
    };

    /// <summary>Writes the layout and returns the digests of what it wrote, by role.</summary>
    public static LayoutDigests Write(string dir, string refName, params TestImage[] images)
    {
        Directory.CreateDirectory(Path.Combine(dir, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(dir, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        var manifests = new List<(string Digest, long Size, TestImage Image, string Config, string Layer, string DiffId)>();
        foreach (var image in images)
        {
            var tar = LayerTar(image.Files);
            var diffId = Digest(tar);
            var layer = image.Gzip ? Gzip(tar) : tar;
            var layerDigest = WriteBlob(dir, layer);
            var config = new JsonObject
            {
                ["architecture"] = image.Architecture,
                ["os"] = image.Os,
                ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/bin:/bin") },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
                ["history"] = new JsonArray(new JsonObject { ["created_by"] = "seawall test layer" }),
            };
            var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
            var configDigest = WriteBlob(dir, configBytes);
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", configDigest, configBytes.Length),
                ["layers"] = new JsonArray(Descriptor(
                    image.Gzip ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar", layerDigest, layer.Length)),
            };
            var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
            manifests.Add((WriteBlob(dir, manifestBytes), manifestBytes.Length, image, configDigest, layerDigest, diffId));
        }
        JsonObject top;
        string? indexDigest = null;
        if (manifests.Count == 1)
        {
            top = Descriptor("application/vnd.oci.image.manifest.v1+json", manifests[0].Digest, manifests[0].Size);
        }
        else
        {
            // A nested index: index.json names it by ref, and it lists one manifest per platform.
            var index = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = "application/vnd.oci.image.index.v1+json",
                ["manifests"] = new JsonArray([.. manifests.Select(m =>
                {
                    var d = Descriptor("application/vnd.oci.image.manifest.v1+json", m.Digest, m.Size);
                    d["platform"] = new JsonObject { ["architecture"] = m.Image.Architecture, ["os"] = m.Image.Os };
                    return (JsonNode)d;
                })]),
            };
            var indexBytes = Encoding.UTF8.GetBytes(index.ToJsonString());
            indexDigest = WriteBlob(dir, indexBytes);
            top = Descriptor("application/vnd.oci.image.index.v1+json", indexDigest, indexBytes.Length);
        }
        top["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = refName };
        var indexJson = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(top),
        };
        File.WriteAllText(Path.Combine(dir, "index.json"), indexJson.ToJsonString());
        return new LayoutDigests(indexDigest, [.. manifests.Select(m => new ImageDigests(m.Digest, m.Config, m.Layer, m.DiffId))]);
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = digest,
        ["size"] = size,
    };

    private static byte[] LayerTar(IReadOnlyDictionary<string, string> files)
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
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d) { Mode = (UnixFileMode)0b111_101_101 });
            }
            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    Mode = (UnixFileMode)0b110_100_100,
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                };
                writer.WriteEntry(entry);
            }
        }
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(data);
        }
        return ms.ToArray();
    }

    private static string WriteBlob(string dir, byte[] content)
    {
        var digest = Digest(content);
        File.WriteAllBytes(Path.Combine(dir, "blobs", "sha256", digest[7..]), content);
        return digest;
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Reads the report the CLI printed.</summary>
    public static JsonDocument ParseReport(string stdout) => JsonDocument.Parse(stdout);
}

public sealed record ImageDigests(string Manifest, string Config, string Layer, string DiffId);

public sealed record LayoutDigests(string? Index, IReadOnlyList<ImageDigests> Images);
