using System.Buffers.Binary;
using System.Text;
using Seawall.Core.Errors;

namespace Seawall.Inventory.Rpm;

/// <summary>
/// One rpm header as the package database stores it (no lead magic): a big-endian index count and data length,
/// 16-byte index entries (tag, type, offset, count) and the data store they point into.
/// Layout and limits follow rpm's lib/header.c; every offset and count is checked before it is used.
/// </summary>
internal sealed class RpmHeader
{
    /// <summary>rpm's hdrchkTags: a header with more index entries is refused.</summary>
    public const int MaxIndexEntries = 0xFFFF;

    /// <summary>rpm's hdrchkData: 256 MB of data store at most.</summary>
    public const int MaxDataBytes = 0x0FFFFFFF;

    private const int EntrySize = 16;
    private const int PreambleSize = 8;

    // Entry types (rpmtag.h rpmTagType).
    private const int TypeInt32 = 4;
    private const int TypeString = 6;
    private const int TypeBin = 7;
    private const int TypeStringArray = 8;
    private const int TypeI18nString = 9;
    private const int MaxType = 9;

    // Region tags: the first entry of a signed header points at a trailer naming how many entries the region holds.
    private const int TagHeaderImage = 61;
    private const int TagHeaderSignatures = 62;
    private const int TagHeaderImmutable = 63;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly Dictionary<int, Entry> _entries;

    private RpmHeader(ReadOnlyMemory<byte> data, Dictionary<int, Entry> entries)
    {
        _data = data;
        _entries = entries;
    }

    private readonly record struct Entry(int Tag, int Type, int Offset, int Count);

    public static RpmHeader Parse(ReadOnlyMemory<byte> blob)
    {
        var span = blob.Span;
        if (span.Length < PreambleSize)
        {
            throw new ScanException($"header is {span.Length} bytes, shorter than its {PreambleSize}-byte preamble");
        }
        var indexCount = BinaryPrimitives.ReadInt32BigEndian(span);
        var dataLength = BinaryPrimitives.ReadInt32BigEndian(span[4..]);
        if (indexCount < 1)
        {
            throw new ScanException($"header declares {indexCount} index entries");
        }
        if (indexCount > MaxIndexEntries)
        {
            throw new LimitExceededException($"header declares {indexCount} index entries, over the limit of {MaxIndexEntries}");
        }
        if (dataLength < 0 || dataLength > MaxDataBytes)
        {
            throw new LimitExceededException($"header declares a data store of {(uint)dataLength} bytes, over the limit of {MaxDataBytes}");
        }
        var dataStart = PreambleSize + (long)indexCount * EntrySize;
        if (dataStart + dataLength > span.Length)
        {
            throw new ScanException($"header is truncated: {indexCount} index entries and {dataLength} data bytes need {dataStart + dataLength} bytes, it has {span.Length}");
        }
        var data = blob.Slice((int)dataStart, dataLength);
        var entries = new Dictionary<int, Entry>();
        for (var i = 0; i < indexCount; i++)
        {
            var raw = span.Slice(PreambleSize + (i * EntrySize), EntrySize);
            var entry = new Entry(
                BinaryPrimitives.ReadInt32BigEndian(raw),
                BinaryPrimitives.ReadInt32BigEndian(raw[4..]),
                BinaryPrimitives.ReadInt32BigEndian(raw[8..]),
                BinaryPrimitives.ReadInt32BigEndian(raw[12..]));
            if (entry.Type is < 0 or > MaxType)
            {
                throw new ScanException($"header entry {i} (tag {entry.Tag}) has unknown type {entry.Type}");
            }
            if (entry.Offset < 0 || entry.Offset > dataLength)
            {
                throw new ScanException($"header entry {i} (tag {entry.Tag}) points at offset {entry.Offset}, outside the {dataLength}-byte data store");
            }
            if (entry.Count < 0 || entry.Count > dataLength)
            {
                throw new ScanException($"header entry {i} (tag {entry.Tag}) declares {(uint)entry.Count} elements in a {dataLength}-byte data store");
            }
            if (i == 0 && entry.Tag is TagHeaderImage or TagHeaderSignatures or TagHeaderImmutable)
            {
                CheckRegion(entry, data.Span, indexCount);
                continue;
            }
            // Entries after the region ("dribbles", added after install) replace region entries of the same tag,
            // and they come later in the index, so the last one wins.
            entries[entry.Tag] = entry;
        }
        return new RpmHeader(data, entries);
    }

    /// <summary>The region entry points at a trailer whose negative offset counts the entries the region holds (rpm's hdrblobVerifyRegion).</summary>
    private static void CheckRegion(Entry region, ReadOnlySpan<byte> data, int indexCount)
    {
        if (region.Type != TypeBin || region.Count != EntrySize)
        {
            throw new ScanException($"header region tag {region.Tag} has type {region.Type} and count {region.Count}, not a 16-byte binary trailer");
        }
        if ((long)region.Offset + EntrySize > data.Length)
        {
            throw new ScanException($"header region trailer at offset {region.Offset} runs past the {data.Length}-byte data store");
        }
        var trailer = data.Slice(region.Offset, EntrySize);
        var trailerOffset = BinaryPrimitives.ReadInt32BigEndian(trailer[8..]);
        var regionBytes = -(long)trailerOffset;
        if (regionBytes <= 0 || regionBytes % EntrySize != 0 || regionBytes / EntrySize > indexCount)
        {
            throw new ScanException($"header region trailer claims {regionBytes} bytes of index, not within the {indexCount} entries present");
        }
    }

    public bool Has(int tag) => _entries.ContainsKey(tag);

    /// <summary>The stored type of a tag (6 string, 8 string array, 9 i18n string, 4 int32, ...), or null when absent.</summary>
    public int? TypeOf(int tag) => _entries.TryGetValue(tag, out var entry) ? entry.Type : null;

    /// <summary>A STRING tag, or the first string of a STRING_ARRAY or I18NSTRING (the C locale); null when absent.</summary>
    public string? GetString(int tag)
    {
        if (!_entries.TryGetValue(tag, out var entry))
        {
            return null;
        }
        if (entry.Type is not (TypeString or TypeStringArray or TypeI18nString))
        {
            throw new ScanException($"header tag {tag} has type {entry.Type}, not a string");
        }
        if (entry.Count == 0)
        {
            return null;
        }
        var span = _data.Span;
        return ReadString(span, entry.Offset, tag, out _);
    }

    /// <summary>A STRING_ARRAY (or I18NSTRING) tag; empty when absent.</summary>
    public IReadOnlyList<string> GetStringArray(int tag)
    {
        if (!_entries.TryGetValue(tag, out var entry))
        {
            return [];
        }
        if (entry.Type is not (TypeStringArray or TypeI18nString or TypeString))
        {
            throw new ScanException($"header tag {tag} has type {entry.Type}, not a string array");
        }
        var span = _data.Span;
        // Every string takes at least its terminator: a larger count cannot fit, and must not size an allocation.
        if (entry.Count > span.Length - entry.Offset)
        {
            throw new ScanException($"header tag {tag}: {entry.Count} strings cannot fit in the {span.Length - entry.Offset} bytes after offset {entry.Offset}");
        }
        var result = new string[entry.Type == TypeString ? Math.Min(entry.Count, 1) : entry.Count];
        var offset = entry.Offset;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ReadString(span, offset, tag, out var next);
            offset = next;
        }
        return result;
    }

    /// <summary>An INT32 tag's values; empty when absent.</summary>
    public IReadOnlyList<int> GetInt32Array(int tag)
    {
        if (!_entries.TryGetValue(tag, out var entry))
        {
            return [];
        }
        if (entry.Type != TypeInt32)
        {
            throw new ScanException($"header tag {tag} has type {entry.Type}, not int32");
        }
        var span = _data.Span;
        if (entry.Offset + (4L * entry.Count) > span.Length)
        {
            throw new ScanException($"header tag {tag}: {entry.Count} int32 values at offset {entry.Offset} run past the {span.Length}-byte data store");
        }
        var result = new int[entry.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadInt32BigEndian(span.Slice(entry.Offset + (4 * i), 4));
        }
        return result;
    }

    /// <summary>The first value of an INT32 tag, or null when absent or empty.</summary>
    public int? GetInt32(int tag)
    {
        var values = GetInt32Array(tag);
        return values.Count > 0 ? values[0] : null;
    }

    private static string ReadString(ReadOnlySpan<byte> data, int offset, int tag, out int next)
    {
        if (offset >= data.Length)
        {
            throw new ScanException($"header tag {tag}: string at offset {offset} starts past the {data.Length}-byte data store");
        }
        var length = data[offset..].IndexOf((byte)0);
        if (length < 0)
        {
            throw new ScanException($"header tag {tag}: string at offset {offset} is not terminated inside the data store");
        }
        next = offset + length + 1;
        return Encoding.UTF8.GetString(data.Slice(offset, length));
    }
}
