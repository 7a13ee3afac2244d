using System.Buffers.Binary;
using System.Text;

namespace Seawall.Tests.Inventory;

/// <summary>
/// Writes rpm header blobs as the package database stores them (big-endian preamble, index, data store, and an
/// immutable region whose trailer counts the entries), so tests can build hostile variants of a valid header.
/// </summary>
internal sealed class RpmHeaderBuilder
{
    public const int Name = 1000;
    public const int Version = 1001;
    public const int Release = 1002;
    public const int Epoch = 1003;
    public const int Arch = 1022;
    public const int SourceRpm = 1044;
    public const int DirIndexes = 1116;
    public const int BaseNames = 1117;
    public const int DirNames = 1118;

    private readonly List<(int Tag, int Type, byte[] Data, int Count)> _entries = [];

    public static RpmHeaderBuilder Package(string name, string version, string release, string arch = "x86_64") =>
        new RpmHeaderBuilder().String(Name, name).String(Version, version).String(Release, release).String(Arch, arch)
            .String(SourceRpm, $"{name}-{version}-{release}.src.rpm");

    public RpmHeaderBuilder String(int tag, string value) => Add(tag, 6, [.. Encoding.UTF8.GetBytes(value), 0], 1);

    public RpmHeaderBuilder StringArray(int tag, params string[] values) =>
        Add(tag, 8, [.. values.SelectMany(v => Encoding.UTF8.GetBytes(v).Append((byte)0))], values.Length);

    public RpmHeaderBuilder Int32(int tag, params int[] values)
    {
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(i * 4), values[i]);
        }
        return Add(tag, 4, data, values.Length);
    }

    /// <summary>An entry with any type and count, for malformed headers.</summary>
    public RpmHeaderBuilder Raw(int tag, int type, byte[] data, int count) => Add(tag, type, data, count);

    private RpmHeaderBuilder Add(int tag, int type, byte[] data, int count)
    {
        _entries.Add((tag, type, data, count));
        return this;
    }

    /// <param name="region">Write the immutable region (tag 63) first, as rpm does for installed headers.</param>
    /// <param name="declaredIndexCount">Overrides the index count in the preamble (hostile headers).</param>
    public byte[] Build(bool region = true, int? declaredIndexCount = null)
    {
        var data = new List<byte>();
        var index = new List<(int Tag, int Type, int Offset, int Count)>();
        foreach (var (tag, type, bytes, count) in _entries)
        {
            if (type == 4)
            {
                while (data.Count % 4 != 0)
                {
                    data.Add(0);
                }
            }
            index.Add((tag, type, data.Count, count));
            data.AddRange(bytes);
        }
        if (region)
        {
            var trailer = new byte[16];
            BinaryPrimitives.WriteInt32BigEndian(trailer, 63);
            BinaryPrimitives.WriteInt32BigEndian(trailer.AsSpan(4), 7);
            BinaryPrimitives.WriteInt32BigEndian(trailer.AsSpan(8), -(index.Count + 1) * 16);
            BinaryPrimitives.WriteInt32BigEndian(trailer.AsSpan(12), 16);
            index.Insert(0, (63, 7, data.Count, 16));
            data.AddRange(trailer);
        }
        var blob = new byte[8 + (index.Count * 16) + data.Count];
        BinaryPrimitives.WriteInt32BigEndian(blob, declaredIndexCount ?? index.Count);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4), data.Count);
        for (var i = 0; i < index.Count; i++)
        {
            var at = blob.AsSpan(8 + (i * 16));
            BinaryPrimitives.WriteInt32BigEndian(at, index[i].Tag);
            BinaryPrimitives.WriteInt32BigEndian(at[4..], index[i].Type);
            BinaryPrimitives.WriteInt32BigEndian(at[8..], index[i].Offset);
            BinaryPrimitives.WriteInt32BigEndian(at[12..], index[i].Count);
        }
        data.CopyTo(blob, 8 + (index.Count * 16));
        return blob;
    }
}
