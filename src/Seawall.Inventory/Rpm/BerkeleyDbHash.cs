using System.Buffers.Binary;
using Seawall.Core.Errors;

namespace Seawall.Inventory.Rpm;

/// <summary>
/// Reads the values of a BerkeleyDB hash database (rpm's historical var/lib/rpm/Packages) without libdb: the metadata
/// page gives the page size, byte order and last page; hash pages hold key/value pairs; values too large for a page
/// sit on a chain of overflow pages. Layouts are libdb's dbinc/db_page.h. Every page number, offset and length is
/// checked against the file before use, and overflow chains cannot loop.
/// </summary>
internal static class BerkeleyDbHash
{
    private const uint HashMagic = 0x00061561;
    private const int PageHeaderSize = 26;
    private const int MinPageSize = 512;
    private const int MaxPageSize = 65536;

    // Page types (db_page.h).
    private const byte PageHashUnsorted = 2;
    private const byte PageOverflow = 7;
    private const byte PageHashMeta = 8;
    private const byte PageHash = 13;

    // Hash item types (db_page.h H_*).
    private const byte ItemKeyData = 1;
    private const byte ItemOffPage = 3;
    private const int OffPageItemSize = 12;

    // Metadata flag: pages carry a checksum, which moves the item index; rpm never sets it.
    private const byte MetaChecksum = 0x01;

    public static bool IsHashDatabase(ReadOnlySpan<byte> content) =>
        content.Length >= 16 && (BinaryPrimitives.ReadUInt32LittleEndian(content[12..]) == HashMagic || BinaryPrimitives.ReadUInt32BigEndian(content[12..]) == HashMagic);

    /// <summary>Every value in the database, in page order, except rpm's record 0 (the next-instance counter).</summary>
    public static List<ReadOnlyMemory<byte>> ReadValues(byte[] content, long maxValueBytes)
    {
        if (!IsHashDatabase(content))
        {
            throw new ScanException("not a BerkeleyDB hash database (magic 0x061561 missing)");
        }
        if (content.Length < MinPageSize)
        {
            throw new ScanException($"BerkeleyDB file is {content.Length} bytes, smaller than one page");
        }
        var bigEndian = BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(12)) != HashMagic;
        var db = new Reader(content, bigEndian);
        var version = db.U32(content, 16);
        var pageSize = db.U32(content, 20);
        if (content[24] != 0)
        {
            throw new ScanException("BerkeleyDB file is encrypted");
        }
        if (content[25] != PageHashMeta)
        {
            throw new ScanException($"BerkeleyDB first page has type {content[25]}, not hash metadata");
        }
        if (version is < 4 or > 10)
        {
            throw new ScanException($"BerkeleyDB hash version {version} is not supported");
        }
        if (pageSize is < MinPageSize or > MaxPageSize || (pageSize & (pageSize - 1)) != 0)
        {
            throw new ScanException($"BerkeleyDB page size {pageSize} is not a power of two between {MinPageSize} and {MaxPageSize}");
        }
        if ((content[26] & MetaChecksum) != 0)
        {
            throw new ScanException("BerkeleyDB file has checksummed pages, which rpm never writes; not read");
        }
        var lastPage = db.U32(content, 32);
        var pagesInFile = content.Length / pageSize;
        if (lastPage >= pagesInFile)
        {
            throw new ScanException($"BerkeleyDB file is truncated: its last page is {lastPage}, but {content.Length} bytes hold {pagesInFile} pages of {pageSize} bytes");
        }

        var values = new List<ReadOnlyMemory<byte>>();
        for (var pageNo = 1u; pageNo <= lastPage; pageNo++)
        {
            var page = content.AsMemory((int)(pageNo * pageSize), (int)pageSize);
            var type = page.Span[25];
            if (type is not (PageHash or PageHashUnsorted))
            {
                continue;
            }
            ReadHashPage(db, page, pageNo, pageSize, lastPage, maxValueBytes, values);
        }
        return values;
    }

    private static void ReadHashPage(Reader db, ReadOnlyMemory<byte> page, uint pageNo, uint pageSize, uint lastPage, long maxValueBytes, List<ReadOnlyMemory<byte>> values)
    {
        var span = page.Span;
        int entries = db.U16(span, 20);
        var indexEnd = PageHeaderSize + (2 * entries);
        if (indexEnd > pageSize)
        {
            throw new ScanException($"BerkeleyDB page {pageNo} claims {entries} items, more than fit in a {pageSize}-byte page");
        }
        if (entries % 2 != 0)
        {
            throw new ScanException($"BerkeleyDB page {pageNo} holds {entries} items; hash items come in key/value pairs");
        }
        for (var i = 0; i < entries; i += 2)
        {
            var (keyStart, keyLength) = Item(db, span, i, indexEnd, pageNo, pageSize);
            var (valueStart, valueLength) = Item(db, span, i + 1, indexEnd, pageNo, pageSize);
            // rpm keeps its next-instance counter under key 0; it is not a header.
            if (span[keyStart] == ItemKeyData && keyLength == 5 && db.U32(span, keyStart + 1) == 0)
            {
                continue;
            }
            switch (span[valueStart])
            {
                case ItemKeyData:
                    values.Add(page.Slice(valueStart + 1, valueLength - 1));
                    break;
                case ItemOffPage:
                    if (valueLength < OffPageItemSize)
                    {
                        throw new ScanException($"BerkeleyDB page {pageNo} item {i + 1} is a {valueLength}-byte off-page reference, shorter than {OffPageItemSize}");
                    }
                    var firstPage = db.U32(span, valueStart + 4);
                    var totalLength = db.U32(span, valueStart + 8);
                    values.Add(ReadOverflowChain(db, firstPage, totalLength, pageNo, pageSize, lastPage, maxValueBytes));
                    break;
                default:
                    throw new ScanException($"BerkeleyDB page {pageNo} item {i + 1} has type {span[valueStart]}; rpm databases hold only plain and off-page values");
            }
        }
    }

    /// <summary>Where an item starts and how long it is: items fill the page from its end, in index order (libdb's LEN_HITEM).</summary>
    private static (int Start, int Length) Item(Reader db, ReadOnlySpan<byte> page, int index, int indexEnd, uint pageNo, uint pageSize)
    {
        int start = db.U16(page, PageHeaderSize + (2 * index));
        var end = index == 0 ? (int)pageSize : db.U16(page, PageHeaderSize + (2 * (index - 1)));
        if (start < indexEnd || start >= pageSize || end > pageSize || end <= start)
        {
            throw new ScanException($"BerkeleyDB page {pageNo} item {index} has offset {start} and end {end}, outside the page's item area");
        }
        return (start, end - start);
    }

    /// <summary>Concatenates an overflow chain. Its pages must be overflow pages inside the file, visited once each, adding up to the declared length.</summary>
    private static ReadOnlyMemory<byte> ReadOverflowChain(Reader db, uint firstPage, uint totalLength, uint fromPage, uint pageSize, uint lastPage, long maxValueBytes)
    {
        if (totalLength > maxValueBytes)
        {
            throw new LimitExceededException($"BerkeleyDB page {fromPage} refers to a {totalLength}-byte value, over the limit of {maxValueBytes}");
        }
        var content = db.Content;
        if (totalLength > content.Length)
        {
            throw new ScanException($"BerkeleyDB page {fromPage} refers to a {totalLength}-byte value, larger than the {content.Length}-byte file");
        }
        var value = new byte[totalLength];
        var filled = 0L;
        var pageNo = firstPage;
        var hops = 0u;
        while (filled < totalLength)
        {
            if (pageNo == 0 || pageNo > lastPage)
            {
                throw new ScanException($"BerkeleyDB overflow chain from page {fromPage} breaks at page {pageNo} after {filled} of {totalLength} bytes");
            }
            if (++hops > lastPage)
            {
                throw new ScanException($"BerkeleyDB overflow chain from page {fromPage} loops");
            }
            var page = content.AsSpan((int)(pageNo * pageSize), (int)pageSize);
            if (page[25] != PageOverflow)
            {
                throw new ScanException($"BerkeleyDB overflow chain from page {fromPage} reaches page {pageNo} of type {page[25]}, not an overflow page");
            }
            // On overflow pages the "high free offset" field is the number of data bytes on the page (libdb's OV_LEN).
            int length = db.U16(page, 22);
            if (length > pageSize - PageHeaderSize || filled + length > totalLength)
            {
                throw new ScanException($"BerkeleyDB overflow page {pageNo} holds {length} bytes, more than the page or the value's remaining {totalLength - filled} bytes");
            }
            page.Slice(PageHeaderSize, length).CopyTo(value.AsSpan((int)filled));
            filled += length;
            if (length == 0 && filled < totalLength)
            {
                throw new ScanException($"BerkeleyDB overflow page {pageNo} is empty before the value is complete");
            }
            pageNo = db.U32(page, 16);
        }
        return value;
    }

    /// <summary>Page fields are in the byte order of the machine that wrote the file; the metadata magic tells which.</summary>
    private sealed class Reader(byte[] content, bool bigEndian)
    {
        public byte[] Content { get; } = content;

        public uint U32(ReadOnlySpan<byte> span, int offset) =>
            bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);

        public ushort U16(ReadOnlySpan<byte> span, int offset) =>
            bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span[offset..]) : BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
    }
}
