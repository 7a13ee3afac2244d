using System.IO.Compression;
using System.IO.Hashing;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Vulnerabilities.Import;

/// <summary>
/// OSV JSON into the store: osv.dev's &lt;Ecosystem&gt;/all.zip (one record per entry), a directory of records
/// (searched recursively, links not followed) or one record file. Records are read one at a time, each capped
/// at <see cref="ImportOptions.MaxRecordBytes"/>; a bad record is a warning, a damaged zip ends the import.
/// </summary>
internal static class OsvImporter
{
    public const string Kind = "osv";

    /// <summary>Imports <paramref name="files"/> (record files) or the zip at <paramref name="zipPath"/> as one source.</summary>
    public static void ImportZip(string zipPath, string displayName, AdvisoryStoreWriter writer, OsvRecordParser parser, ImportOptions options, CancellationToken cancellationToken)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException ex)
        {
            throw new AdvisoryStoreException($"{displayName}: not a readable zip ({ex.Message})", ex);
        }
        using (zip)
        {
            var buffer = new byte[64 * 1024];
            foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || entry.FullName.EndsWith('/'))
                {
                    continue;
                }
                var location = $"{displayName}:{entry.FullName}";
                int length;
                try
                {
                    using var stream = entry.Open();
                    length = ReadCapped(stream, ref buffer, options.MaxRecordBytes);
                }
                catch (InvalidDataException ex)
                {
                    // A CRC mismatch or a broken deflate stream: the download is damaged, not one record.
                    throw new AdvisoryStoreException($"{location}: the zip is damaged ({ex.Message})", ex);
                }
                if (length < 0)
                {
                    parser.Warn($"{location}: larger than {options.MaxRecordBytes >> 20} MB; skipped");
                    continue;
                }
                if (length != entry.Length || Crc32.HashToUInt32(buffer.AsSpan(0, length)) != entry.Crc32)
                {
                    throw new AdvisoryStoreException($"{location}: the zip is damaged (the entry's {(length != entry.Length ? "size" : "CRC-32")} does not match its header)");
                }
                Add(writer, parser, buffer.AsMemory(0, length), location);
            }
        }
    }

    public static void ImportFiles(IEnumerable<string> files, AdvisoryStoreWriter writer, OsvRecordParser parser, ImportOptions options, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            {
                length = ReadCapped(stream, ref buffer, options.MaxRecordBytes);
            }
            if (length < 0)
            {
                parser.Warn($"{file}: larger than {options.MaxRecordBytes >> 20} MB; skipped");
                continue;
            }
            Add(writer, parser, buffer.AsMemory(0, length), file);
        }
    }

    private static void Add(AdvisoryStoreWriter writer, OsvRecordParser parser, ReadOnlyMemory<byte> json, string location)
    {
        if (parser.Parse(json, location) is not { } record)
        {
            return;
        }
        if (writer.AddAdvisory(record) is null)
        {
            parser.Warn($"{location} ({record.Id}): the source already holds a record with this id; this one skipped");
        }
    }

    /// <summary>Reads a whole stream into <paramref name="buffer"/> (grown as needed); -1 when it holds more than <paramref name="cap"/> bytes.</summary>
    internal static int ReadCapped(Stream stream, ref byte[] buffer, int cap)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= cap + 1)
                {
                    return -1;
                }
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, cap + 1L));
            }
            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                return length > cap ? -1 : length;
            }
            length += read;
        }
    }
}
