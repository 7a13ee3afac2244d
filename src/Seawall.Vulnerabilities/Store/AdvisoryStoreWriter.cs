using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Seawall.Vulnerabilities.Store;

/// <summary>One advisory as an importer hands it to the store.</summary>
internal sealed record AdvisoryRecord
{
    public required string Id { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public IReadOnlyList<string> Upstream { get; init; } = [];
    public string? Summary { get; init; }
    public string? Details { get; init; }
    public IReadOnlyList<SeverityScore> Severities { get; init; } = [];
    public string? DatabaseSeverity { get; init; }
    public string? Informational { get; init; }
    public IReadOnlyList<AdvisoryReference> References { get; init; } = [];
    public DateTimeOffset? Published { get; init; }
    public DateTimeOffset? Modified { get; init; }
    public DateTimeOffset? Withdrawn { get; init; }
    public IReadOnlyList<AffectedRecord> Affected { get; init; } = [];
}

/// <summary>One affected package of an advisory as an importer hands it to the store.</summary>
internal sealed record AffectedRecord
{
    public required string Ecosystem { get; init; }
    public required string Package { get; init; }
    public string? Purl { get; init; }
    public IReadOnlyList<AffectedRange> Ranges { get; init; } = [];
    public IReadOnlyList<string> Versions { get; init; } = [];
    public string? FixedVersion { get; init; }
    public DistroStatus? Status { get; init; }
    public string? Severity { get; init; }
    public string? StatusNote { get; init; }
}

/// <summary>Per-source figures an import ends with.</summary>
internal sealed record SourceCounts(int Advisories, int Affected);

/// <summary>
/// Builds the next advisory database beside the current one and swaps it in only when complete. The current
/// file is copied (so sources not being imported survive), the new rows go in through prepared commands in one
/// transaction with journaling and fsync off (the copy is private: a crash leaves a temp file to delete, never a
/// half-written database), the lookup index is rebuilt in one sort, the file is flushed to disk once and renamed
/// over the old one. Until <see cref="Commit"/> returns, readers see the previous database; disposing an
/// uncommitted writer deletes the copy. A lock file keeps two imports from racing.
/// </summary>
internal sealed class AdvisoryStoreWriter : IDisposable
{
    private const string TempMarker = ".tmp-";

    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _lock;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _insertAdvisory;
    private readonly SqliteCommand _insertAffected;
    private readonly Dictionary<string, long> _advisoryKeys = new(StringComparer.Ordinal);
    private bool _deletedRows;
    private bool _committed;
    private long _sourceId = -1;
    private int _advisories;
    private int _affected;

    private AdvisoryStoreWriter(string path, string tempPath, FileStream lockFile, SqliteConnection connection, bool fresh)
    {
        _path = path;
        _tempPath = tempPath;
        _lock = lockFile;
        _connection = connection;
        foreach (var pragma in new[] { "journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE", "temp_store = MEMORY", "cache_size = -65536" })
        {
            StoreSchema.Execute(connection, "PRAGMA " + pragma);
        }
        if (fresh)
        {
            foreach (var sql in StoreSchema.CreateTables)
            {
                StoreSchema.Execute(connection, sql);
            }
        }
        StoreSchema.Execute(connection, StoreSchema.DropLookupIndex);
        _transaction = connection.BeginTransaction();
        _insertAdvisory = Prepare("""
            INSERT INTO advisories (source_id, advisory_id, withdrawn, published, modified, db_severity, informational, aliases, upstream, severities, refs, summary, details)
            VALUES ($source, $id, $withdrawn, $published, $modified, $dbSeverity, $informational, $aliases, $upstream, $severities, $refs, $summary, $details)
            RETURNING id
            """, "$source", "$id", "$withdrawn", "$published", "$modified", "$dbSeverity", "$informational", "$aliases", "$upstream", "$severities", "$refs", "$summary", "$details");
        _insertAffected = Prepare("""
            INSERT INTO affected (ecosystem, package_key, source_id, entry, versions) VALUES ($ecosystem, $key, $source, $entry, $versions)
            """, "$ecosystem", "$key", "$source", "$entry", "$versions");
    }

    /// <summary>The temporary file being built; it replaces the database at <see cref="Commit"/>.</summary>
    public string TempPath => _tempPath;

    /// <summary>Starts an update of the database at <paramref name="path"/> (created if absent).</summary>
    /// <param name="warn">Told when the current file cannot be carried over (another schema, not a database) and a new one is started.</param>
    public static AdvisoryStoreWriter Begin(string path, Action<string> warn)
    {
        path = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new AdvisoryStoreException($"{path}: another seawall db import or update is running (lock {path}.lock)");
        }
        string? tempPath = null;
        try
        {
            // Temp files of an import that was killed: nobody else can be writing them while we hold the lock.
            foreach (var stale in Directory.EnumerateFiles(directory, Path.GetFileName(path) + TempMarker + "*"))
            {
                File.Delete(stale);
            }
            tempPath = path + TempMarker + Guid.NewGuid().ToString("N")[..12];
            var fresh = true;
            if (File.Exists(path))
            {
                var version = ReadVersion(path);
                if (version == StoreSchema.Version)
                {
                    File.Copy(path, tempPath);
                    fresh = false;
                }
                else
                {
                    warn(version is null
                        ? $"{path} is not a seawall advisory database; starting a new one"
                        : $"{path} has schema version {version} (this seawall writes {StoreSchema.Version}); starting a new one: import its other sources again");
                }
            }
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = tempPath, Pooling = false }.ToString());
            connection.Open();
            try
            {
                return new AdvisoryStoreWriter(path, tempPath, lockFile, connection, fresh);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            lockFile.Dispose();
            TryDelete(tempPath);
            throw new AdvisoryStoreException($"{path}: cannot start an update: {ex.Message}", ex);
        }
        catch
        {
            lockFile.Dispose();
            TryDelete(tempPath);
            throw;
        }
    }

    private static int? ReadVersion(string path)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            return StoreSchema.ReadVersion(connection);
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    /// <summary>Starts (or restarts) a source: the rows a previous import of the same name left are replaced by what follows.</summary>
    public void BeginSource(string name, string kind, string origin, DateTimeOffset importedAt)
    {
        EndSourceIfOpen(0);
        using (var find = Command("SELECT id FROM sources WHERE name = $name", ("$name", name)))
        {
            if (find.ExecuteScalar() is long old)
            {
                foreach (var table in new[] { "affected", "advisories" })
                {
                    using var delete = Command($"DELETE FROM {table} WHERE source_id = $id", ("$id", old));
                    _deletedRows |= delete.ExecuteNonQuery() > 0;
                }
                using var source = Command("DELETE FROM sources WHERE id = $id", ("$id", old));
                source.ExecuteNonQuery();
            }
        }
        using var insert = Command("INSERT INTO sources (name, kind, origin, imported_at) VALUES ($name, $kind, $origin, $at) RETURNING id",
            ("$name", name), ("$kind", kind), ("$origin", origin), ("$at", Timestamp(importedAt)));
        _sourceId = (long)insert.ExecuteScalar()!;
        _advisoryKeys.Clear();
        _advisories = 0;
        _affected = 0;
    }

    /// <summary>The key of an advisory already added to the current source, for importers that meet one id several times (Debian: a CVE per package).</summary>
    public long? FindAdvisory(string id) => _advisoryKeys.TryGetValue(id, out var key) ? key : null;

    /// <summary>Adds an advisory and its affected entries; null (nothing added) when the current source already has this id.</summary>
    public long? AddAdvisory(AdvisoryRecord record)
    {
        if (_sourceId < 0)
        {
            throw new InvalidOperationException("BeginSource first");
        }
        if (_advisoryKeys.ContainsKey(record.Id))
        {
            return null;
        }
        var p = _insertAdvisory.Parameters;
        p[0].Value = _sourceId;
        p[1].Value = record.Id;
        p[2].Value = Db(record.Withdrawn is { } w ? Timestamp(w) : null);
        p[3].Value = Db(record.Published is { } pub ? Timestamp(pub) : null);
        p[4].Value = Db(record.Modified is { } mod ? Timestamp(mod) : null);
        p[5].Value = Db(record.DatabaseSeverity);
        p[6].Value = Db(record.Informational);
        p[7].Value = Db(StoreJson.Strings(record.Aliases));
        p[8].Value = Db(StoreJson.Strings(record.Upstream));
        p[9].Value = Db(StoreJson.Severities(record.Severities));
        p[10].Value = Db(StoreJson.References(record.References));
        p[11].Value = Db(record.Summary);
        p[12].Value = Db(record.Details);
        var key = (long)_insertAdvisory.ExecuteScalar()!;
        _advisoryKeys.Add(record.Id, key);
        _advisories++;
        foreach (var affected in record.Affected)
        {
            AddAffected(key, record.Id, record.Withdrawn is not null, affected);
        }
        return key;
    }

    public void AddAffected(long advisoryKey, string advisoryId, bool withdrawn, AffectedRecord entry)
    {
        var p = _insertAffected.Parameters;
        p[0].Value = entry.Ecosystem;
        p[1].Value = PackageNames.Key(entry.Ecosystem, entry.Package);
        p[2].Value = _sourceId;
        p[3].Value = StoreJson.Entry(advisoryKey, advisoryId, _sourceId, withdrawn, entry);
        p[4].Value = Db(StoreJson.Strings(entry.Versions));
        _insertAffected.ExecuteNonQuery();
        _affected++;
    }

    /// <summary>Closes the current source with its figures (and the number of warnings its import raised).</summary>
    public SourceCounts EndSource(int warnings)
    {
        var counts = new SourceCounts(_advisories, _affected);
        EndSourceIfOpen(warnings);
        return counts;
    }

    private void EndSourceIfOpen(int warnings)
    {
        if (_sourceId < 0)
        {
            return;
        }
        using var update = Command("UPDATE sources SET advisories = $a, affected = $f, warnings = $w WHERE id = $id",
            ("$a", _advisories), ("$f", _affected), ("$w", warnings), ("$id", _sourceId));
        update.ExecuteNonQuery();
        _sourceId = -1;
    }

    /// <summary>Finishes the new database and renames it over the old one: the only moment readers can see a change.</summary>
    public void Commit(DateTimeOffset now)
    {
        EndSourceIfOpen(0);
        StoreSchema.Execute(_connection, StoreSchema.CreateLookupIndex);
        using (var meta = Command("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', $v), ('updated_at', $at)",
            ("$v", StoreSchema.Version.ToString(CultureInfo.InvariantCulture)), ("$at", Timestamp(now))))
        {
            meta.ExecuteNonQuery();
        }
        _transaction.Commit();
        if (_deletedRows)
        {
            // Replaced sources leave free pages behind; the file users keep should not grow with every update.
            StoreSchema.Execute(_connection, "VACUUM");
        }
        _insertAdvisory.Dispose();
        _insertAffected.Dispose();
        _connection.Close();
        using (var file = new FileStream(_tempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            // Durable before it becomes visible: journaling was off, so nothing else synced it.
            file.Flush(flushToDisk: true);
        }
        File.Move(_tempPath, _path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        _insertAdvisory.Dispose();
        _insertAffected.Dispose();
        if (!_committed)
        {
            _transaction.Dispose();
        }
        _connection.Dispose();
        if (!_committed)
        {
            TryDelete(_tempPath);
        }
        _lock.Dispose();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    private static object Db(string? value) => value is null ? DBNull.Value : value;

    internal static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void TryDelete(string? path)
    {
        if (path is null)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
