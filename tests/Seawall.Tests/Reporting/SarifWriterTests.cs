using Seawall.Core.Model;
using Seawall.Reporting.Writers;
using Seawall.Tests.Support;

namespace Seawall.Tests.Reporting;

/// <summary>
/// SARIF 2.1.0 against the OASIS schema, and the parts GitHub code scanning reads: rules with security-severity and
/// help, results with a ruleId, ruleIndex, message and a physical location with a region.
/// </summary>
public sealed class SarifWriterTests
{
    private static readonly Lazy<SchemaValidator> Schema = new(SchemaValidator.Sarif210);

    private static Task<string> WriteAsync(ScanReport report) => WriterOutput.WriteAsync(new SarifWriter(), report);

    [Fact]
    public async Task Write_SampleImage_IsValidSarif()
    {
        Schema.Value.AssertValid(await WriteAsync(SampleVulnerabilities.Report()));
        Schema.Value.AssertValid(await WriteAsync(VulnerabilityReportTests.FilteredReport()));
    }

    [Fact]
    public async Task Write_NoVulnerabilities_IsValidWithEmptyRulesAndResults()
    {
        var json = await WriteAsync(await FixtureReports.AlpineAsync());
        Schema.Value.AssertValid(json);
        var run = WriterOutput.Parse(json).GetProperty("runs")[0];
        Assert.Equal(0, run.GetProperty("results").GetArrayLength());
        Assert.Equal(0, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
    }

    [Theory]
    [InlineData("\"version\": \"2.1.0\"", "\"version\": \"2.2.0\"")]
    [InlineData("\"level\": \"error\"", "\"level\": \"critical\"")]
    [InlineData("\"startLine\": 1", "\"startLine\": 0")]
    [InlineData("\"ruleIndex\": 0", "\"ruleIndex\": \"0\"")]
    public async Task Schema_BrokenSarif_IsRejected(string from, string to)
    {
        // The converted draft-04 schema still checks: a wrong version, level, line or index type fails.
        var json = await WriteAsync(SampleVulnerabilities.Report());
        Assert.Contains(from, json, StringComparison.Ordinal);
        Assert.NotEmpty(Schema.Value.Errors(json.Replace(from, to, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Write_Rules_OnePerIdWithSecuritySeverityAndHelp()
    {
        var run = WriterOutput.Parse(await WriteAsync(SampleVulnerabilities.Report())).GetProperty("runs")[0];
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("Seawall", driver.GetProperty("name").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(["CVE-2011-3374", "CVE-2023-45853", "CVE-2023-4911", "CVE-2024-24790", "GHSA-5crp-9r3c-p9vr"], rules.Select(r => r.GetProperty("id").GetString()));
        var bySeverity = rules.ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("properties").GetProperty("security-severity").GetString());
        // CVSS scores that agree with the severity are used; Debian's LOW without a vector gets the band's middle.
        Assert.Equal("2.0", bySeverity["CVE-2011-3374"]);
        Assert.Equal("9.8", bySeverity["CVE-2023-45853"]);
        Assert.Equal("7.8", bySeverity["CVE-2023-4911"]);
        Assert.Equal("7.5", bySeverity["GHSA-5crp-9r3c-p9vr"]);
        foreach (var rule in rules)
        {
            var tags = rule.GetProperty("properties").GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();
            Assert.Contains("security", tags);
            Assert.Contains("vulnerability", tags);
            Assert.True(tags.Count <= 20, "GitHub reads at most 20 tags");
            Assert.False(string.IsNullOrEmpty(rule.GetProperty("help").GetProperty("text").GetString()));
            Assert.StartsWith("**Vulnerability " + rule.GetProperty("id").GetString(), rule.GetProperty("help").GetProperty("markdown").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("https://", rule.GetProperty("helpUri").GetString(), StringComparison.Ordinal);
        }
        var ghsa = rules.Single(r => r.GetProperty("id").GetString() == "GHSA-5crp-9r3c-p9vr");
        Assert.Equal("https://github.com/advisories/GHSA-5crp-9r3c-p9vr", ghsa.GetProperty("helpUri").GetString());
        Assert.Equal("Improper Handling of Exceptional Conditions in Newtonsoft.Json", ghsa.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal("error", ghsa.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal("LanguageSpecificPackageVulnerability", ghsa.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Write_Results_LocatedAtThePackageFileWithLayer()
    {
        var run = WriterOutput.Parse(await WriteAsync(SampleVulnerabilities.Report())).GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        foreach (var result in results)
        {
            // GitHub: ruleIndex must point at the rule with the same id.
            Assert.Equal(result.GetProperty("ruleId").GetString(), rules[result.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString());
            var location = Assert.Single(result.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
            Assert.Equal("ROOTPATH", location.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
            Assert.Equal(1, location.GetProperty("region").GetProperty("startLine").GetInt32());
        }
        var dockerd = results.Single(r => r.GetProperty("ruleId").GetString() == "CVE-2024-24790");
        Assert.Equal("error", dockerd.GetProperty("level").GetString());
        Assert.Equal("usr/sbin/dockerd", dockerd.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Contains("Package: stdlib\nInstalled Version: v1.22.3\nVulnerability CVE-2024-24790\nSeverity: CRITICAL\nFixed Version: 1.21.11, 1.22.4", dockerd.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
        var props = dockerd.GetProperty("properties");
        Assert.Equal(2, props.GetProperty("layer").GetProperty("index").GetInt32());
        Assert.Equal("RUN /bin/sh -c apt-get install -y docker.io # buildkit", props.GetProperty("layer").GetProperty("createdBy").GetString());
        Assert.Equal("docker.io", props.GetProperty("ownedBy").GetString());
        Assert.False(props.GetProperty("inBaseImage").GetBoolean());
        Assert.Equal("pkg:golang/stdlib@v1.22.3", props.GetProperty("packagePurl").GetString());

        var apt = results.Single(r => r.GetProperty("ruleId").GetString() == "CVE-2011-3374");
        Assert.Equal("note", apt.GetProperty("level").GetString());
        Assert.Contains("Fixed Version: none (affected)", apt.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("file:///", run.GetProperty("originalUriBaseIds").GetProperty("ROOTPATH").GetProperty("uri").GetString());
    }

    [Fact]
    public async Task Write_Suppressed_AreNotResults()
    {
        var run = WriterOutput.Parse(await WriteAsync(VulnerabilityReportTests.FilteredReport())).GetProperty("runs")[0];
        var ids = run.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()).ToList();
        Assert.DoesNotContain("CVE-2024-24790", ids);
        Assert.DoesNotContain("CVE-2011-3374", ids);
        var glibc = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "CVE-2023-4911");
        Assert.Equal("under_investigation", glibc.GetProperty("properties").GetProperty("vexStatus").GetString());
    }

    [Fact]
    public async Task Write_DirectoryScan_RootIsTheDirectoryAndOddNamesAreEscaped()
    {
        var report = SampleVulnerabilities.Report();
        var lodash = SampleVulnerabilities.NewtonsoftJson with { PackagePath = "web app/package-lock.json" };
        report = report with
        {
            Artifact = new ArtifactInfo("/src/my project", ArtifactType.Filesystem),
            Results = [report.Results[1] with { Target = "web app/package-lock.json", Vulnerabilities = [lodash] }],
        };
        var json = await WriteAsync(report);
        Schema.Value.AssertValid(json);
        var run = WriterOutput.Parse(json).GetProperty("runs")[0];
        Assert.Equal("file:///src/my%20project/", run.GetProperty("originalUriBaseIds").GetProperty("ROOTPATH").GetProperty("uri").GetString());
        Assert.Equal("web%20app/package-lock.json", run.GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [Fact]
    public async Task Write_Deterministic()
    {
        var a = await WriteAsync(SampleVulnerabilities.Report());
        var b = await WriteAsync(SampleVulnerabilities.Report());
        Assert.Equal(a, b);
        Golden.AssertMatches("vulnerabilities.sarif.json", a.Replace($"\"version\": \"{Seawall.Reporting.Sbom.SbomIds.ToolVersion}\"", "\"version\": \"VERSION\"", StringComparison.Ordinal)
            .Replace($"\"semanticVersion\": \"{Seawall.Reporting.Sbom.SbomIds.ToolVersion}\"", "\"semanticVersion\": \"VERSION\"", StringComparison.Ordinal));
    }
}
