using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Tests.Vulnerabilities.Import;

/// <summary>OSV JSON into the store: osv.dev's all.zip exports, directories of records, hostile and sloppy records.</summary>
public sealed class OsvImportTests
{
    /// <summary>The test's own count of what a zip holds: records, and affected entries with a package of the zip's ecosystem.</summary>
    private static (int Records, int Affected, int Withdrawn) CountZip(string zipPath, string ecosystem)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        int records = 0, affected = 0, withdrawn = 0;
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var doc = JsonDocument.Parse(stream);
            var mine = doc.RootElement.GetProperty("affected").EnumerateArray()
                .Count(a => a.TryGetProperty("package", out var p) && p.GetProperty("ecosystem").GetString()!.Split(':')[0] == ecosystem);
            if (mine > 0)
            {
                records++;
                affected += mine;
                withdrawn += doc.RootElement.TryGetProperty("withdrawn", out _) ? 1 : 0;
            }
        }
        return (records, affected, withdrawn);
    }

    [Theory]
    [InlineData("Go")]
    [InlineData("crates.io")]
    [InlineData("PyPI")]
    public void ImportZip_OsvExport_EveryRecordAndEntryStoredWithoutWarnings(string ecosystem)
    {
        var zip = SharedData.Require($"osv-db/{ecosystem}/all.zip");
        using var db = new ImportFixture();
        var result = db.Import(zip);

        var expected = CountZip(zip, ecosystem);
        var source = Assert.Single(result.Sources);
        Assert.Equal("osv:" + ecosystem, source.Name);
        Assert.Equal(expected.Records, source.Advisories);
        Assert.Equal(expected.Affected, source.Affected);
        Assert.Empty(db.Warnings);
        Assert.Equal(0, source.Warnings);
        using var store = db.Open();
        var info = store.Info();
        Assert.Equal(StoreSchema.Version, info.SchemaVersion);
        var stored = Assert.Single(info.Sources);
        Assert.Equal((source.Name, "osv", zip, expected.Records, expected.Affected), (stored.Name, stored.Kind, stored.Origin, stored.Advisories, stored.Affected));
        Assert.Empty(db.Leftovers());
    }

    [Fact]
    public void Lookup_GoRecord_RangesAdvisoryAndAliasesAsPublished()
    {
        using var db = new ImportFixture();
        db.Import(SharedData.Require("osv-db/Go/all.zip"));
        using var store = db.Open();

        var entry = Assert.Single(store.Lookup("Go", "github.com/gin-gonic/gin"), e => e.AdvisoryId == "GO-2020-0001");
        Assert.Equal(("osv:Go", "Go", "github.com/gin-gonic/gin", false), (entry.Source, entry.Ecosystem, entry.Package, entry.Withdrawn));
        var range = Assert.Single(entry.Ranges);
        Assert.Equal("SEMVER", range.Type);
        Assert.Equal([new RangeEvent(RangeEventKind.Introduced, "0"), new RangeEvent(RangeEventKind.Fixed, "1.6.0")], range.Events);
        Assert.Null(entry.Status);

        var advisory = store.GetAdvisory(entry.AdvisoryKey)!;
        Assert.Equal("GO-2020-0001", advisory.Id);
        Assert.Equal(["CVE-2020-36567", "GHSA-6vm3-jj99-7229"], advisory.Aliases);
        Assert.Equal("Arbitrary log line injection in github.com/gin-gonic/gin", advisory.Summary);
        Assert.StartsWith("The default Formatter for the Logger middleware", advisory.Details);
        Assert.Equal(new DateTimeOffset(2021, 4, 14, 20, 4, 52, TimeSpan.Zero), advisory.Published);
        Assert.Contains(new AdvisoryReference("FIX", "https://github.com/gin-gonic/gin/pull/2237"), advisory.References);
        Assert.Null(advisory.Withdrawn);

        // Every Go vulnerability in the standard library is one package, "stdlib".
        Assert.True(store.Lookup("Go", "stdlib").Count > 100);
        Assert.Empty(store.Lookup("Go", "github.com/GIN-GONIC/gin"));
        Assert.Empty(store.Lookup("PyPI", "github.com/gin-gonic/gin"));
    }

    [Fact]
    public void Lookup_WithdrawnGoRecords_FlaggedNotDropped()
    {
        var zip = SharedData.Require("osv-db/Go/all.zip");
        using var db = new ImportFixture();
        db.Import(zip);
        using var store = db.Open();

        var withdrawn = new List<(string Id, string Package)>();
        using (var archive = ZipFile.OpenRead(zip))
        {
            foreach (var entry in archive.Entries)
            {
                using var doc = JsonDocument.Parse(entry.Open());
                if (doc.RootElement.TryGetProperty("withdrawn", out _))
                {
                    withdrawn.Add((doc.RootElement.GetProperty("id").GetString()!, doc.RootElement.GetProperty("affected")[0].GetProperty("package").GetProperty("name").GetString()!));
                }
            }
        }
        Assert.Equal(17, withdrawn.Count);
        foreach (var (id, package) in withdrawn)
        {
            var entry = Assert.Single(store.Lookup("Go", package), e => e.AdvisoryId == id);
            Assert.True(entry.Withdrawn, id);
            Assert.NotNull(store.GetAdvisory(entry.AdvisoryKey)!.Withdrawn);
        }
    }

    [Fact]
    public void Lookup_CratesRecord_CvssVectorsAndInformationalAsPublished()
    {
        var zip = SharedData.Require("osv-db/crates.io/all.zip");
        using var db = new ImportFixture();
        db.Import(zip);
        using var store = db.Open();

        // Every record with a CVSS vector keeps it verbatim.
        using var archive = ZipFile.OpenRead(zip);
        var checkedVectors = 0;
        foreach (var entry in archive.Entries)
        {
            using var doc = JsonDocument.Parse(entry.Open());
            var root = doc.RootElement;
            var package = root.GetProperty("affected")[0].GetProperty("package").GetProperty("name").GetString()!;
            var id = root.GetProperty("id").GetString()!;
            var stored = Assert.Single(store.Lookup("crates.io", package), e => e.AdvisoryId == id);
            var advisory = store.GetAdvisory(stored.AdvisoryKey)!;
            var published = root.GetProperty("severity").EnumerateArray().Select(s => new SeverityScore(s.GetProperty("type").GetString()!, s.GetProperty("score").GetString()!)).ToList();
            Assert.Equal(published, advisory.Severities);
            checkedVectors += published.Count;
            var informational = root.GetProperty("affected")[0].GetProperty("database_specific").GetProperty("informational");
            Assert.Equal(informational.ValueKind == JsonValueKind.String ? informational.GetString() : null, advisory.Informational);
        }
        Assert.Equal(360 + 57, checkedVectors);
        // crates.io treats '-' and '_' and case as one name.
        Assert.Equal(store.Lookup("crates.io", "tokio").Count, store.Lookup("crates.io", "Tokio").Count);
    }

    [Fact]
    public void Lookup_PypiRecord_VersionsListGitRangesAndPep503Names()
    {
        var zip = SharedData.Require("osv-db/PyPI/all.zip");
        using var db = new ImportFixture();
        db.Import(zip);
        using var store = db.Open();

        using var archive = ZipFile.OpenRead(zip);
        var record = archive.Entries.Select(e => JsonDocument.Parse(e.Open())).First(d =>
            d.RootElement.GetProperty("affected")[0].TryGetProperty("versions", out var v) && v.GetArrayLength() > 5
            && d.RootElement.GetProperty("affected")[0].GetProperty("ranges").EnumerateArray().Any(r => r.GetProperty("type").GetString() == "GIT"));
        var affected = record.RootElement.GetProperty("affected")[0];
        var name = affected.GetProperty("package").GetProperty("name").GetString()!;
        var id = record.RootElement.GetProperty("id").GetString()!;

        // PEP 503: "Foo_Bar.baz" and "foo-bar-baz" are one package.
        var shouted = Regex.Replace(name.ToUpperInvariant(), "[-_.]", "_");
        var entry = Assert.Single(store.Lookup("PyPI", shouted), e => e.AdvisoryId == id);
        Assert.Equal(affected.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!), entry.Versions);
        var git = Assert.Single(entry.Ranges, r => r.Type == "GIT");
        var publishedGit = affected.GetProperty("ranges").EnumerateArray().First(r => r.GetProperty("type").GetString() == "GIT");
        Assert.Equal(publishedGit.GetProperty("repo").GetString(), git.Repo);
        Assert.Equal(publishedGit.GetProperty("events").GetArrayLength(), git.Events.Count);
        Assert.Contains(entry.Ranges, r => r.Type == "ECOSYSTEM");
    }

    [Fact]
    public void ImportZip_ThreeExports_OneSourceEachAndReimportReplaces()
    {
        using var db = new ImportFixture();
        string[] zips = [SharedData.Require("osv-db/Go/all.zip"), SharedData.Require("osv-db/crates.io/all.zip"), SharedData.Require("osv-db/PyPI/all.zip")];
        // The export's folder as a whole: each <Ecosystem>/all.zip in it is its source.
        var first = db.Import(SharedData.Require("osv-db"));
        Assert.Equal(["osv:Go", "osv:PyPI", "osv:crates.io"], first.Sources.Select(s => s.Name).Order(StringComparer.Ordinal));
        var second = db.Import(zips[0]);

        using var store = db.Open();
        var info = store.Info();
        Assert.Equal(["osv:Go", "osv:PyPI", "osv:crates.io"], info.Sources.Select(s => s.Name));
        Assert.Equal(first.Sources.Sum(s => s.Affected), info.Sources.Sum(s => s.Affected));
        Assert.Equal(first.Sources.Single(s => s.Name == "osv:Go").Affected, second.Sources[0].Affected);
        Assert.Single(store.Lookup("Go", "github.com/gin-gonic/gin"), e => e.AdvisoryId == "GO-2020-0001");
    }

    [Fact]
    public void ImportDirectory_LinterTestdata_BrokenRecordsWarnedByFileAndId()
    {
        var dir = SharedData.Require("osv-schema/osv-linter-testdata");
        using var db = new ImportFixture();
        var result = db.Import(dir);

        var warnings = db.Warnings.ToList();
        // "nointroduced": the first GIT range of CVE-2023-41045 lost its introduced event.
        Assert.Contains(warnings, w => w.Contains("nointroduced-CVE-2023-41045.json (CVE-2023-41045)") && w.Contains("no 'introduced'"));
        // "nondistinct" (a GIT range that introduces and fixes one commit) is valid OSV, an empty range: kept as published,
        // as are the real records of the same shape in the crates.io and PyPI exports.
        // GHSA-9v2f lists "4.36.-1", a version PyPI never had: the PEP 440 comparer orders it as a legacy version
        // (as OSV does), so it is no parse error and stays.
        // The broken copies reuse their originals' ids: one source holds one record per id, the first by file name.
        Assert.Contains(warnings, w => w.Contains("nondistinct-CVE-2018-5407.json (CVE-2018-5407)") && w.Contains("already holds"));
        Assert.Contains(warnings, w => w.Contains("nopackage-GHSA-9v2f-6vcg-3hgv.json (GHSA-9v2f-6vcg-3hgv)") && w.Contains("already holds"));
        Assert.Equal(3, warnings.Count);

        using var store = db.Open();
        var gradio = Assert.Single(store.Lookup("PyPI", "gradio"));
        Assert.Equal(["4.36.1", "4.36.-1"], gradio.Versions);
        Assert.Empty(store.Lookup("PyPI", "Gradi0"));
        // The valid records, whatever their ecosystem; RHSA and SUSE name no package in this sample and store nothing.
        Assert.Single(store.Lookup("Alpine:v3.3", "openssl"), e => e.AdvisoryId == "CVE-2018-5407");
        Assert.Single(store.Lookup("Go", "stdlib"), e => e.AdvisoryId == "GO-2024-2963");
        Assert.Single(store.Lookup("PyPI", "requests"), e => e.AdvisoryId == "PYSEC-2023-74");
        Assert.Single(store.Lookup("PyPI", "123bla"), e => e.AdvisoryId == "MAL-2024-10238");
        var source = Assert.Single(result.Sources);
        Assert.Equal(6, source.Advisories);
        Assert.Equal(3, source.Warnings);
    }

    [Fact]
    public void Import_MalformedAndUnknownEcosystem_WarnedAndTheRestImported()
    {
        using var db = new ImportFixture();
        db.WriteFile("recs/GOOD-1.json", """{"id":"GOOD-1","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.1.0"}]}]}]}""");
        db.WriteFile("recs/BROKEN.json", """{"id":"BROKEN-1","affected":[{"package":""");
        db.WriteFile("recs/MIXED-1.json", """
            {"id":"MIXED-1","affected":[
              {"package":{"ecosystem":"Foo:1","name":"x"},"versions":["1"]},
              {"package":{"ecosystem":"npm","name":"semver-bad"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"v1.2"}]}]},
              {"package":{"ecosystem":"npm","name":"kept"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"last_affected":"1.4.2"}]}]},
              {"package":{"ecosystem":"npm","name":"bad-event"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"2.0.0"}]}]},
              {"package":{"ecosystem":"npm","name":"bad-type"},"ranges":[{"type":"RANGE","events":[{"introduced":"0"}]}]},
              {"package":{"ecosystem":"Debian:12","name":"bad-epoch"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"x:1.0-1"}]}]},
              {"package":{"ecosystem":"npm","name":"one-bad-listed"},"versions":["1.0.0","1.0 beta","1.0.1"]}
            ]}
            """);
        db.WriteFile("recs/NOID.json", """{"affected":[]}""");
        db.WriteFile("recs/ARRAY.json", """[1,2,3]""");
        db.WriteFile("recs/notes.txt", "not read");
        var result = db.Import(Path.Combine(db.Folder, "recs"));

        var warnings = db.Warnings.ToList();
        Assert.Contains(warnings, w => w.Contains("BROKEN.json") && w.Contains("not valid JSON"));
        Assert.Contains(warnings, w => w.Contains("MIXED-1.json (MIXED-1): affected[0]") && w.Contains("unknown ecosystem 'Foo:1'"));
        Assert.Contains(warnings, w => w.Contains("MIXED-1.json (MIXED-1): affected[1]") && w.Contains("'v1.2'"));
        Assert.Contains(warnings, w => w.Contains("MIXED-1.json (MIXED-1): affected[3]") && w.Contains("not one of introduced"));
        Assert.Contains(warnings, w => w.Contains("MIXED-1.json (MIXED-1): affected[4]") && w.Contains("unknown range type 'RANGE'"));
        Assert.Contains(warnings, w => w.Contains("MIXED-1.json (MIXED-1): affected[5]") && w.Contains("unparsable Debian:12 version 'x:1.0-1'"));
        Assert.Contains(warnings, w => w.Contains("MIXED-1.json (MIXED-1): affected[6]") && w.Contains("unparsable npm version '1.0 beta'"));
        Assert.Contains(warnings, w => w.Contains("NOID.json") && w.Contains("'id'"));
        // ARRAY.json is not an OSV record by its first bytes: named, not imported.
        Assert.Contains(warnings, w => w.Contains("ARRAY.json") && w.Contains("skipped"));

        using var store = db.Open();
        Assert.Single(store.Lookup("npm", "left-pad"));
        var kept = Assert.Single(store.Lookup("npm", "kept"));
        Assert.Equal([new RangeEvent(RangeEventKind.Introduced, "1.0.0"), new RangeEvent(RangeEventKind.LastAffected, "1.4.2")], Assert.Single(kept.Ranges).Events);
        Assert.Empty(store.Lookup("npm", "semver-bad"));
        Assert.Empty(store.Lookup("npm", "bad-event"));
        Assert.Empty(store.Lookup("Debian:12", "bad-epoch"));
        Assert.Equal(["1.0.0", "1.0.1"], Assert.Single(store.Lookup("npm", "one-bad-listed")).Versions);
        Assert.Equal(2, result.Sources.Single().Advisories);
    }

    [Fact]
    public void ImportDirectory_UbuntuRecords_ReleaseEcosystemsUpstreamAndUbuntuSeverity()
    {
        var dir = SharedData.Require("ubuntu-osv/vunnel-fixtures");
        using var db = new ImportFixture();
        db.Import(dir);
        Assert.Empty(db.Warnings);
        using var store = db.Open();

        var bionic = Assert.Single(store.Lookup("Ubuntu:18.04:LTS", "wayland"), e => e.AdvisoryId == "UBUNTU-CVE-2021-3782");
        Assert.Equal([new RangeEvent(RangeEventKind.Introduced, "0"), new RangeEvent(RangeEventKind.Fixed, "1.16.0-1ubuntu1.1~18.04.4")], Assert.Single(bionic.Ranges).Events);
        Assert.Contains("1.16.0-1ubuntu1.1~18.04.3", bionic.Versions);
        Assert.Equal("pkg:deb/ubuntu/wayland@1.16.0-1ubuntu1.1~18.04.4?arch=source&distro=bionic", bionic.Purl);
        Assert.Single(store.Lookup("Ubuntu:Pro:16.04:LTS", "wayland"), e => e.AdvisoryId == "UBUNTU-CVE-2021-3782");

        var advisory = store.GetAdvisory(bionic.AdvisoryKey)!;
        Assert.Equal(["CVE-2021-3782"], advisory.Upstream);
        Assert.Empty(advisory.Aliases);
        Assert.Contains(new SeverityScore("Ubuntu", "medium"), advisory.Severities);
        Assert.Contains(new SeverityScore("CVSS_V3", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H"), advisory.Severities);

        // Every record file of the folder is in: one advisory per file.
        var files = Directory.GetFiles(dir, "*.json", SearchOption.AllDirectories).Length;
        Assert.Equal(files, store.Info().Sources.Single().Advisories);
    }

    [Fact]
    public void ImportFile_GhsaNuGet_NewtonsoftAndTwoEntriesForOnePackage()
    {
        var dir = SharedData.Require("ghsa-nuget-sample");
        using var db = new ImportFixture();
        db.Import(Path.Combine(dir, "GHSA-5crp-9r3c-p9vr.json"), Path.Combine(dir, "GHSA-8g4q-xg66-9fp4.json"));
        Assert.Empty(db.Warnings);
        using var store = db.Open();

        // NuGet ids are case-insensitive: the deps.json spelling finds the advisory.
        var newtonsoft = Assert.Single(store.Lookup("NuGet", "newtonsoft.json"));
        Assert.Equal(("GHSA-5crp-9r3c-p9vr", "Newtonsoft.Json"), (newtonsoft.AdvisoryId, newtonsoft.Package));
        Assert.Equal([new RangeEvent(RangeEventKind.Introduced, "0"), new RangeEvent(RangeEventKind.Fixed, "13.0.1")], Assert.Single(newtonsoft.Ranges).Events);
        var advisory = store.GetAdvisory(newtonsoft.AdvisoryKey)!;
        Assert.Equal("LOW", advisory.DatabaseSeverity);
        Assert.Empty(advisory.Aliases);

        var stj = store.Lookup("NuGet", "System.Text.Json");
        Assert.Equal(2, stj.Count);
        Assert.All(stj, e => Assert.Equal("GHSA-8g4q-xg66-9fp4", e.AdvisoryId));
        var stjAdvisory = store.GetAdvisory(stj[0].AdvisoryKey)!;
        Assert.Equal(["CVSS_V3", "CVSS_V4"], stjAdvisory.Severities.Select(s => s.Type));
        Assert.Equal("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:H/SC:N/SI:N/SA:N", stjAdvisory.Severities[1].Score);
        Assert.Equal(("HIGH", "CVE-2024-43485"), (stjAdvisory.DatabaseSeverity, Assert.Single(stjAdvisory.Aliases)));
        Assert.Equal(2, store.Info().Sources.Count);
    }
}
