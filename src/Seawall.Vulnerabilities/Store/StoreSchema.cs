using Microsoft.Data.Sqlite;

namespace Seawall.Vulnerabilities.Store;

/// <summary>
/// The advisory database's tables. Bump <see cref="Version"/> with any change a reader depends on: a reader refuses
/// another version with a one-line message, and an import into a database of another version starts a new one.
/// </summary>
/// <remarks>
/// Shape, for lookups by (ecosystem, package) in one index seek on one table:
/// - meta(key, value): schema_version, updated_at.
/// - sources(id, name, kind, origin, imported_at, advisories, affected, warnings): one row per imported source
///   (osv:Go, debian-tracker, alpine-secdb:v3.19/main); re-importing a source replaces its rows.
/// - advisories(id, source_id, advisory_id, withdrawn, published, modified, db_severity, informational, aliases,
///   upstream, severities, refs, summary, details): small columns first, so a row's text stays unread until asked for.
/// - affected(ecosystem, package_key, source_id, entry, versions), indexed on (ecosystem, package_key). entry packs
///   everything a matcher needs in one compact JSON array (see <see cref="StoreJson.Entry"/>): the advisory's row
///   and id (copied, so a lookup never joins), withdrawn, the package as published, purl, the distribution fields and
///   the ranges. A lookup reads two columns a row, not a dozen: column reads through the SQLite binding are what a
///   bulk lookup spends its time on. versions (OSV's explicit list, JSON) is parsed only when asked for.
/// </remarks>
internal static class StoreSchema
{
    /// <remarks>2: affected entries carry a status note (the Debian tracker's no-dsa reason); undetermined tracker entries are no longer stored.</remarks>
    public const int Version = 2;

    public const string LookupIndex = "affected_by_package";

    public static readonly string[] CreateTables =
    [
        "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID",
        """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            origin TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            advisories INTEGER NOT NULL DEFAULT 0,
            affected INTEGER NOT NULL DEFAULT 0,
            warnings INTEGER NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE advisories (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL,
            advisory_id TEXT NOT NULL,
            withdrawn TEXT,
            published TEXT,
            modified TEXT,
            db_severity TEXT,
            informational TEXT,
            aliases TEXT,
            upstream TEXT,
            severities TEXT,
            refs TEXT,
            summary TEXT,
            details TEXT)
        """,
        "CREATE UNIQUE INDEX advisories_by_id ON advisories(advisory_id, source_id)",
        """
        CREATE TABLE affected (
            ecosystem TEXT NOT NULL,
            package_key TEXT NOT NULL,
            source_id INTEGER NOT NULL,
            entry TEXT NOT NULL,
            versions TEXT)
        """,
    ];

    /// <summary>Built after the rows are in: one sort instead of an index update per insert.</summary>
    public const string CreateLookupIndex = $"CREATE INDEX IF NOT EXISTS {LookupIndex} ON affected(ecosystem, package_key)";

    public const string DropLookupIndex = $"DROP INDEX IF EXISTS {LookupIndex}";

    public static string StatusName(DistroStatus status) => status switch
    {
        DistroStatus.Fixed => "fixed",
        DistroStatus.Unfixed => "unfixed",
        DistroStatus.NoDsa => "no-dsa",
        DistroStatus.Ignored => "ignored",
        DistroStatus.EndOfLife => "end-of-life",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static DistroStatus? ParseStatus(string? text) => text switch
    {
        "fixed" => DistroStatus.Fixed,
        "unfixed" => DistroStatus.Unfixed,
        "no-dsa" => DistroStatus.NoDsa,
        "ignored" => DistroStatus.Ignored,
        "end-of-life" => DistroStatus.EndOfLife,
        _ => null,
    };

    /// <summary>The schema version a database file declares, or null when it is not one of ours (or not SQLite at all).</summary>
    public static int? ReadVersion(SqliteConnection connection)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
            return command.ExecuteScalar() is string text && int.TryParse(text, out var version) ? version : null;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
