using System.Buffers.Binary;

namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// Reads the entry count from a zip's end-of-central-directory record (zip64 included) without opening the archive:
/// ZipArchive builds an object per entry up front, so a hostile directory of millions of entries is refused first.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndOfCentralDirectory = 0x06054b50;
    private const uint Zip64Locator = 0x07064b50;
    private const uint Zip64EndOfCentralDirectory = 0x06064b50;
    private const int EndRecordSize = 22;

    /// <summary>The number of entries the archive declares, or null when there is no end record (not a zip).</summary>
    public static long? DeclaredEntryCount(ReadOnlySpan<byte> data)
    {
        if (data.Length < EndRecordSize)
        {
            return null;
        }
        // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
        var lowest = Math.Max(0, data.Length - EndRecordSize - ushort.MaxValue);
        for (var at = data.Length - EndRecordSize; at >= lowest; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) != EndOfCentralDirectory)
            {
                continue;
            }
            long count = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 10)..]);
            if (count != ushort.MaxValue)
            {
                return count;
            }
            // Zip64: the locator sits just before the end record and points at the zip64 end record.
            if (at < 20 || BinaryPrimitives.ReadUInt32LittleEndian(data[(at - 20)..]) != Zip64Locator)
            {
                return count;
            }
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(data[(at - 20 + 8)..]);
            if (data.Length < 56 || offset > (ulong)(data.Length - 56) || BinaryPrimitives.ReadUInt32LittleEndian(data[(int)offset..]) != Zip64EndOfCentralDirectory)
            {
                return null;
            }
            var total = BinaryPrimitives.ReadUInt64LittleEndian(data[((int)offset + 32)..]);
            return total > long.MaxValue ? long.MaxValue : (long)total;
        }
        return null;
    }
}
