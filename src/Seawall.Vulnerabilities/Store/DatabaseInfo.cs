using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Seawall.Vulnerabilities.Store;

/// <summary>One imported source: osv:Go, debian-tracker, alpine-secdb:v3.19/main, or osv:&lt;path&gt; for a directory of OSV files.</summary>
/// <param name="Kind">The importer: osv, debian-tracker or alpine-secdb.</param>
/// <param name="Origin">The file, directory or URL it was read from.</param>
/// <param name="Warnings">How many records or entries the import warned about (and skipped or trimmed).</param>
public sealed record SourceInfo(string Name, string Kind, string Origin, DateTimeOffset ImportedAt, int Advisories, int Affected, int Warnings);

/// <summary>What an advisory database holds: <c>seawall db info</c>, and the age check a scan makes.</summary>
public sealed record DatabaseInfo(string Path, int SchemaVersion, DateTimeOffset? UpdatedAt, long SizeBytes, IReadOnlyList<SourceInfo> Sources)
{
    /// <summary>The default for --db-max-age: a week, as osv.dev and the distributions publish daily.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromDays(7);

    /// <summary>
    /// One warning per source imported longer ago than <paramref name="maxAge"/> (and one when the database holds
    /// no source at all), worded for stderr; empty when everything is fresh.
    /// </summary>
    public IReadOnlyList<string> AgeWarnings(TimeSpan maxAge, DateTimeOffset now)
    {
        if (Sources.Count == 0)
        {
            return [$"the advisory database {Path} holds no advisories: run `seawall db update` or `seawall db import`"];
        }
        var warnings = new List<string>();
        foreach (var source in Sources.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var age = now - source.ImportedAt;
            if (age > maxAge)
            {
                warnings.Add($"advisory source {source.Name} was imported {Days(age)} ago (older than {Days(maxAge)}): run `seawall db update` or import it again");
            }
        }
        return warnings;
    }

    private static string Days(TimeSpan span) =>
        span.TotalDays >= 1 ? Plural(Math.Floor(span.TotalDays), "day")
        : span.TotalHours >= 1 ? Plural(Math.Floor(span.TotalHours), "hour")
        : Plural(Math.Max(0, Math.Floor(span.TotalMinutes)), "minute");

    private static string Plural(double count, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:0} {unit}{(count == 1 ? string.Empty : "s")}");

    internal static DatabaseInfo Read(SqliteConnection connection, string path)
    {
        var sources = new List<SourceInfo>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name, kind, origin, imported_at, advisories, affected, warnings FROM sources ORDER BY name";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sources.Add(new SourceInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    AdvisoryStore.Time(reader.GetString(3)) ?? DateTimeOffset.UnixEpoch, reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)));
            }
        }
        DateTimeOffset? updated;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT value FROM meta WHERE key = 'updated_at'";
            updated = AdvisoryStore.Time(command.ExecuteScalar() as string);
        }
        var size = new FileInfo(path).Length;
        return new DatabaseInfo(path, StoreSchema.ReadVersion(connection) ?? 0, updated, size, sources);
    }
}
