using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

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
    private readonly sqlite3_stmt _lookup;
    private readonly sqlite3_stmt _advisories;
    private readonly Dictionary<long, string> _sourceNames;
    /// <summary><see cref="SourceName"/> as one delegate (a method group passed per row would be a new one each time).</summary>
    private readonly Func<long, string> _sourceName;

    private AdvisoryStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
        _sourceNames = [];
        _sourceName = SourceName;
        using (var sources = connection.CreateCommand())
        {
            sources.CommandText = "SELECT id, name FROM sources";
            using var reader = sources.ExecuteReader();
            while (reader.Read())
            {
                _sourceNames[reader.GetInt64(0)] = reader.GetString(1);
            }
        }
        // The hot path of matching talks to SQLite directly: Microsoft.Data.Sqlite's per-column reads (a copy and a
        // few interop calls each) were most of a 10,000-package lookup; here a row is one step and two spans.
        Check(raw.sqlite3_prepare_v2(connection.Handle, "SELECT entry, versions FROM affected WHERE ecosystem = ?1 AND package_key IN (SELECT value FROM json_each(?2))", out _lookup));
        Check(raw.sqlite3_prepare_v2(connection.Handle, """
            SELECT id, source_id, advisory_id, withdrawn, published, modified, db_severity, informational, aliases, upstream, severities, refs, summary, details
            FROM advisories WHERE id IN (SELECT value FROM json_each(?1))
            """, out _advisories));
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
    public IReadOnlyList<AffectedEntry> Lookup(string ecosystem, string package) =>
        LookupMany([(ecosystem, package)]).TryGetValue((ecosystem, package), out var entries) ? entries : [];

    /// <summary>
    /// <see cref="Lookup"/> for many packages at once, the way a scan asks: one result per distinct (ecosystem, package)
    /// asked for, packages without advisories left out. Keys go to SQLite a thousand at a time (a JSON array the
    /// query unpacks with json_each), so 10,000 packages cost a dozen statements rather than 10,000.
    /// </summary>
    public IReadOnlyDictionary<(string Ecosystem, string Package), IReadOnlyList<AffectedEntry>> LookupMany(IEnumerable<(string Ecosystem, string Package)> packages)
    {
        // (ecosystem, key) -> the names asked for under it ("Django" and "django" share one key; almost always one name).
        var asked = new Dictionary<(string Ecosystem, string Key), AskedNames>(packages.TryGetNonEnumeratedCount(out var count) ? count : 0);
        foreach (var (ecosystem, package) in packages)
        {
            ref var names = ref CollectionsMarshal.GetValueRefOrAddDefault(asked, (ecosystem, PackageNames.Key(ecosystem, package)), out var exists);
            if (!exists)
            {
                names.First = package;
            }
            else if (names.First != package && !(names.Others?.Contains(package) ?? false))
            {
                (names.Others ??= []).Add(package);
            }
        }
        var found = new Dictionary<(string Ecosystem, string Key), List<AffectedEntry>>();
        var json = new ArrayBufferWriter<byte>(16 * 1024);
        lock (_gate)
        {
            foreach (var group in asked.Keys.GroupBy(k => k.Ecosystem, StringComparer.Ordinal))
            {
                foreach (var chunk in group.Select(k => k.Key).Chunk(1000))
                {
                    Check(raw.sqlite3_reset(_lookup));
                    Check(raw.sqlite3_bind_text(_lookup, 1, group.Key));
                    json.ResetWrittenCount();
                    StoreJson.WriteStrings(json, chunk);
                    Check(raw.sqlite3_bind_text(_lookup, 2, json.WrittenSpan));
                    int step;
                    var reuse = new StoreJson.EntryReuse();
                    string? lastPackage = null;
                    List<AffectedEntry>? list = null;
                    while ((step = raw.sqlite3_step(_lookup)) == raw.SQLITE_ROW)
                    {
                        var versions = raw.sqlite3_column_blob(_lookup, 1);
                        var entry = StoreJson.ReadEntry(raw.sqlite3_column_blob(_lookup, 0), group.Key, _sourceName, versions.IsEmpty ? null : versions.ToArray(), ref reuse);
                        // Rows come in index order, a package's together: its key is derived once, not per row. The key
                        // is the one the writer derived from the same ecosystem and published name.
                        if (!ReferenceEquals(entry.Package, lastPackage))
                        {
                            lastPackage = entry.Package;
                            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(found, (group.Key, PackageNames.Key(group.Key, entry.Package)), out _);
                            list = slot ??= [];
                        }
                        list!.Add(entry);
                    }
                    if (step != raw.SQLITE_DONE)
                    {
                        Check(step);
                    }
                }
            }
        }
        var results = new Dictionary<(string, string), IReadOnlyList<AffectedEntry>>(found.Count);
        foreach (var (key, entries) in found)
        {
            var names = asked[key];
            results[(key.Ecosystem, names.First)] = entries;
            foreach (var name in names.Others ?? [])
            {
                results[(key.Ecosystem, name)] = entries;
            }
        }
        return results;
    }

    /// <summary>
    /// Every distinct ecosystem string the affected entries are filed under ("Debian:12", "Red Hat:enterprise_linux:9::baseos",
    /// "SUSE:Linux Enterprise Module for Basesystem 15 SP5"), in ordinal order. Distributions that file one release under
    /// several product or repository names are matched against this list. Read once per store and kept.
    /// </summary>
    public IReadOnlyList<string> Ecosystems()
    {
        lock (_gate)
        {
            if (_ecosystems is not null)
            {
                return _ecosystems;
            }
            try
            {
                // A skip-scan over the lookup index: one seek per distinct ecosystem instead of reading every row.
                using var command = _connection.CreateCommand();
                command.CommandText = """
                    WITH RECURSIVE e(name) AS (
                        SELECT MIN(ecosystem) FROM affected
                        UNION ALL
                        SELECT (SELECT MIN(ecosystem) FROM affected WHERE ecosystem > e.name) FROM e WHERE e.name IS NOT NULL)
                    SELECT name FROM e WHERE name IS NOT NULL
                    """;
                var names = new List<string>();
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        names.Add(reader.GetString(0));
                    }
                }
                names.Sort(StringComparer.Ordinal);
                return _ecosystems = names;
            }
            catch (SqliteException ex)
            {
                throw Damaged(ex);
            }
        }
    }

    private IReadOnlyList<string>? _ecosystems;

    /// <summary>The spellings a lookup was asked for under one key: the first, and any other (rare).</summary>
    private struct AskedNames
    {
        public string First;
        public List<string>? Others;
    }

    private string SourceName(long id) => _sourceNames.GetValueOrDefault(id, "?");

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            throw new AdvisoryStoreException($"{Path}: the advisory database is damaged ({raw.sqlite3_errstr(rc).utf8_to_string()}): run `seawall db update` or `seawall db import` to rebuild it");
        }
    }

    /// <summary>The advisory behind an affected entry (text, scores, references), or null when the key is unknown.</summary>
    public Advisory? GetAdvisory(long key) => GetAdvisories([key]).GetValueOrDefault(key);

    /// <summary>
    /// <see cref="GetAdvisory"/> for many keys at once (a scan's matches): a thousand keys per statement instead of one
    /// statement per advisory. Unknown keys are left out.
    /// </summary>
    public IReadOnlyDictionary<long, Advisory> GetAdvisories(IEnumerable<long> keys)
    {
        var found = new Dictionary<long, Advisory>(keys.TryGetNonEnumeratedCount(out var count) ? count : 0);
        lock (_gate)
        {
            // Stepped through SQLitePCL like lookups: an all-vulnerable scan reads thousands of rows, and the list
            // columns are decoded from SQLite's own UTF-8 bytes rather than through a string and back.
            var json = new ArrayBufferWriter<byte>(16 * 1024);
            foreach (var chunk in keys.Distinct().Chunk(1000))
            {
                Check(raw.sqlite3_reset(_advisories));
                json.ResetWrittenCount();
                StoreJson.WriteNumbers(json, chunk);
                Check(raw.sqlite3_bind_text(_advisories, 1, json.WrittenSpan));
                int step;
                while ((step = raw.sqlite3_step(_advisories)) == raw.SQLITE_ROW)
                {
                    var advisory = ReadAdvisory(_advisories);
                    found[advisory.Key] = advisory;
                }
                if (step != raw.SQLITE_DONE)
                {
                    Check(step);
                }
            }
        }
        return found;
    }

    private Advisory ReadAdvisory(sqlite3_stmt row)
    {
        try
        {
            return new()
            {
                Key = raw.sqlite3_column_int64(row, 0),
                Source = SourceName(raw.sqlite3_column_int64(row, 1)),
                Id = Text(row, 2) ?? string.Empty,
                Withdrawn = Time(raw.sqlite3_column_blob(row, 3)),
                Published = Time(raw.sqlite3_column_blob(row, 4)),
                Modified = Time(raw.sqlite3_column_blob(row, 5)),
                DatabaseSeverity = Text(row, 6),
                Informational = Text(row, 7),
                Aliases = StoreJson.ReadStrings(raw.sqlite3_column_blob(row, 8)),
                Upstream = StoreJson.ReadStrings(raw.sqlite3_column_blob(row, 9)),
                Severities = StoreJson.ReadSeverities(raw.sqlite3_column_blob(row, 10)),
                References = StoreJson.ReadReferences(raw.sqlite3_column_blob(row, 11)),
                Summary = Text(row, 12),
                Details = Text(row, 13),
            };
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new AdvisoryStoreException($"{Path}: the advisory database is damaged (advisory row {raw.sqlite3_column_int64(row, 0)}: {ex.Message}): run `seawall db update` or `seawall db import` to rebuild it", ex);
        }
    }

    /// <summary>A TEXT column, null for SQL NULL.</summary>
    private static string? Text(sqlite3_stmt row, int column) =>
        raw.sqlite3_column_type(row, column) == raw.SQLITE_NULL ? null : Encoding.UTF8.GetString(raw.sqlite3_column_blob(row, column));

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
        _advisories.Dispose();
        _connection.Dispose();
    }

    private AdvisoryStoreException Damaged(SqliteException ex) =>
        new($"{Path}: the advisory database is damaged ({ex.Message}): run `seawall db update` or `seawall db import` to rebuild it", ex);

    internal static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) ? value : null;

    /// <summary>
    /// <see cref="Time(string?)"/> of a column's UTF-8 bytes. The writer stores "yyyy-MM-ddTHH:mm:ssZ", read here digit by
    /// digit (the general parser was a tenth of reading an advisory); any other text goes through the general parser.
    /// </summary>
    internal static DateTimeOffset? Time(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return null;
        }
        if (text.Length == 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' && text[16] == ':' && text[19] == 'Z'
            && Digits(text[..4], out var year) && Digits(text.Slice(5, 2), out var month) && Digits(text.Slice(8, 2), out var day)
            && Digits(text.Slice(11, 2), out var hour) && Digits(text.Slice(14, 2), out var minute) && Digits(text.Slice(17, 2), out var second)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) && hour < 24 && minute < 60 && second < 60)
        {
            return new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        }
        return Time(Encoding.UTF8.GetString(text));
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = value * 10 + (b - '0');
        }
        return true;
    }
}
