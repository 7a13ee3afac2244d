using Microsoft.Data.Sqlite;
using Seawall.Core.Errors;

namespace Seawall.Inventory.Rpm;

/// <summary>
/// rpm's sqlite backend (rpmdb.sqlite, Fedora 33+, RHEL 9, Amazon Linux 2023): table Packages(hnum, blob), one header
/// blob per row. SQLite reads from a file, so the bytes go to a private temporary folder that is always removed.
/// </summary>
internal static class SqlitePackages
{
    private static ReadOnlySpan<byte> Magic => "SQLite format 3\0"u8;

    public static bool IsSqlite(ReadOnlySpan<byte> content) => content.StartsWith(Magic);

    /// <summary>Each header blob, in hnum order (the order `rpm -qa` lists them).</summary>
    public static List<ReadOnlyMemory<byte>> ReadBlobs(byte[] content, long maxBlobBytes, int maxRows)
    {
        if (!IsSqlite(content) || content.Length < 100)
        {
            throw new ScanException("not an SQLite database");
        }
        var dir = Directory.CreateTempSubdirectory("seawall-rpmdb-");
        try
        {
            var path = Path.Combine(dir.FullName, "rpmdb.sqlite");
            WriteWithoutWal(content, path);
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString();
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using (var check = connection.CreateCommand())
            {
                // The schema comes from the image: its functions must not run, and Packages must be a plain table,
                // since a view or a virtual table could run arbitrary queries against a crafted file.
                check.CommandText = "PRAGMA trusted_schema = OFF; SELECT type, sql FROM sqlite_master WHERE name = 'Packages'";
                using var schema = check.ExecuteReader();
                if (!schema.Read())
                {
                    throw new ScanException("SQLite database has no Packages table");
                }
                var type = schema.IsDBNull(0) ? "object" : schema.GetString(0);
                var sql = schema.IsDBNull(1) ? string.Empty : schema.GetString(1);
                if (type != "table" || sql.Contains("VIRTUAL", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ScanException($"SQLite Packages is a {(type == "table" ? "virtual table" : type)}, not a table");
                }
            }
            var blobs = new List<ReadOnlyMemory<byte>>();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT blob FROM Packages ORDER BY hnum";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (blobs.Count >= maxRows)
                {
                    throw new LimitExceededException($"SQLite Packages table holds more than {maxRows} rows");
                }
                if (reader.IsDBNull(0))
                {
                    throw new ScanException($"SQLite Packages row {blobs.Count + 1} has no blob");
                }
                var length = reader.GetBytes(0, 0, null, 0, 0);
                if (length > maxBlobBytes)
                {
                    throw new LimitExceededException($"SQLite Packages row {blobs.Count + 1} holds a {length}-byte blob, over the limit of {maxBlobBytes}");
                }
                var blob = new byte[length];
                reader.GetBytes(0, 0, blob, 0, blob.Length);
                blobs.Add(blob);
            }
            return blobs;
        }
        catch (SqliteException ex)
        {
            throw new ScanException($"SQLite: {OneLine(ex.Message)}", ex);
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>
    /// Writes the copy as a rollback-journal database (header bytes 18 and 19 set from 2, WAL, to 1). The analyzer only
    /// has the main file, never a -wal beside it, so this reads the same data, and a read-only open then needs no -shm.
    /// </summary>
    private static void WriteWithoutWal(byte[] content, string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Write(content, 0, 18);
        file.WriteByte(content[18] == 2 ? (byte)1 : content[18]);
        file.WriteByte(content[19] == 2 ? (byte)1 : content[19]);
        file.Write(content, 20, content.Length - 20);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
