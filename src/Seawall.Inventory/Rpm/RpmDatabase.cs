using Seawall.Core.Errors;

namespace Seawall.Inventory.Rpm;

public enum RpmDatabaseFormat
{
    Sqlite,
    Ndb,
    BerkeleyDb,
}

/// <summary>Tells the three rpm database formats apart by their content (never by file name) and returns each stored header blob.</summary>
internal static class RpmDatabase
{
    /// <summary>The largest blob a valid header can be: preamble, 65535 index entries, 256 MB of data.</summary>
    public const long MaxHeaderBytes = 8 + (16L * RpmHeader.MaxIndexEntries) + RpmHeader.MaxDataBytes;

    /// <summary>No real system has a million packages; a database claiming more is hostile.</summary>
    public const int MaxPackages = 1_000_000;

    public static RpmDatabaseFormat Detect(ReadOnlySpan<byte> content)
    {
        if (SqlitePackages.IsSqlite(content))
        {
            return RpmDatabaseFormat.Sqlite;
        }
        if (NdbPackages.IsNdb(content))
        {
            return RpmDatabaseFormat.Ndb;
        }
        if (BerkeleyDbHash.IsHashDatabase(content))
        {
            return RpmDatabaseFormat.BerkeleyDb;
        }
        throw new ScanException($"not an rpm database: {content.Length} bytes that are neither SQLite, NDB nor a BerkeleyDB hash");
    }

    public static List<ReadOnlyMemory<byte>> ReadHeaderBlobs(byte[] content)
    {
        var blobs = Detect(content) switch
        {
            RpmDatabaseFormat.Sqlite => SqlitePackages.ReadBlobs(content, MaxHeaderBytes, MaxPackages),
            RpmDatabaseFormat.Ndb => NdbPackages.ReadBlobs(content, MaxHeaderBytes),
            _ => BerkeleyDbHash.ReadValues(content, MaxHeaderBytes),
        };
        if (blobs.Count > MaxPackages)
        {
            throw new LimitExceededException($"rpm database holds {blobs.Count} headers, over the limit of {MaxPackages}");
        }
        return blobs;
    }
}
