using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Reporting.Writers;
using Seawall.Tests.Support;

namespace Seawall.Tests.Reporting;

/// <summary>
/// Language packages in every writer: a lockfile can hold one name at several versions, so dependencies resolve by
/// "name@version" first; dev, direct and owner flags reach the JSON report and the CycloneDX properties.
/// </summary>
public sealed class LanguagePackageWriterTests
{
    private static ScanReport NpmReport() => new()
    {
        Artifact = new ArtifactInfo("app", ArtifactType.Filesystem),
        Results =
        [
            new ScanResult
            {
                Target = "package-lock.json",
                Class = ResultClass.LangPackages,
                Type = "npm",
                Packages =
                [
                    new Package { Name = "debug", Version = "2.6.9", Ecosystem = "npm", Purl = "pkg:npm/debug@2.6.9", Direct = true, DependsOn = ["ms@2.0.0"], FilePath = "package-lock.json" },
                    new Package { Name = "ms", Version = "2.1.3", Ecosystem = "npm", Purl = "pkg:npm/ms@2.1.3", Direct = true, FilePath = "package-lock.json" },
                    new Package { Name = "ms", Version = "2.0.0", Ecosystem = "npm", Purl = "pkg:npm/ms@2.0.0", Direct = false, Dev = true, FilePath = "package-lock.json" },
                ],
            },
        ],
    };

    [Fact]
    public async Task CycloneDx_DependencyOnAVersion_PointsAtThatVersion()
    {
        var json = await WriterOutput.WriteAsync(new CycloneDxWriter(new FixedTimeProvider(WriterOutput.FixedTime)), NpmReport());
        SchemaValidator.CycloneDx16().AssertValid(json);
        var root = WriterOutput.Parse(json);
        var refs = root.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("purl").GetString()!, c => c.GetProperty("bom-ref").GetString()!);
        var debug = root.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("ref").GetString() == refs["pkg:npm/debug@2.6.9"]);
        Assert.Equal([refs["pkg:npm/ms@2.0.0"]], debug.GetProperty("dependsOn").EnumerateArray().Select(e => e.GetString()));
        var devMs = root.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("purl").GetString() == "pkg:npm/ms@2.0.0");
        Assert.Contains(devMs.GetProperty("properties").EnumerateArray(), p => p.GetProperty("name").GetString() == "seawall:package:dev" && p.GetProperty("value").GetString() == "true");
    }

    [Fact]
    public async Task Spdx_DependencyOnAVersion_PointsAtThatVersion()
    {
        var json = await WriterOutput.WriteAsync(new SpdxJsonWriter(new FixedTimeProvider(WriterOutput.FixedTime)), NpmReport());
        SchemaValidator.Spdx23().AssertValid(json);
        var root = WriterOutput.Parse(json);
        var ids = root.GetProperty("packages").EnumerateArray()
            .Where(p => p.TryGetProperty("versionInfo", out _))
            .ToDictionary(p => p.GetProperty("name").GetString() + "@" + p.GetProperty("versionInfo").GetString(), p => p.GetProperty("SPDXID").GetString()!);
        var edges = root.GetProperty("relationships").EnumerateArray()
            .Where(r => r.GetProperty("relationshipType").GetString() == "DEPENDS_ON")
            .Select(r => (r.GetProperty("spdxElementId").GetString(), r.GetProperty("relatedSpdxElement").GetString())).ToList();
        Assert.Equal([(ids["debug@2.6.9"], ids["ms@2.0.0"])], edges);
    }

    [Fact]
    public async Task Json_LanguageFields_AreWrittenAndMatchTheSchema()
    {
        var json = await WriterOutput.WriteAsync(new JsonReportWriter(), NpmReport());
        SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")).AssertValid(json);
        var packages = WriterOutput.Parse(json).GetProperty("results")[0].GetProperty("packages").EnumerateArray().ToList();
        var dev = packages.Single(p => p.GetProperty("version").GetString() == "2.0.0");
        Assert.Equal("npm", dev.GetProperty("ecosystem").GetString());
        Assert.False(dev.GetProperty("direct").GetBoolean());
        Assert.True(dev.GetProperty("dev").GetBoolean());
        Assert.False(packages.Single(p => p.GetProperty("version").GetString() == "2.1.3").TryGetProperty("dev", out _));
    }
}
