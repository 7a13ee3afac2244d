using System.IO.Compression;
using Microsoft.Data.Sqlite;
using Seawall.Tests.Support;
using Seawall.Tests.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Tests.Vulnerabilities.Store;

/// <summary>The store's promises: atomic updates, a versioned schema, clear errors, the age check.</summary>
public sealed class AdvisoryStoreTests
{
    private static void AssertGoDatabaseAnswers(ImportFixture db)
    {
        using var store = db.Open();
        Assert.Equal(["osv:Go"], store.Info().Sources.Select(s => s.Name));
        Assert.Single(store.Lookup("Go", "github.com/gin-gonic/gin"), e => e.AdvisoryId == "GO-2020-0001");
    }

    [Fact]
    public void Import_CorruptZip_FailsAndThePreviousDatabaseStillAnswers()
    {
        var go = SharedData.Require("osv-db/Go/all.zip");
        using var db = new ImportFixture();
        db.Import(go);
        var before = File.GetLastWriteTimeUtc(db.DatabasePath);

        // The crates.io export with bytes flipped in the middle of its compressed data: a CRC or deflate error mid-import.
        var corrupt = Path.Combine(db.Folder, "crates.io", "all.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(corrupt)!);
        var bytes = File.ReadAllBytes(SharedData.Require("osv-db/crates.io/all.zip"));
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }
        File.WriteAllBytes(corrupt, bytes);

        var error = Assert.Throws<AdvisoryStoreException>(() => db.Import(go, corrupt));
        Assert.Contains("crates.io", error.Message);
        Assert.Contains("damaged", error.Message);
        AssertGoDatabaseAnswers(db);
        Assert.Equal(before, File.GetLastWriteTimeUtc(db.DatabasePath));
        Assert.Empty(db.Leftovers());
    }

    [Fact]
    public void Import_TruncatedZip_FailsAndThePreviousDatabaseStillAnswers()
    {
        var go = SharedData.Require("osv-db/Go/all.zip");
        using var db = new ImportFixture();
        db.Import(go);
        var truncated = Path.Combine(db.Folder, "truncated.zip");
        var bytes = File.ReadAllBytes(SharedData.Require("osv-db/PyPI/all.zip"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);

        var error = Assert.Throws<AdvisoryStoreException>(() => db.Import(truncated));
        Assert.Contains("truncated.zip", error.Message);
        AssertGoDatabaseAnswers(db);
        Assert.Empty(db.Leftovers());
    }

    [Fact]
    public void Import_CancelledMidway_ThePreviousDatabaseStillAnswers()
    {
        using var db = new ImportFixture();
        db.Import(SharedData.Require("osv-db/Go/all.zip"));

        using var cancel = new CancellationTokenSource();
        var records = 0;
        var options = db.Options() with
        {
            // Cancel once the PyPI import is well under way: a record parser check sees it at the next record.
            IsValidVersion = (_, _) =>
            {
                if (++records == 2000)
                {
                    cancel.Cancel();
                }
                return true;
            },
        };
        Assert.ThrowsAny<OperationCanceledException>(() =>
            AdvisoryImporter.ImportAsync([SharedData.Require("osv-db/PyPI/all.zip")], options, cancel.Token).GetAwaiter().GetResult());
        Assert.True(records >= 2000);
        AssertGoDatabaseAnswers(db);
        using (var store = db.Open())
        {
            Assert.Empty(store.Lookup("PyPI", "django"));
        }
        Assert.Empty(db.Leftovers());
    }

    [Fact]
    public void Import_AfterAKilledImport_StaleTempFileRemoved()
    {
        using var db = new ImportFixture();
        Directory.CreateDirectory(Path.GetDirectoryName(db.DatabasePath)!);
        var stale = db.DatabasePath + ".tmp-0123456789ab";
        File.WriteAllText(stale, "half a database");
        db.Import(SharedData.Require("osv-db/Go/all.zip"));
        Assert.False(File.Exists(stale));
        AssertGoDatabaseAnswers(db);
    }

    [Fact]
    public void Import_WhileAnotherImportRuns_RefusedWithAClearMessage()
    {
        using var db = new ImportFixture();
        using var running = AdvisoryStoreWriter.Begin(db.DatabasePath, _ => { });
        var error = Assert.Throws<AdvisoryStoreException>(() => db.Import(SharedData.Require("ghsa-nuget-sample")));
        Assert.Contains("another seawall db import or update is running", error.Message);
    }

    [Fact]
    public void Open_ReaderKeepsItsDatabaseWhileAnImportReplacesIt()
    {
        using var db = new ImportFixture();
        db.Import(SharedData.Require("osv-db/Go/all.zip"));
        using var before = db.Open();
        db.Import(SharedData.Require("ghsa-nuget-sample"));

        // The open reader still reads the file it opened; a new one sees both sources.
        Assert.Single(before.Lookup("Go", "github.com/gin-gonic/gin"), e => e.AdvisoryId == "GO-2020-0001");
        Assert.Empty(before.Lookup("NuGet", "Newtonsoft.Json"));
        using var after = db.Open();
        Assert.Single(after.Lookup("NuGet", "Newtonsoft.Json"));
        Assert.Single(after.Lookup("Go", "github.com/gin-gonic/gin"), e => e.AdvisoryId == "GO-2020-0001");
    }

    [Fact]
    public void Open_Missing_SaysWhatToRun()
    {
        using var db = new ImportFixture();
        var error = Assert.Throws<AdvisoryStoreException>(db.Open);
        Assert.Contains("no advisory database at", error.Message);
        Assert.Contains("seawall db update", error.Message);
    }

    [Fact]
    public void Open_NotADatabase_SaysItIsDamaged()
    {
        using var db = new ImportFixture();
        Directory.CreateDirectory(Path.GetDirectoryName(db.DatabasePath)!);
        File.WriteAllText(db.DatabasePath, "this is not SQLite, just text that happens to be long enough to look like a header of some kind");
        var error = Assert.Throws<AdvisoryStoreException>(db.Open);
        Assert.Contains(db.DatabasePath, error.Message);
        Assert.Contains("rebuild", error.Message);

        // An import starts over, with a warning, and leaves a good database.
        db.Import(SharedData.Require("ghsa-nuget-sample"));
        Assert.Contains(db.Warnings, w => w.Contains("not a seawall advisory database"));
        using var store = db.Open();
        Assert.Single(store.Lookup("NuGet", "Newtonsoft.Json"));
    }

    [Fact]
    public void Open_OtherSchemaVersion_RefusedAndAnImportStartsOver()
    {
        using var db = new ImportFixture();
        db.Import(SharedData.Require("osv-db/Go/all.zip"));
        using (var connection = new SqliteConnection($"Data Source={db.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE meta SET value = '99' WHERE key = 'schema_version'";
            command.ExecuteNonQuery();
        }
        var error = Assert.Throws<AdvisoryStoreException>(db.Open);
        Assert.Contains("schema 99", error.Message);
        Assert.Contains($"reads schema {StoreSchema.Version}", error.Message);

        db.Import(SharedData.Require("ghsa-nuget-sample"));
        Assert.Contains(db.Warnings, w => w.Contains("schema version 99"));
        using var store = db.Open();
        Assert.Equal(StoreSchema.Version, store.Info().SchemaVersion);
        Assert.Empty(store.Lookup("Go", "github.com/gin-gonic/gin"));
    }

    [Fact]
    public void Info_SourcesTimesAndSize_AgeWarningsPerStaleSource()
    {
        using var db = new ImportFixture();
        var clock = new FixedTime(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        db.Import(db.Options(time: clock), SharedData.Require("osv-db/Go/all.zip"));
        clock.Now = clock.Now.AddDays(5);
        db.Import(db.Options(time: clock), SharedData.Require("ghsa-nuget-sample"));

        using var store = db.Open();
        var info = store.Info();
        Assert.Equal(new DateTimeOffset(2026, 11, 6, 12, 0, 0, TimeSpan.Zero), info.UpdatedAt);
        Assert.Equal(new FileInfo(db.DatabasePath).Length, info.SizeBytes);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), info.Sources.Single(s => s.Name == "osv:Go").ImportedAt);

        Assert.Empty(info.AgeWarnings(DatabaseInfo.DefaultMaxAge, clock.Now));
        var warning = Assert.Single(info.AgeWarnings(DatabaseInfo.DefaultMaxAge, clock.Now.AddDays(3)));
        Assert.Contains("osv:Go was imported 8 days ago (older than 7 days)", warning);
        Assert.Equal(2, info.AgeWarnings(TimeSpan.FromDays(1), clock.Now.AddDays(3)).Count);
    }

    [Fact]
    public void LookupMany_TenThousandPackages_WellUnderTheMatchingBudget()
    {
        using var db = new ImportFixture();
        db.Import(SharedData.Require("osv-db/Go/all.zip"), SharedData.Require("osv-db/crates.io/all.zip"), SharedData.Require("osv-db/PyPI/all.zip"));
        // Every package the database names plus misses, 10,000 in all, as a scan would ask.
        var names = new List<(string, string)>();
        foreach (var (ecosystem, zip) in new[] { ("Go", "Go"), ("crates.io", "crates.io"), ("PyPI", "PyPI") })
        {
            using var archive = ZipFile.OpenRead(SharedData.Require($"osv-db/{zip}/all.zip"));
            foreach (var entry in archive.Entries)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(entry.Open());
                names.Add((ecosystem, doc.RootElement.GetProperty("affected")[0].GetProperty("package").GetProperty("name").GetString()!));
            }
        }
        var wanted = names.Distinct().Take(7000).ToList();
        wanted.AddRange(Enumerable.Range(0, 10_000 - wanted.Count).Select(i => ("npm", $"no-such-package-{i}")));
        using var store = db.Open();
        store.LookupMany(wanted.Take(100)); // warm the statement and the page cache

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var found = store.LookupMany(wanted);
        clock.Stop();
        Assert.Equal(wanted.Count(w => w.Item1 != "npm"), found.Count);
        Assert.True(found.Values.Sum(v => v.Count) > 8000);
        // The matcher's whole budget is 0.3 s for 10,000 packages; the lookups must leave it most of that (generous for a loaded CI machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"10,000 lookups took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }
}
