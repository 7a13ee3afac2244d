using System.Net;
using System.Text.Json;
using Seawall.IntegrationTests.Support;
using Seawall.Tests.Artifacts.Registry;
using Seawall.Tests.Support;

namespace Seawall.IntegrationTests.Vulnerabilities;

/// <summary>`seawall db import|update|info` end to end: exit codes, one-line errors, the database left working.</summary>
public sealed class DbCliTests
{
    private static Task<ProcessResult> Db(TempDir cache, params string[] args) => SeawallCli.RunAsync(["db", .. args, "--cache-dir", cache.Path]);

    private static JsonElement Info(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        return JsonDocument.Parse(result.StdOut).RootElement;
    }

    [Fact]
    public async Task ImportThenInfo_SamplesOfEachFormat_SourcesCountedAndDescribed()
    {
        using var cache = new TempDir();
        var import = await Db(cache, "import", SharedData.Require("osv-db/crates.io/all.zip"), SharedData.Require("debian-tracker/vunnel-fixtures/input/debian.json"),
            SharedData.Require("alpine-secdb/vunnel-fixtures/input/secdb/v3.15/main.yaml"), SharedData.Require("ghsa-nuget-sample"));
        Assert.True(import.ExitCode == 0, import.StdErr);
        Assert.Contains("osv:crates.io", import.StdOut);
        Assert.Equal(string.Empty, import.StdErr);

        var info = Info(await Db(cache, "info", "--format", "json"));
        Assert.Equal(Path.Combine(cache.Path, "db", "seawall-advisories.db"), info.GetProperty("path").GetString());
        Assert.Equal(2, info.GetProperty("schemaVersion").GetInt32()); // StoreSchema.Version
        Assert.Equal(new FileInfo(info.GetProperty("path").GetString()!).Length, info.GetProperty("sizeBytes").GetInt64());
        var sources = info.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["alpine-secdb:v3.15/main", "debian-tracker", "osv:" + SharedData.Require("ghsa-nuget-sample"), "osv:crates.io"], sources.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1206, sources["osv:crates.io"].GetProperty("advisories").GetInt32());
        Assert.Equal(25, sources["debian-tracker"].GetProperty("affected").GetInt32());
        Assert.Equal(13, sources["alpine-secdb:v3.15/main"].GetProperty("affected").GetInt32());
        Assert.All(sources.Values, s => Assert.False(s.GetProperty("stale").GetBoolean()));

        var table = await Db(cache, "info");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("schema    2", table.StdOut);
        Assert.Matches(@"osv:crates\.io\s+osv\s+1,206\s+1,206\s+0\s", table.StdOut);
    }

    [Fact]
    public async Task Info_DbMaxAgeExceeded_WarnsPerSource()
    {
        using var cache = new TempDir();
        Assert.Equal(0, (await Db(cache, "import", SharedData.Require("ghsa-nuget-sample"))).ExitCode);
        var result = await Db(cache, "info", "--db-max-age", "0", "--format", "json");
        var info = Info(result);
        Assert.True(info.GetProperty("sources")[0].GetProperty("stale").GetBoolean());
        Assert.Matches(@"^warning: advisory source osv:\S+ghsa-nuget-sample was imported \d+ minutes? ago \(older than 0 minutes\): run `seawall db update`", result.StdErr);

        var bad = await Db(cache, "info", "--db-max-age", "soon");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: invalid --db-max-age 'soon': a number of days, e.g. 7 or 0.5\n", bad.StdErr);
    }

    [Fact]
    public async Task Import_BrokenRecords_WarningsNameFileAndIdAndTheRestIsImported()
    {
        using var cache = new TempDir();
        var result = await Db(cache, "import", SharedData.Require("osv-schema/osv-linter-testdata"));
        Assert.True(result.ExitCode == 0, result.StdErr);
        var warnings = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(warnings, w => Assert.StartsWith("warning: ", w));
        Assert.Contains(warnings, w => w.Contains("nointroduced-CVE-2023-41045.json (CVE-2023-41045)"));
        Assert.Contains(warnings, w => w.Contains("nopackage-GHSA-9v2f-6vcg-3hgv.json (GHSA-9v2f-6vcg-3hgv)"));
        Assert.Equal(6, Info(await Db(cache, "info", "--format", "json")).GetProperty("sources")[0].GetProperty("advisories").GetInt32());
    }

    [Fact]
    public async Task Import_CorruptZipAfterAGoodImport_ExitThreeOneLineAndTheOldDatabaseAnswers()
    {
        using var cache = new TempDir();
        Assert.Equal(0, (await Db(cache, "import", SharedData.Require("osv-db/crates.io/all.zip"))).ExitCode);
        var bytes = await File.ReadAllBytesAsync(SharedData.Require("osv-db/Go/all.zip"), TestContext.Current.CancellationToken);
        for (var i = bytes.Length / 3; i < bytes.Length / 3 + 100; i++)
        {
            bytes[i] = (byte)~bytes[i];
        }
        var corrupt = cache.File("Go-all.zip");
        await File.WriteAllBytesAsync(corrupt, bytes, TestContext.Current.CancellationToken);

        var result = await Db(cache, "import", corrupt);
        Assert.Equal(3, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + corrupt, line);
        Assert.Contains("damaged", line);
        Assert.Equal(string.Empty, result.StdOut);

        var info = Info(await Db(cache, "info", "--format", "json"));
        Assert.Equal(["osv:crates.io"], info.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["seawall-advisories.db", "seawall-advisories.db.lock"], Directory.GetFileSystemEntries(Path.Combine(cache.Path, "db")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Update_LocalMirror_FetchesEachEcosystem_OfflineRefusesWithoutARequest()
    {
        var osvDb = SharedData.Require("osv-db");
        await using var mirror = new LoopbackServer(async context =>
        {
            var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
            var file = Path.Combine(osvDb, path);
            if (path.EndsWith("/all.zip", StringComparison.Ordinal) && !path.Contains("..", StringComparison.Ordinal) && File.Exists(file))
            {
                await LoopbackServer.WriteAsync(context, 200, await File.ReadAllBytesAsync(file));
            }
            else
            {
                await LoopbackServer.WriteAsync(context, (int)HttpStatusCode.NotFound, "no"u8.ToArray());
            }
        });
        using var cache = new TempDir();

        var offline = await Db(cache, "update", "--mirror", $"http://{mirror.Host}", "--ecosystems", "Go", "--offline");
        Assert.Equal(3, offline.ExitCode);
        Assert.Contains("--offline", offline.StdErr);
        Assert.Empty(mirror.Requests);

        var update = await Db(cache, "update", "--mirror", $"http://{mirror.Host}", "--ecosystems", "Go,PyPI");
        Assert.True(update.ExitCode == 0, update.StdErr);
        Assert.Equal(["/Go/all.zip", "/PyPI/all.zip"], mirror.Requests.Select(r => r.PathAndQuery));
        var sources = Info(await Db(cache, "info", "--format", "json")).GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(["osv:Go", "osv:PyPI"], sources.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal($"http://{mirror.Host}/PyPI/all.zip", sources[1].GetProperty("origin").GetString());
        Assert.Equal(2661, sources[1].GetProperty("advisories").GetInt32());

        var missing = await Db(cache, "update", "--mirror", $"http://{mirror.Host}", "--ecosystems", "npm");
        Assert.Equal(3, missing.ExitCode);
        Assert.Equal($"error: GET http://{mirror.Host}/npm/all.zip: 404 Not Found\n", missing.StdErr);
        Assert.Equal(2, Info(await Db(cache, "info", "--format", "json")).GetProperty("sources").GetArrayLength());
    }
}
