using System.Security.Cryptography;
using System.Text;
using Seawall.Artifacts.Layers;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Artifacts.Cache;

/// <summary>
/// Per-layer cache under the cache dir, keyed by the layer's diffID plus the analyzer set's fingerprint:
/// a layer is read once per analyzer set, whatever image it appears in. Entries are written to a temp
/// file and renamed, so a crash never leaves a half entry; an unreadable entry is a miss, not an error.
/// </summary>
public sealed class LayerCache(string directory)
{
    private const int FormatVersion = 1;
    private static readonly byte[] Magic = "SWLC"u8.ToArray();

    public string Directory { get; } = directory;

    public static string DefaultDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "seawall");
    }

    public LayerSnapshot? TryGet(LayerRef layer, string fingerprint)
    {
        var path = PathFor(layer.DiffId, fingerprint);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
            {
                return null;
            }
            if (reader.ReadString() != layer.DiffId || reader.ReadString() != fingerprint)
            {
                return null;
            }
            var snapshot = new LayerSnapshot { Layer = layer };
            ReadStrings(reader, snapshot.Whiteouts);
            ReadStrings(reader, snapshot.OpaqueDirs);
            ReadStrings(reader, snapshot.Warnings);
            var nodeCount = reader.ReadInt32();
            snapshot.Nodes.Capacity = nodeCount;
            for (var i = 0; i < nodeCount; i++)
            {
                var nodePath = reader.ReadString();
                var kind = (FileKind)reader.ReadByte();
                var size = reader.ReadInt64();
                var mode = reader.ReadInt32();
                var link = reader.ReadBoolean() ? reader.ReadString() : null;
                snapshot.Nodes.Add(new FileNode(nodePath, kind, size, mode, link, layer));
            }
            var contentCount = reader.ReadInt32();
            for (var i = 0; i < contentCount; i++)
            {
                var key = reader.ReadString();
                var length = reader.ReadInt32();
                snapshot.Contents[key] = reader.ReadBytes(length);
            }
            return snapshot;
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    public void Put(LayerSnapshot snapshot, string fingerprint)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "layers"));
        var path = PathFor(snapshot.Layer.DiffId, fingerprint);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(snapshot.Layer.DiffId);
                writer.Write(fingerprint);
                WriteStrings(writer, snapshot.Whiteouts);
                WriteStrings(writer, snapshot.OpaqueDirs);
                WriteStrings(writer, snapshot.Warnings);
                writer.Write(snapshot.Nodes.Count);
                foreach (var node in snapshot.Nodes)
                {
                    writer.Write(node.Path);
                    writer.Write((byte)node.Kind);
                    writer.Write(node.Size);
                    writer.Write(node.Mode);
                    writer.Write(node.LinkTarget is not null);
                    if (node.LinkTarget is not null)
                    {
                        writer.Write(node.LinkTarget);
                    }
                }
                writer.Write(snapshot.Contents.Count);
                foreach (var (key, bytes) in snapshot.Contents.OrderBy(k => k.Key, StringComparer.Ordinal))
                {
                    writer.Write(key);
                    writer.Write(bytes.Length);
                    writer.Write(bytes);
                }
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs speed, not correctness.
            TryDelete(temp);
        }
    }

    private string PathFor(string diffId, string fingerprint)
    {
        var hex = diffId.StartsWith("sha256:", StringComparison.Ordinal) ? diffId[7..] : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(diffId)));
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(diffId)));
        }
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint)))[..16];
        return Path.Combine(Directory, "layers", hex + "-" + key + ".bin");
    }

    private static void ReadStrings(BinaryReader reader, List<string> into)
    {
        var n = reader.ReadInt32();
        for (var i = 0; i < n; i++)
        {
            into.Add(reader.ReadString());
        }
    }

    private static void WriteStrings(BinaryWriter writer, List<string> items)
    {
        writer.Write(items.Count);
        foreach (var item in items)
        {
            writer.Write(item);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
