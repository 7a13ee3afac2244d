using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Reporting.Writers;
using Seawall.Tests.Support;

namespace Seawall.Tests.Reporting;

/// <summary>
/// The JSON report's field names are the contract issue 2 fixes; docs/schemas/seawall-report-1.schema.json
/// spells it out with additionalProperties false, so a renamed or misspelt field fails here.
/// </summary>
public sealed class JsonReportWriterTests
{
    private static readonly Lazy<SchemaValidator> Schema = new(() =>
        SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")));

    private static Task<string> WriteAsync(ScanReport report) => WriterOutput.WriteAsync(new JsonReportWriter(), report);

    [Fact]
    public async Task Write_DebianAndAlpineImages_MatchTheReportSchema()
    {
        Schema.Value.AssertValid(await WriteAsync(await FixtureReports.DebianAsync()));
        Schema.Value.AssertValid(await WriteAsync(await FixtureReports.AlpineAsync()));
    }

    [Fact]
    public async Task Write_ImagePackages_CarryEveryFieldTheIssueNames()
    {
        var report = await FixtureReports.DebianAsync();
        var root = WriterOutput.Parse(await WriteAsync(report));
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        var artifact = root.GetProperty("artifact");
        Assert.Equal("debian-fixture:12", artifact.GetProperty("name").GetString());
        Assert.Equal("container-image", artifact.GetProperty("type").GetString());
        Assert.Equal(report.Artifact.Digest, artifact.GetProperty("digest").GetString());
        Assert.Equal("debian", root.GetProperty("os").GetProperty("family").GetString());
        Assert.Equal("12.5", root.GetProperty("os").GetProperty("version").GetString());

        var result = Assert.Single(root.GetProperty("results").EnumerateArray());
        Assert.Equal("var/lib/dpkg/status", result.GetProperty("target").GetString());
        Assert.Equal("os-packages", result.GetProperty("class").GetString());
        Assert.Equal("dpkg", result.GetProperty("type").GetString());
        foreach (var name in new[] { "vulnerabilities", "findings", "secrets" })
        {
            Assert.Equal(JsonValueKind.Array, result.GetProperty(name).ValueKind);
        }
        var packages = result.GetProperty("packages").EnumerateArray().ToList();
        Assert.Equal(7, packages.Count);
        foreach (var p in packages)
        {
            foreach (var name in new[] { "name", "version", "purl", "sourceName", "sourceVersion", "filePath" })
            {
                Assert.True(p.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 }, $"{p.GetProperty("name")}: no {name}");
            }
            var layer = p.GetProperty("layer");
            var index = layer.GetProperty("index").GetInt32();
            Assert.Equal(report.Artifact.Layers[index].DiffId, layer.GetProperty("diffId").GetString());
            Assert.Equal(report.Artifact.Layers[index].CreatedBy, layer.GetProperty("createdBy").GetString());
        }
        var libacl = packages.Single(p => p.GetProperty("name").GetString() == "libacl1");
        Assert.Equal("acl", libacl.GetProperty("sourceName").GetString());
    }

    [Fact]
    public async Task Write_Findings_MatchTheReportSchema()
    {
        // Pins the finding fields every check (the host audit's, later misconfigurations) writes.
        var report = await FixtureReports.AlpineAsync();
        report = report with
        {
            Results = [.. report.Results, new ScanResult
            {
                Target = "Dockerfile",
                Class = ResultClass.Config,
                Type = "dockerfile",
                Findings =
                [
                    new Finding
                    {
                        CheckId = "SW-DF-0002", Title = "Image runs as root", Severity = Severity.High, Status = FindingStatus.Fail,
                        Target = "Dockerfile", Location = new Location("Dockerfile", 12, null, "$.USER"), Evidence = "no USER instruction",
                        Remediation = "Add a USER instruction", References = ["CIS-Docker-4.1"],
                    },
                    new Finding { CheckId = "SW-DF-0003", Title = "HEALTHCHECK missing", Severity = Severity.Low, Status = FindingStatus.Warn },
                ],
            }],
        };
        var json = await WriteAsync(report);
        Schema.Value.AssertValid(json);
        var finding = WriterOutput.Parse(json).GetProperty("results")[1].GetProperty("findings")[0];
        Assert.Equal("HIGH", finding.GetProperty("severity").GetString());
        Assert.Equal("fail", finding.GetProperty("status").GetString());
        Assert.Equal(12, finding.GetProperty("location").GetProperty("line").GetInt32());
        Assert.Equal("$.USER", finding.GetProperty("location").GetProperty("jsonPath").GetString());
    }

    [Theory]
    [InlineData("\"sourceName\":", "\"source_name\":")]
    [InlineData("\"diffId\":", "\"diffID\":")]
    [InlineData("\"schemaVersion\": 1", "\"schemaVersion\": 2")]
    [InlineData("\"class\": \"os-packages\"", "\"class\": \"os\"")]
    [InlineData("\"secrets\": []", "\"secret\": []")]
    public async Task Schema_RenamedField_IsRejected(string from, string to)
    {
        var json = await WriteAsync(await FixtureReports.DebianAsync());
        Assert.Contains(from, json, StringComparison.Ordinal);
        Assert.NotEmpty(Schema.Value.Errors(json.Replace(from, to, StringComparison.Ordinal)));
    }
}
