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
    // 2: a SHA-256 of everything before it ends the file.
    private const int FormatVersion = 2;
    private const int ChecksumLength = 32;
    private static readonly byte[] Magic = "SWLC"u8.ToArray();

    public string Directory { get; } = directory;

    public static string DefaultDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "seawall");
    }

    /// <summary>
    /// The cached snapshot of a layer, or null. A missing entry is a plain miss; an entry that cannot be trusted
    /// (truncated, bit-flipped, from another format) is also a miss, reported through <paramref name="problem"/>.
    /// </summary>
    public LayerSnapshot? TryGet(LayerRef layer, string fingerprint, Action<string>? problem = null)
    {
        var path = PathFor(layer.DiffId, fingerprint);
        byte[] file;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }
            file = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem?.Invoke($"layer cache entry {path} cannot be read ({ex.Message}); reading the layer instead");
            return null;
        }
        if (file.Length >= Magic.Length + 4 && file.AsSpan(0, Magic.Length).SequenceEqual(Magic) && BitConverter.ToInt32(file, Magic.Length) != FormatVersion)
        {
            return null; // written by another Seawall version: an ordinary miss, rewritten after this read
        }
        var corrupt = Corruption(file);
        if (corrupt is not null)
        {
            problem?.Invoke($"layer cache entry {path} is {corrupt}; reading the layer instead");
            return null;
        }
        try
        {
            using var stream = new MemoryStream(file, Magic.Length + 4, file.Length - Magic.Length - 4 - ChecksumLength, writable: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadString() != layer.DiffId || reader.ReadString() != fingerprint)
            {
                return null;
            }
            var snapshot = new LayerSnapshot { Layer = layer };
            ReadStrings(reader, snapshot.Whiteouts);
            ReadStrings(reader, snapshot.OpaqueDirs);
            ReadStrings(reader, snapshot.Warnings);
            var nodeCount = ReadCount(reader);
            snapshot.Nodes.Capacity = nodeCount;
            for (var i = 0; i < nodeCount; i++)
            {
                var nodePath = reader.ReadString();
                var kind = (FileKind)reader.ReadByte();
                if (!Enum.IsDefined(kind))
                {
                    throw new FormatException($"unknown entry kind {(int)kind}");
                }
                var size = reader.ReadInt64();
                var mode = reader.ReadInt32();
                var link = reader.ReadBoolean() ? reader.ReadString() : null;
                snapshot.Nodes.Add(new FileNode(nodePath, kind, size, mode, link, layer));
            }
            var contentCount = ReadCount(reader);
            for (var i = 0; i < contentCount; i++)
            {
                var key = reader.ReadString();
                var length = ReadCount(reader);
                snapshot.Contents[key] = reader.ReadBytes(length);
            }
            if (stream.Position != stream.Length)
            {
                throw new FormatException("trailing bytes");
            }
            return snapshot;
        }
        catch (Exception ex) when (ex is IOException or FormatException or ArgumentException)
        {
            // The checksum matched, so the writer itself was another version: a miss.
            problem?.Invoke($"layer cache entry {path} is unreadable ({ex.Message}); reading the layer instead");
            return null;
        }
    }

    /// <summary>Why a cache file cannot be trusted, or null: wrong magic or version, or a checksum that does not match (truncation, bit rot).</summary>
    private static string? Corruption(byte[] file)
    {
        if (file.Length < Magic.Length + 4 + ChecksumLength || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return "truncated or not a Seawall cache file";
        }
        var payload = file.AsSpan(0, file.Length - ChecksumLength);
        return SHA256.HashData(payload).AsSpan().SequenceEqual(file.AsSpan(file.Length - ChecksumLength))
            ? null
            : "corrupt (checksum mismatch, maybe truncated)";
    }

    /// <summary>A count or length, which can never exceed the bytes left in the entry (so a bad one cannot ask for gigabytes).</summary>
    private static int ReadCount(BinaryReader reader)
    {
        var n = reader.ReadInt32();
        if (n < 0 || n > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new FormatException($"count {n} out of range");
        }
        return n;
    }

    public void Put(LayerSnapshot snapshot, string fingerprint)
    {
        var path = PathFor(snapshot.Layer.DiffId, fingerprint);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "layers"));
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var stream = new ChecksummedWriteStream(file))
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
                writer.Flush();
                stream.WriteChecksum();
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
        var n = ReadCount(reader);
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

/// <summary>Passes writes through and hashes them, so the cache file can end with its own checksum.</summary>
internal sealed class ChecksummedWriteStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void WriteChecksum() => inner.Write(_hash.GetHashAndReset());

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        inner.Write(buffer);
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
