using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Seawall.Tests.Support;
using Seawall.Tests.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Tests.Vulnerabilities.Store;

/// <summary>Advisories read back from the store (the bulk read a scan's matches go through) as their records published them.</summary>
public sealed class AdvisoryReadTests
{
    /// <summary>
    /// Every crates.io record of the shared OSV export, read back through <see cref="AdvisoryStore.GetAdvisories"/> and
    /// compared field by field with the zip's JSON read here on its own (JsonDocument, no store code).
    /// </summary>
    [Fact]
    public void GetAdvisories_EveryCratesRecord_AsTheZipPublishesIt()
    {
        var zip = SharedData.Require("osv-db/crates.io/all.zip");
        using var db = new ImportFixture();
        db.Import(zip);
        using var store = db.Open();
        var keys = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var connection = new SqliteConnection($"Data Source={db.DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT advisory_id, id FROM advisories";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                keys[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        var read = store.GetAdvisories(keys.Values);
        Assert.Equal(keys.Count, read.Count);

        using var archive = ZipFile.OpenRead(zip);
        var compared = 0;
        var withScores = 0;
        foreach (var file in archive.Entries)
        {
            using var document = JsonDocument.Parse(file.Open());
            var root = document.RootElement;
            var id = root.GetProperty("id").GetString()!;
            var advisory = read[keys[id]];
            Assert.Equal(id, advisory.Id);
            Assert.Equal("osv:crates.io", advisory.Source);
            Assert.Equal(Strings(root, "aliases"), advisory.Aliases);
            Assert.Equal(Text(root, "summary"), advisory.Summary);
            Assert.Equal(Text(root, "details"), advisory.Details);
            Assert.Equal(Time(root, "published"), advisory.Published);
            Assert.Equal(Time(root, "modified"), advisory.Modified);
            Assert.Equal(Time(root, "withdrawn"), advisory.Withdrawn);
            Assert.Equal(Pairs(root, "severity", "type", "score"), advisory.Severities.Select(s => (s.Type, s.Score)));
            Assert.Equal(Pairs(root, "references", "type", "url"), advisory.References.Select(r => (r.Type, r.Url)));
            withScores += advisory.Severities.Count > 0 ? 1 : 0;
            compared++;
        }
        Assert.Equal(archive.Entries.Count, compared);
        Assert.True(withScores > 300, $"only {withScores} records with CVSS vectors compared");
        // One at a time gives the same record.
        var many = read[keys["RUSTSEC-2020-0105"]];
        var one = store.GetAdvisory(keys["RUSTSEC-2020-0105"])!;
        Assert.Equal((many.Id, many.Summary, many.Details, many.Published), (one.Id, one.Summary, one.Details, one.Published));
        Assert.Equal(many.Aliases, one.Aliases);
        Assert.Equal(many.Severities, one.Severities);
        Assert.Null(store.GetAdvisory(-1));
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> Strings(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [];

    private static List<(string, string)> Pairs(JsonElement root, string name, string first, string second) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => (v.GetProperty(first).GetString()!, v.GetProperty(second).GetString()!))]
            : [];

    /// <summary>The store keeps whole seconds.</summary>
    private static DateTimeOffset? Time(JsonElement root, string name)
    {
        if (Text(root, name) is not { } text)
        {
            return null;
        }
        var value = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return new DateTimeOffset(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    [Theory]
    [InlineData("2021-04-14T20:04:52Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2024-02-29T23:59:59Z")]
    [InlineData("2023-02-29T10:00:00Z")] // no such day: the general parser's verdict
    [InlineData("2023-12-31T23:59:60Z")] // leap second: the general parser's verdict
    [InlineData("2023-13-01T00:00:00Z")]
    [InlineData("2021-04-14T20:04:52.123Z")]
    [InlineData("2021-04-14T20:04:52+02:00")]
    [InlineData("2021-04-14")]
    [InlineData("2021-04-14T2x:04:52Z")]
    [InlineData("not a time")]
    [InlineData("")]
    public void Time_StoredBytes_ReadAsTheGeneralParserReadsTheText(string text)
    {
        Assert.Equal(AdvisoryStore.Time(text), AdvisoryStore.Time(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void GetAdvisories_DamagedListColumn_SaysTheDatabaseIsDamaged()
    {
        using var db = new ImportFixture();
        db.Import(SharedData.Require("osv-db/crates.io/all.zip"));
        long key;
        using (var connection = new SqliteConnection($"Data Source={db.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE advisories SET refs = '[{\"type\":\"WEB\",\"url\":' WHERE advisory_id = 'RUSTSEC-2020-0105' RETURNING id";
            key = (long)command.ExecuteScalar()!;
        }
        using var store = db.Open();
        var error = Assert.Throws<AdvisoryStoreException>(() => store.GetAdvisories([key]));
        Assert.Contains("damaged", error.Message);
        Assert.Contains("seawall db", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
