using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Seawall.Vulnerabilities.Store;

/// <summary>
/// The advisory database, read-only: affected entries by (ecosystem, package) in one index seek, the advisory
/// behind an entry, and what the database holds (<see cref="Info"/>). Open it once per scan; one instance serves
/// one thread at a time (calls are serialised by a lock, they do not run in parallel).
/// </summary>
public sealed class AdvisoryStore : IDisposable
{
    /// <summary>The file name under the cache directory: &lt;cache-dir&gt;/db/seawall-advisories.db.</summary>
    public const string FileName = "seawall-advisories.db";

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _lookup;
    private readonly SqliteCommand _lookupMany;
    private readonly SqliteCommand _advisory;
    private readonly Dictionary<long, string> _sourceNames;

    private AdvisoryStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
        _sourceNames = [];
        using (var sources = connection.CreateCommand())
        {
            sources.CommandText = "SELECT id, name FROM sources";
            using var reader = sources.ExecuteReader();
            while (reader.Read())
            {
                _sourceNames[reader.GetInt64(0)] = reader.GetString(1);
            }
        }
        _lookup = connection.CreateCommand();
        _lookup.CommandText = "SELECT entry, versions FROM affected WHERE ecosystem = $ecosystem AND package_key = $key";
        _lookup.Parameters.Add(new SqliteParameter { ParameterName = "$ecosystem" });
        _lookup.Parameters.Add(new SqliteParameter { ParameterName = "$key" });
        _lookup.Prepare();
        _lookupMany = connection.CreateCommand();
        _lookupMany.CommandText = "SELECT entry, versions, package_key FROM affected WHERE ecosystem = $ecosystem AND package_key IN (SELECT value FROM json_each($keys))";
        _lookupMany.Parameters.Add(new SqliteParameter { ParameterName = "$ecosystem" });
        _lookupMany.Parameters.Add(new SqliteParameter { ParameterName = "$keys" });
        _lookupMany.Prepare();
        _advisory = connection.CreateCommand();
        _advisory.CommandText = """
            SELECT id, source_id, advisory_id, withdrawn, published, modified, db_severity, informational, aliases, upstream, severities, refs, summary, details
            FROM advisories WHERE id = $id
            """;
        _advisory.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
        _advisory.Prepare();
    }

    /// <summary>The database file this store reads.</summary>
    public string Path { get; }

    /// <summary>Where the database lives under a cache directory (the CLI's --cache-dir, default ~/.cache/seawall).</summary>
    public static string DefaultPath(string cacheDir) => System.IO.Path.Combine(cacheDir, "db", FileName);

    /// <summary>Opens the database read-only. Missing, corrupt or of another schema version: an <see cref="AdvisoryStoreException"/> that says what to run.</summary>
    public static AdvisoryStore Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new AdvisoryStoreException($"no advisory database at {path}: run `seawall db update` or `seawall db import`");
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            var version = StoreSchema.ReadVersion(connection);
            if (version is null)
            {
                throw new AdvisoryStoreException($"{path} is not a seawall advisory database (or it is damaged): run `seawall db update` or `seawall db import` to rebuild it");
            }
            if (version != StoreSchema.Version)
            {
                throw new AdvisoryStoreException($"{path} has advisory database schema {version}; this seawall reads schema {StoreSchema.Version}: run `seawall db update` or `seawall db import` to rebuild it");
            }
            // Reads come from a file the page cache holds anyway; mapping it saves a copy per page.
            StoreSchema.Execute(connection, "PRAGMA mmap_size = 268435456");
            StoreSchema.Execute(connection, "PRAGMA cache_size = -32768");
            return new AdvisoryStore(path, connection);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new AdvisoryStoreException($"{path}: cannot read the advisory database ({ex.Message}): run `seawall db update` or `seawall db import` to rebuild it", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every affected entry for a package of an ecosystem ("PyPI", "Go", "Debian:12", "Alpine:v3.19"), withdrawn ones
    /// included (see <see cref="AffectedEntry.Withdrawn"/>). The name is matched under <see cref="PackageNames.Key"/>;
    /// distributions are keyed by source package name.
    /// </summary>
    public IReadOnlyList<AffectedEntry> Lookup(string ecosystem, string package)
    {
        lock (_gate)
        {
            try
            {
                _lookup.Parameters[0].Value = ecosystem;
                _lookup.Parameters[1].Value = PackageNames.Key(ecosystem, package);
                using var reader = _lookup.ExecuteReader();
                List<AffectedEntry>? entries = null;
                while (reader.Read())
                {
                    (entries ??= []).Add(ReadEntry(reader, ecosystem));
                }
                return entries ?? (IReadOnlyList<AffectedEntry>)[];
            }
            catch (SqliteException ex)
            {
                throw Damaged(ex);
            }
        }
    }

    /// <summary>
    /// <see cref="Lookup"/> for many packages at once, the way a scan asks: one result per distinct (ecosystem, package)
    /// asked for, packages without advisories left out. Keys go to SQLite a thousand at a time (a JSON array the
    /// query unpacks with json_each), so 10,000 packages cost a dozen statements rather than 10,000.
    /// </summary>
    public IReadOnlyDictionary<(string Ecosystem, string Package), IReadOnlyList<AffectedEntry>> LookupMany(IEnumerable<(string Ecosystem, string Package)> packages)
    {
        // (ecosystem, key) -> the names asked for under it ("Django" and "django" share one key).
        var asked = new Dictionary<(string Ecosystem, string Key), List<string>>();
        foreach (var (ecosystem, package) in packages)
        {
            var key = (ecosystem, PackageNames.Key(ecosystem, package));
            if (!asked.TryGetValue(key, out var names))
            {
                asked[key] = names = [];
            }
            if (!names.Contains(package))
            {
                names.Add(package);
            }
        }
        var found = new Dictionary<(string Ecosystem, string Key), List<AffectedEntry>>();
        lock (_gate)
        {
            try
            {
                foreach (var group in asked.Keys.GroupBy(k => k.Ecosystem, StringComparer.Ordinal))
                {
                    foreach (var chunk in group.Select(k => k.Key).Chunk(1000))
                    {
                        _lookupMany.Parameters[0].Value = group.Key;
                        _lookupMany.Parameters[1].Value = StoreJson.Strings(chunk);
                        using var reader = _lookupMany.ExecuteReader();
                        while (reader.Read())
                        {
                            var key = (group.Key, reader.GetString(2));
                            if (!found.TryGetValue(key, out var list))
                            {
                                found[key] = list = [];
                            }
                            list.Add(ReadEntry(reader, group.Key));
                        }
                    }
                }
            }
            catch (SqliteException ex)
            {
                throw Damaged(ex);
            }
        }
        var results = new Dictionary<(string, string), IReadOnlyList<AffectedEntry>>();
        foreach (var (key, entries) in found)
        {
            foreach (var name in asked[key])
            {
                results[(key.Ecosystem, name)] = entries;
            }
        }
        return results;
    }

    private AffectedEntry ReadEntry(SqliteDataReader reader, string ecosystem) =>
        StoreJson.ReadEntry(reader.GetFieldValue<byte[]>(0), ecosystem, SourceName, NullableBytes(reader, 1));

    private string SourceName(long id) => _sourceNames.GetValueOrDefault(id, "?");

    /// <summary>The advisory behind an affected entry (text, scores, references), or null when the key is unknown.</summary>
    public Advisory? GetAdvisory(long key)
    {
        lock (_gate)
        {
            try
            {
                _advisory.Parameters[0].Value = key;
                using var reader = _advisory.ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }
                return new Advisory
                {
                    Key = reader.GetInt64(0),
                    Source = _sourceNames.GetValueOrDefault(reader.GetInt64(1), "?"),
                    Id = reader.GetString(2),
                    Withdrawn = Time(NullableString(reader, 3)),
                    Published = Time(NullableString(reader, 4)),
                    Modified = Time(NullableString(reader, 5)),
                    DatabaseSeverity = NullableString(reader, 6),
                    Informational = NullableString(reader, 7),
                    Aliases = StoreJson.ReadStrings(NullableString(reader, 8)),
                    Upstream = StoreJson.ReadStrings(NullableString(reader, 9)),
                    Severities = StoreJson.ReadSeverities(NullableString(reader, 10)),
                    References = StoreJson.ReadReferences(NullableString(reader, 11)),
                    Summary = NullableString(reader, 12),
                    Details = NullableString(reader, 13),
                };
            }
            catch (SqliteException ex)
            {
                throw Damaged(ex);
            }
        }
    }

    /// <summary>What the database holds: its sources with their figures, when it was updated, its size.</summary>
    public DatabaseInfo Info()
    {
        lock (_gate)
        {
            try
            {
                return DatabaseInfo.Read(_connection, Path);
            }
            catch (SqliteException ex)
            {
                throw Damaged(ex);
            }
        }
    }

    public void Dispose()
    {
        _lookup.Dispose();
        _lookupMany.Dispose();
        _advisory.Dispose();
        _connection.Dispose();
    }

    private AdvisoryStoreException Damaged(SqliteException ex) =>
        new($"{Path}: the advisory database is damaged ({ex.Message}): run `seawall db update` or `seawall db import` to rebuild it", ex);

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A TEXT column's UTF-8 bytes as SQLite holds them: JSON is parsed from these, without a round trip through a string.</summary>
    private static byte[]? NullableBytes(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<byte[]>(ordinal);

    internal static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) ? value : null;
}
