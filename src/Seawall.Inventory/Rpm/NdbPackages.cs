using System.Buffers.Binary;
using Seawall.Core.Errors;

namespace Seawall.Inventory.Rpm;

/// <summary>
/// rpm's "ndb" backend (SUSE, Packages.db), laid out in rpm's lib/backend/ndb/rpmpkg.c: a 32-byte header ("RpmP",
/// version, generation, slot page count), 4 KiB slot pages of 16-byte slots ("Slot", package index, block offset,
/// block count), and per package a run of 16-byte blocks: blob header ("BlbS", package index, generation, length),
/// the header blob, and a tail (checksum, length, "BlbE") in the run's last 12 bytes.
/// </summary>
internal static class NdbPackages
{
    private const uint HeaderMagic = 'R' | ('p' << 8) | ('m' << 16) | ('P' << 24);
    private const uint SlotMagic = 'S' | ('l' << 8) | ('o' << 16) | ('t' << 24);
    private const uint BlobMagic = 'B' | ('l' << 8) | ('b' << 16) | ('S' << 24);
    private const uint BlobTailMagic = 'B' | ('l' << 8) | ('b' << 16) | ('E' << 24);
    private const int SlotPageSize = 4096;
    private const int SlotSize = 16;
    private const int BlockSize = 16;
    private const int BlobHeaderSize = 16;
    private const int BlobTailSize = 12;

    /// <summary>rpm's own sanity cap on slot pages (go-rpmdb uses the same).</summary>
    private const uint MaxSlotPages = 2048;

    public static bool IsNdb(ReadOnlySpan<byte> content) =>
        content.Length >= 32 && BinaryPrimitives.ReadUInt32LittleEndian(content) == HeaderMagic;

    /// <summary>Each package's header blob, in slot order (the order `rpm -qa` lists them).</summary>
    public static List<ReadOnlyMemory<byte>> ReadBlobs(byte[] content, long maxBlobBytes)
    {
        if (!IsNdb(content))
        {
            throw new ScanException("not an rpm NDB database (magic RpmP missing)");
        }
        var span = content.AsSpan();
        var version = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        var slotPages = BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
        if (version != 0)
        {
            throw new ScanException($"NDB version {version} is not supported");
        }
        if (slotPages == 0 || slotPages > MaxSlotPages)
        {
            throw new LimitExceededException($"NDB header declares {slotPages} slot pages; between 1 and {MaxSlotPages} are allowed");
        }
        if ((long)slotPages * SlotPageSize > content.Length)
        {
            throw new ScanException($"NDB file is truncated: {slotPages} slot pages need {slotPages * SlotPageSize} bytes, it has {content.Length}");
        }

        var blobs = new List<ReadOnlyMemory<byte>>();
        var slotCount = slotPages * (SlotPageSize / SlotSize);
        // The first two slots' worth of bytes are the database header.
        for (var slot = 2; slot < slotCount; slot++)
        {
            var raw = span.Slice(slot * SlotSize, SlotSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(raw) != SlotMagic)
            {
                throw new ScanException($"NDB slot {slot} has a bad magic");
            }
            var packageIndex = BinaryPrimitives.ReadUInt32LittleEndian(raw[4..]);
            if (packageIndex == 0)
            {
                continue;
            }
            var blockOffset = BinaryPrimitives.ReadUInt32LittleEndian(raw[8..]);
            var blockCount = BinaryPrimitives.ReadUInt32LittleEndian(raw[12..]);
            blobs.Add(ReadBlob(content, packageIndex, blockOffset, blockCount, maxBlobBytes));
        }
        return blobs;
    }

    private static ReadOnlyMemory<byte> ReadBlob(byte[] content, uint packageIndex, uint blockOffset, uint blockCount, long maxBlobBytes)
    {
        var start = (long)blockOffset * BlockSize;
        var runLength = (long)blockCount * BlockSize;
        if (runLength < BlobHeaderSize + BlobTailSize || start + runLength > content.Length)
        {
            throw new ScanException($"NDB package {packageIndex}: blocks {blockOffset}+{blockCount} lie outside the {content.Length}-byte file");
        }
        var run = content.AsSpan((int)start, (int)runLength);
        if (BinaryPrimitives.ReadUInt32LittleEndian(run) != BlobMagic || BinaryPrimitives.ReadUInt32LittleEndian(run[4..]) != packageIndex)
        {
            throw new ScanException($"NDB package {packageIndex}: no blob for it at block {blockOffset}");
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(run[12..]);
        if (length > maxBlobBytes)
        {
            throw new LimitExceededException($"NDB package {packageIndex}: a {length}-byte blob is over the limit of {maxBlobBytes}");
        }
        if (BlobHeaderSize + (long)length + BlobTailSize > runLength)
        {
            throw new ScanException($"NDB package {packageIndex}: a {length}-byte blob does not fit in its {runLength} bytes of blocks");
        }
        var tail = run[^BlobTailSize..];
        if (BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]) != BlobTailMagic || BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) != length)
        {
            throw new ScanException($"NDB package {packageIndex}: the blob's tail does not match its header (a torn or overwritten blob)");
        }
        return content.AsMemory((int)start + BlobHeaderSize, (int)length);
    }
}
