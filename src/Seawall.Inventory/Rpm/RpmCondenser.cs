using System.Buffers.Binary;
using System.Text;
using Seawall.Core.Errors;

namespace Seawall.Inventory.Rpm;

/// <summary>
/// Shrinks an rpm database, before an image layer is cached and held, to what <see cref="RpmPackageReader"/> reads:
/// each package's header re-encoded with only the tags it uses (no changelog, signatures, file digests, modes or
/// scripts), stored as an NDB file, a format the reader already knows. Reading the result gives the same packages,
/// in the same order. A database that does not read cleanly is kept whole, so its warnings still reach the report.
/// </summary>
internal static class RpmCondenser
{
    private const int SlotPageSize = 4096;
    private const int SlotsPerPage = SlotPageSize / 16;
    private const int BlockSize = 16;
    private const int BlobHeaderSize = 16;
    private const int BlobTailSize = 12;
    private const int MaxSlotPages = 2048;

    public static byte[] Condense(byte[] content)
    {
        try
        {
            var blobs = RpmDatabase.ReadHeaderBlobs(content);
            var headers = new List<byte[]>(blobs.Count);
            foreach (var blob in blobs)
            {
                var header = RpmHeader.Parse(blob);
                // ToPackage checks everything the analyzer will read; gpg-pubkey entries are dropped as the reader drops them.
                if (RpmPackageReader.ToPackage(header) is not null)
                {
                    headers.Add(WriteHeader(header, RpmPackageReader.TagsRead));
                }
            }
            var condensed = WriteNdb(headers);
            return condensed.Length < content.Length ? condensed : content;
        }
        catch (ScanException)
        {
            return content;
        }
    }

    /// <summary>A header without a region (rpm's legacy layout, which the parser accepts), holding the given tags with their stored types.</summary>
    internal static byte[] WriteHeader(RpmHeader header, IReadOnlyList<int> tags)
    {
        var index = new List<(int Tag, int Type, int Offset, int Count)>();
        using var data = new MemoryStream();
        var buffer = new byte[4];
        foreach (var tag in tags.Order())
        {
            switch (header.TypeOf(tag))
            {
                case null:
                    break;
                case 6:
                    if (header.GetString(tag) is { } text)
                    {
                        index.Add((tag, 6, (int)data.Length, 1));
                        WriteString(data, text);
                    }
                    break;
                case (8 or 9) and var type:
                    var values = header.GetStringArray(tag);
                    index.Add((tag, type, (int)data.Length, values.Count));
                    foreach (var value in values)
                    {
                        WriteString(data, value);
                    }
                    break;
                case 4:
                    var numbers = header.GetInt32Array(tag);
                    while (data.Length % 4 != 0)
                    {
                        data.WriteByte(0);
                    }
                    index.Add((tag, 4, (int)data.Length, numbers.Count));
                    foreach (var number in numbers)
                    {
                        BinaryPrimitives.WriteInt32BigEndian(buffer, number);
                        data.Write(buffer);
                    }
                    break;
                case var other:
                    throw new ScanException($"header tag {tag} has type {other}, which the reader does not expect");
            }
        }
        var result = new byte[8 + (index.Count * 16) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(result, index.Count);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(4), (int)data.Length);
        for (var i = 0; i < index.Count; i++)
        {
            var at = result.AsSpan(8 + (i * 16));
            BinaryPrimitives.WriteInt32BigEndian(at, index[i].Tag);
            BinaryPrimitives.WriteInt32BigEndian(at[4..], index[i].Type);
            BinaryPrimitives.WriteInt32BigEndian(at[8..], index[i].Offset);
            BinaryPrimitives.WriteInt32BigEndian(at[12..], index[i].Count);
        }
        data.ToArray().CopyTo(result, 8 + (index.Count * 16));
        return result;
    }

    /// <summary>
    /// An NDB file as <see cref="NdbPackages"/> reads it: header, slot pages, then one block run per header. The tail's
    /// checksum is left 0: the file is Seawall's cache form and never handed to rpm.
    /// </summary>
    internal static byte[] WriteNdb(IReadOnlyList<byte[]> headers)
    {
        var slotPages = Math.Max(1, (headers.Count + 2 + SlotsPerPage - 1) / SlotsPerPage);
        if (slotPages > MaxSlotPages)
        {
            throw new LimitExceededException($"{headers.Count} headers do not fit in {MaxSlotPages} NDB slot pages");
        }
        var blockCounts = headers.Select(h => (BlobHeaderSize + (long)h.Length + BlobTailSize + BlockSize - 1) / BlockSize).ToList();
        var total = ((long)slotPages * SlotPageSize) + (blockCounts.Sum() * BlockSize);
        if (total > Array.MaxLength)
        {
            throw new LimitExceededException($"condensed rpm database would be {total} bytes");
        }
        var file = new byte[total];
        var span = file.AsSpan();
        "RpmP"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)slotPages);
        for (var slot = 2; slot < slotPages * SlotsPerPage; slot++)
        {
            "Slot"u8.CopyTo(span[(slot * 16)..]);
        }
        var block = (long)slotPages * SlotPageSize / BlockSize;
        for (var i = 0; i < headers.Count; i++)
        {
            var packageIndex = (uint)(i + 1);
            var slot = span[((i + 2) * 16)..];
            BinaryPrimitives.WriteUInt32LittleEndian(slot[4..], packageIndex);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[8..], (uint)block);
            BinaryPrimitives.WriteUInt32LittleEndian(slot[12..], (uint)blockCounts[i]);
            var run = span.Slice((int)(block * BlockSize), (int)(blockCounts[i] * BlockSize));
            "BlbS"u8.CopyTo(run);
            BinaryPrimitives.WriteUInt32LittleEndian(run[4..], packageIndex);
            BinaryPrimitives.WriteUInt32LittleEndian(run[12..], (uint)headers[i].Length);
            headers[i].CopyTo(run[BlobHeaderSize..]);
            BinaryPrimitives.WriteUInt32LittleEndian(run[^8..], (uint)headers[i].Length);
            "BlbE"u8.CopyTo(run[^4..]);
            block += blockCounts[i];
        }
        return file;
    }

    private static void WriteString(MemoryStream data, string value)
    {
        data.Write(Encoding.UTF8.GetBytes(value));
        data.WriteByte(0);
    }
}
