using System.Globalization;
using Seawall.Core.Model;
using Seawall.Reporting.Sbom;
using Seawall.Reporting.Writers;
using Seawall.Tests.Reporting;
using Seawall.Tests.Support;
using Seawall.TestSupport;

namespace Seawall.Tests.Inventory.Sbom;

/// <summary>
/// Seawall's own CycloneDX and SPDX read back: every package with the name, version, purl, ecosystem, result,
/// source package, file, layer, licences and dependencies the scan gave it.
/// </summary>
public sealed class SbomRoundTripTests
{
    public static TheoryData<string> Formats => ["cyclonedx", "spdx-json"];

    private static async Task<ScanReport> RoundTripAsync(ScanReport report, string format)
    {
        IReportWriter writer = format == "cyclonedx"
            ? new CycloneDxWriter(new FixedTimeProvider(WriterOutput.FixedTime))
            : new SpdxJsonWriter(new FixedTimeProvider(WriterOutput.FixedTime));
        using var dir = new TempDir();
        var path = dir.File("bom." + format + ".json");
        await File.WriteAllTextAsync(path, await WriterOutput.WriteAsync(writer, report), TestContext.Current.CancellationToken);
        return await SbomFixtures.ReadAsync(path);
    }

    /// <summary>Everything the writers put in a document about a package, one line each.</summary>
    private static List<string> Details(ScanReport report, string format) =>
    [
        .. report.Results.SelectMany(r => r.Packages.Select(p => string.Join(" | ",
            r.Class, r.Type, r.Target, p.Name, p.Version, p.Ecosystem ?? "-", p.Purl, p.Arch ?? "-",
            p.Epoch is null or 0 ? "-" : p.Epoch.Value.ToString(CultureInfo.InvariantCulture), p.Release ?? "-", p.ModularityLabel ?? "-",
            p.SourceName ?? "-", p.SourceVersion ?? "-", p.FilePath ?? "-",
            p.Layer is { } l ? $"{l.Index}:{l.DiffId}:{l.CreatedBy}" : "-",
            string.Join(",", p.Licenses.Select(x => LicenseNames.SpdxId(x) ?? x).Distinct()),
            string.Join(",", Resolved(r, p)),
            // Only CycloneDX carries the flags.
            format == "cyclonedx" ? $"{p.Direct}/{p.Dev}/{p.OwnedBy}" : "-")))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>A package's dependencies as the writers resolve them: "name@version" first, else the first package of that name.</summary>
    private static IEnumerable<string> Resolved(ScanResult result, Package package)
    {
        var index = new Dictionary<string, Package>(StringComparer.Ordinal);
        foreach (var p in result.Packages)
        {
            index.TryAdd(p.Name, p);
            index.TryAdd(p.Name + "@" + p.Version, p);
        }
        return package.DependsOn.Select(d => index.GetValueOrDefault(d)).OfType<Package>().Where(p => p != package)
            .Select(p => p.Name + "@" + p.Version).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
    }

    private static async Task AssertRoundTripAsync(ScanReport scanned, string format)
    {
        Assert.NotEmpty(SbomAssert.Packages(scanned));
        var read = await RoundTripAsync(scanned, format);
        Assert.Equal(Details(scanned, format), Details(read, format));
        Assert.Equal((scanned.Os?.Family, scanned.Os?.Version), (read.Os?.Family, read.Os?.Version));
        Assert.Empty(read.Warnings);
        if (format == "cyclonedx")
        {
            // The image's layers and id travel in the document's metadata.
            Assert.Equal(scanned.Artifact.Digest, read.Artifact.Digest);
            Assert.Equal(scanned.Artifact.Layers.Select(l => l.DiffId), read.Artifact.Layers.Select(l => l.DiffId));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task DebianImage_WrittenAndRead_SamePackages(string format) =>
        await AssertRoundTripAsync(await SbomFixtures.ScanImageAsync("debian:fixture", FixtureImages.DebianLayers()), format);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task AlpineImage_WrittenAndRead_SamePackages(string format) =>
        await AssertRoundTripAsync(await SbomFixtures.ScanImageAsync("alpine:fixture", FixtureImages.AlpineLayers()), format);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task AmazonLinuxRpmImage_WrittenAndRead_SamePackages(string format) =>
        await AssertRoundTripAsync(await SbomFixtures.ScanImageAsync("amazon:fixture", SbomFixtures.AmazonLayers()), format);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task LockfileProject_WrittenAndRead_SamePackages(string format) =>
        await AssertRoundTripAsync(await SbomFixtures.ScanLangProjectAsync(), format);
}
