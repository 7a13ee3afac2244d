using System.Net;
using Seawall.Tests.Artifacts.Registry;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Tests.Vulnerabilities.Import;

/// <summary>`db update` against a mirror on 127.0.0.1 serving the osv-db zips in osv.dev's layout; and what --offline forbids.</summary>
public sealed class OsvMirrorUpdateTests
{
    /// <summary>Serves &lt;root&gt;/&lt;Ecosystem&gt;/all.zip from the shared osv-db folder; anything else is a 404.</summary>
    private static LoopbackServer Mirror(string osvDb, Func<HttpListenerContext, Task>? before = null) => new(async context =>
    {
        if (before is not null)
        {
            await before(context);
        }
        var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath).TrimStart('/');
        var file = Path.Combine(osvDb, path);
        if (path.EndsWith("/all.zip", StringComparison.Ordinal) && !path.Contains("..", StringComparison.Ordinal) && File.Exists(file))
        {
            await LoopbackServer.WriteAsync(context, 200, await File.ReadAllBytesAsync(file), "application/zip");
        }
        else
        {
            await LoopbackServer.WriteAsync(context, 404, "not found"u8.ToArray());
        }
    });

    [Fact]
    public async Task Update_LocalMirror_EachEcosystemImportedAsItsSource()
    {
        var osvDb = SharedData.Require("osv-db");
        await using var server = Mirror(osvDb);
        using var db = new ImportFixture();
        var mirror = $"http://{server.Host}/";

        var result = await AdvisoryImporter.UpdateAsync(mirror, ["Go", "crates.io"], db.Options(), TestContext.Current.CancellationToken);
        Assert.Equal(["osv:Go", "osv:crates.io"], result.Sources.Select(s => s.Name));
        Assert.Equal($"http://{server.Host}/crates.io/all.zip", result.Sources[1].Origin);
        Assert.Equal(["/Go/all.zip", "/crates.io/all.zip"], server.Requests.Select(r => r.PathAndQuery));

        // The same data as importing the zips from disk.
        using var local = new ImportFixture();
        var fromDisk = local.Import(Path.Combine(osvDb, "Go", "all.zip"), Path.Combine(osvDb, "crates.io", "all.zip"));
        Assert.Equal(fromDisk.Sources.Select(s => (s.Name, s.Advisories, s.Affected)), result.Sources.Select(s => (s.Name, s.Advisories, s.Affected)));

        // Without a list, an update refreshes what the database holds.
        var again = await AdvisoryImporter.UpdateAsync(mirror, null, db.Options(), TestContext.Current.CancellationToken);
        Assert.Equal(["osv:Go", "osv:crates.io"], again.Sources.Select(s => s.Name));
        using var store = db.Open();
        Assert.Equal(2, store.Info().Sources.Count);
        Assert.Single(store.Lookup("Go", "github.com/gin-gonic/gin"), e => e.AdvisoryId == "GO-2020-0001");
        Assert.Empty(db.Leftovers());
    }

    [Fact]
    public async Task Update_OneEcosystemMissing_FailsAndThePreviousDatabaseStillAnswers()
    {
        var osvDb = SharedData.Require("osv-db");
        await using var server = Mirror(osvDb);
        using var db = new ImportFixture();
        await AdvisoryImporter.UpdateAsync($"http://{server.Host}", ["Go"], db.Options(), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<AdvisoryStoreException>(() =>
            AdvisoryImporter.UpdateAsync($"http://{server.Host}", ["PyPI", "npm"], db.Options(), TestContext.Current.CancellationToken));
        Assert.Contains($"GET http://{server.Host}/npm/all.zip: 404", error.Message);
        using var store = db.Open();
        Assert.Equal(["osv:Go"], store.Info().Sources.Select(s => s.Name));
        Assert.Empty(db.Leftovers());
    }

    [Fact]
    public async Task Update_ServerCutsTheDownloadShort_FailsCleanly()
    {
        await using var server = new LoopbackServer(async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentLength64 = 1_000_000;
            await context.Response.OutputStream.WriteAsync(new byte[1000]);
            context.Response.Abort();
        });
        using var db = new ImportFixture();
        var error = await Assert.ThrowsAsync<AdvisoryStoreException>(() =>
            AdvisoryImporter.UpdateAsync($"http://{server.Host}", ["Go"], db.Options(), TestContext.Current.CancellationToken));
        Assert.StartsWith($"GET http://{server.Host}/Go/all.zip", error.Message);
        Assert.False(File.Exists(db.DatabasePath));
        Assert.Empty(db.Leftovers());
    }

    [Fact]
    public async Task Update_Offline_RefusedWithoutARequest()
    {
        await using var server = Mirror(SharedData.Require("osv-db"));
        using var db = new ImportFixture();
        var options = db.Options() with { Offline = true };

        var error = await Assert.ThrowsAsync<AdvisoryStoreException>(() =>
            AdvisoryImporter.UpdateAsync($"http://{server.Host}", ["Go"], options, TestContext.Current.CancellationToken));
        Assert.Contains("--offline", error.Message);
        var importError = await Assert.ThrowsAsync<AdvisoryStoreException>(() =>
            AdvisoryImporter.ImportAsync([$"http://{server.Host}/Go/all.zip"], options, TestContext.Current.CancellationToken));
        Assert.Contains("--offline", importError.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Import_Url_DownloadedAndNamedAfterItsEcosystem()
    {
        await using var server = Mirror(SharedData.Require("osv-db"));
        using var db = new ImportFixture();
        var result = await AdvisoryImporter.ImportAsync([$"http://{server.Host}/crates.io/all.zip"], db.Options(), TestContext.Current.CancellationToken);
        Assert.Equal("osv:crates.io", Assert.Single(result.Sources).Name);
        Assert.Empty(db.Leftovers());
    }

    [Fact]
    public async Task Update_UnknownEcosystem_RefusedBeforeAnyDownload()
    {
        await using var server = Mirror(SharedData.Require("osv-db"));
        using var db = new ImportFixture();
        var error = await Assert.ThrowsAsync<AdvisoryStoreException>(() =>
            AdvisoryImporter.UpdateAsync($"http://{server.Host}", ["Go", "pypi"], db.Options(), TestContext.Current.CancellationToken));
        Assert.Contains("unknown OSV ecosystem 'pypi'", error.Message);
        Assert.Empty(server.Requests);
    }
}
