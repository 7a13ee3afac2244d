using System.Text.Json;
using Seawall.IntegrationTests.Support;
using Seawall.Tests.Support;
using Seawall.TestSupport;

namespace Seawall.IntegrationTests.Reporting;

/// <summary>`seawall image --format cyclonedx|spdx-json|json` end to end: valid documents, reproducible with SOURCE_DATE_EPOCH.</summary>
public sealed class SbomCliTests
{
    private static async Task<string> ScanAsync(string archive, string format, string? sourceDateEpoch)
    {
        var env = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = sourceDateEpoch ?? string.Empty };
        var result = await SeawallCli.RunAsync(["image", "--input", archive, "--format", format, "--no-cache", "--quiet"], env);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        return result.StdOut;
    }

    private static string AlpineArchive(TempDir dir)
    {
        var archive = dir.File("alpine.oci.tar");
        TestImageBuilder.WriteOciLayoutTar(archive, "alpine-fixture:3.18", FixtureImages.AlpineLayers());
        return archive;
    }

    [Fact]
    public async Task CycloneDx_SourceDateEpoch_SameBytesEveryRun()
    {
        using var dir = new TempDir();
        var archive = AlpineArchive(dir);
        var first = await ScanAsync(archive, "cyclonedx", "1700000000");
        Assert.Equal(first, await ScanAsync(archive, "cyclonedx", "1700000000"));
        SchemaValidator.CycloneDx16().AssertValid(first);
        using var doc = JsonDocument.Parse(first);
        Assert.Equal("2023-11-14T22:13:20Z", doc.RootElement.GetProperty("metadata").GetProperty("timestamp").GetString());

        using var other = JsonDocument.Parse(await ScanAsync(archive, "cyclonedx", "1700000001"));
        Assert.NotEqual(doc.RootElement.GetProperty("serialNumber").GetString(), other.RootElement.GetProperty("serialNumber").GetString());
    }

    [Fact]
    public async Task SpdxJson_SourceDateEpoch_SameBytesEveryRun()
    {
        using var dir = new TempDir();
        var archive = AlpineArchive(dir);
        var first = await ScanAsync(archive, "spdx-json", "1700000000");
        Assert.Equal(first, await ScanAsync(archive, "spdx-json", "1700000000"));
        SchemaValidator.Spdx23().AssertValid(first);
        using var doc = JsonDocument.Parse(first);
        Assert.Equal("2023-11-14T22:13:20Z", doc.RootElement.GetProperty("creationInfo").GetProperty("created").GetString());

        // Without SOURCE_DATE_EPOCH (empty counts as unset) the document is stamped now, under a namespace of its own.
        using var now = JsonDocument.Parse(await ScanAsync(archive, "spdx-json", null));
        Assert.NotEqual(doc.RootElement.GetProperty("documentNamespace").GetString(), now.RootElement.GetProperty("documentNamespace").GetString());
        var created = DateTimeOffset.Parse(now.RootElement.GetProperty("creationInfo").GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Json_ImageReport_MatchesTheReportSchema()
    {
        using var dir = new TempDir();
        var report = await ScanAsync(AlpineArchive(dir), "json", null);
        SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")).AssertValid(report);
        using var doc = JsonDocument.Parse(report);
        var packages = doc.RootElement.GetProperty("results")[0].GetProperty("packages");
        Assert.Equal(15, packages.GetArrayLength());
        Assert.All(packages.EnumerateArray(), p => Assert.StartsWith("pkg:apk/alpine/", p.GetProperty("purl").GetString(), StringComparison.Ordinal));
    }
}
