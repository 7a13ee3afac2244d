using System.Text.Json;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Tests.Vulnerabilities.Import;

/// <summary>Alpine secdb (secfixes YAML or JSON) against vunnel's expected normalised records.</summary>
public sealed class AlpineSecdbImportTests
{
    [Fact]
    public void ImportDirectory_V315_ExactlyTheSnapshotsRecords()
    {
        var input = SharedData.Require("alpine-secdb/vunnel-fixtures/input/secdb");
        var snapshots = SharedData.Require("alpine-secdb/vunnel-fixtures/snapshots/3.15");
        using var db = new ImportFixture();
        var result = db.Import(input);
        Assert.Empty(db.Warnings);
        Assert.Equal(["alpine-secdb:v3.15/community", "alpine-secdb:v3.15/main"], result.Sources.Select(s => s.Name).Order(StringComparer.Ordinal));
        using var store = db.Open();

        var expected = new List<(string Id, string Package, string Version)>();
        foreach (var file in Directory.GetFiles(snapshots, "*.json"))
        {
            var vulnerability = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("item").GetProperty("Vulnerability");
            Assert.Equal("alpine:3.15", vulnerability.GetProperty("NamespaceName").GetString());
            foreach (var fixedIn in vulnerability.GetProperty("FixedIn").EnumerateArray())
            {
                Assert.Equal("apk", fixedIn.GetProperty("VersionFormat").GetString());
                expected.Add((vulnerability.GetProperty("Name").GetString()!, fixedIn.GetProperty("Name").GetString()!, fixedIn.GetProperty("Version").GetString()!));
            }
        }
        var stored = new List<(string, string, string)>();
        foreach (var package in expected.Select(e => e.Package).Distinct())
        {
            foreach (var entry in store.Lookup("Alpine:v3.15", package))
            {
                Assert.Equal(DistroStatus.Fixed, entry.Status);
                Assert.Equal([new RangeEvent(RangeEventKind.Introduced, "0"), new RangeEvent(RangeEventKind.Fixed, entry.FixedVersion!)], Assert.Single(entry.Ranges).Events);
                var advisory = store.GetAdvisory(entry.AdvisoryKey)!;
                Assert.Equal([new AdvisoryReference("ADVISORY", "https://security.alpinelinux.org/vuln/" + entry.AdvisoryId)], advisory.References);
                stored.Add((entry.AdvisoryId, entry.Package, entry.FixedVersion!));
            }
        }
        Assert.Equal(16, expected.Count);
        Assert.Equal(expected.Order(), stored.Order());
        Assert.Equal(16, result.Sources.Sum(s => s.Affected));
    }

    [Fact]
    public void ImportDirectory_Secdb2020_FourSourcesOddIdsWarnedAndParsed()
    {
        var input = SharedData.Require("alpine-secdb/alpinelinux-alpine-secdb-2020");
        using var db = new ImportFixture();
        var result = db.Import(input);
        Assert.Equal(["alpine-secdb:v3.10/community", "alpine-secdb:v3.10/main", "alpine-secdb:v3.11/community", "alpine-secdb:v3.11/main"],
            result.Sources.Select(s => s.Name).Order(StringComparer.Ordinal));

        // "CVE_2019-2426" (in openjdk7's community entry of both branches) is no id: named and skipped.
        var warnings = db.Warnings.ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("'CVE_2019-2426'", w));
        Assert.Contains(warnings, w => w.Contains("v3.10/community.yaml"));

        using var store = db.Open();
        // "CVE-2017-17434-1" and "-2" are one CVE; "CVE-2019-5060 TALOS-2019-0844" is the CVE with the TALOS id as an alias.
        var rsync = store.Lookup("Alpine:v3.10", "rsync").Where(e => e.AdvisoryId == "CVE-2017-17434").ToList();
        Assert.Equal("3.1.2-r7", Assert.Single(rsync).FixedVersion);
        var talos = Assert.Single(store.Lookup("Alpine:v3.10", "sdl2_image"), e => e.AdvisoryId == "CVE-2019-5060");
        Assert.Equal(["TALOS-2019-0844"], store.GetAdvisory(talos.AdvisoryKey)!.Aliases);
        // "CVE-????-????? XSA-295": the XSA is the id.
        Assert.Contains(store.Lookup("Alpine:v3.10", "xen"), e => e.AdvisoryId == "XSA-295" && e.FixedVersion == "4.12.1-r0");
        // Unordered secfixes keys keep their own versions.
        Assert.Equal("2.8.4-r0", Assert.Single(store.Lookup("Alpine:v3.10", "ansible"), e => e.AdvisoryId == "CVE-2019-10206").FixedVersion);
    }

    [Fact]
    public void ImportFile_JsonSecdb_SameAsYamlAndZeroMeansNeverAffected()
    {
        using var db = new ImportFixture();
        var file = db.WriteFile("v3.19-main.json", """
            {"apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",
             "archs": ["x86_64"], "reponame": "main", "urlprefix": "https://dl-cdn.alpinelinux.org/alpine", "distroversion": "v3.19",
             "packages": [
               {"pkg": {"name": "busybox", "secfixes": {"1.36.1-r6": ["CVE-2023-42363", "CVE-2023-42366"], "0": ["CVE-2021-42373"]}}},
               {"pkg": {"name": "openssl", "secfixes": {"3.1.4-r1": ["CVE-2023-5678"], "3.1.4-r3": ["CVE-2023-5678"]}}},
               {"pkg": {"secfixes": {}}}
             ]}
            """);
        db.Import(file);
        using var store = db.Open();

        var busybox = store.Lookup("Alpine:v3.19", "busybox");
        Assert.Equal(["CVE-2021-42373", "CVE-2023-42363", "CVE-2023-42366"], busybox.Select(e => e.AdvisoryId).Order());
        Assert.Equal("0", busybox.Single(e => e.AdvisoryId == "CVE-2021-42373").FixedVersion);
        Assert.Equal("alpine-secdb:v3.19/main", Assert.Single(store.Info().Sources).Name);
        Assert.Contains(db.Warnings, w => w.Contains("packages[2]") && w.Contains("no pkg.name"));
        // One id fixed twice in one package: both entries kept, under one advisory.
        var openssl = store.Lookup("Alpine:v3.19", "openssl");
        Assert.Equal(2, openssl.Count);
        Assert.Single(openssl.Select(e => e.AdvisoryKey).Distinct());
    }

    [Fact]
    public void ImportFile_NoDistroVersion_FailsWithTheFileNamed()
    {
        using var db = new ImportFixture();
        var file = db.WriteFile("main.yaml", "reponame: main\npackages: []\n");
        var error = Assert.Throws<AdvisoryStoreException>(() => db.Import(file));
        Assert.Contains("main.yaml", error.Message);
        Assert.Contains("distroversion", error.Message);
    }

    [Theory]
    [InlineData("CVE-2019-5060 TALOS-2019-0844", "CVE-2019-5060,TALOS-2019-0844")]
    [InlineData("CVE-2018-14468 (FrameRelay)", "CVE-2018-14468")]
    [InlineData("CVE-2017-17434-1", "CVE-2017-17434")]
    [InlineData("CVE-2019-19451.patch", "CVE-2019-19451")]
    [InlineData("CVE-????-?????  XSA-295", "XSA-295")]
    [InlineData("CVE_2019-2426", "")]
    [InlineData("GHSA-f8h5-v2vg-46rr", "GHSA-f8h5-v2vg-46rr")]
    public void Ids_SecfixesLine_IdsInOrder(string line, string expected)
    {
        Assert.Equal(expected.Length == 0 ? [] : expected.Split(','), AlpineSecdbImporter.Ids(line));
    }
}
