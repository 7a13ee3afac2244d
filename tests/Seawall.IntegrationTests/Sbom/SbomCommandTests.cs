using System.Runtime.CompilerServices;
using System.Text.Json;
using Seawall.IntegrationTests.Support;
using Seawall.Tests.Support;

namespace Seawall.IntegrationTests.Sbom;

/// <summary>
/// `seawall sbom FILE` end to end: the inventory of an SBOM in every output format, and one `error:` line with
/// exit 3 (nothing on stdout, no stack trace) for a file that is not a readable SBOM.
/// </summary>
public sealed class SbomCommandTests
{
    private static string TestData(string name, [CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "../../Seawall.Tests/TestData/Sbom", name));

    private static async Task<ProcessResult> RunAsync(params string[] args) =>
        await SeawallCli.RunAsync(["sbom", .. args], new Dictionary<string, string> { ["NO_COLOR"] = "1", ["SOURCE_DATE_EPOCH"] = "1700000000" });

    private static void AssertFails(ProcessResult run, string expected)
    {
        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.StdErr}");
        Assert.Equal(string.Empty, run.StdOut);
        var line = Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sbom_TrivyCycloneDx_JsonReportOfItsPackages()
    {
        var run = await RunAsync(TestData("debian.trivy.cdx.json"), "--format", "json");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StdErr}");
        Assert.Equal(string.Empty, SeawallCli.WithoutNoDatabaseWarning(run.StdErr));
        SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")).AssertValid(run.StdOut);
        using var doc = JsonDocument.Parse(run.StdOut);
        Assert.Equal("sbom", doc.RootElement.GetProperty("artifact").GetProperty("type").GetString());
        Assert.Equal("debian", doc.RootElement.GetProperty("os").GetProperty("family").GetString());
        var result = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("dpkg", result.GetProperty("type").GetString());
        Assert.Equal(7, result.GetProperty("packages").GetArrayLength());
    }

    [Theory]
    [InlineData("cyclonedx")]
    [InlineData("spdx-json")]
    public async Task Sbom_TrivySpdx_WrittenAgainAsAValidSbom(string format)
    {
        using var dir = new TempDir();
        var output = dir.File("out.json");
        var run = await RunAsync(TestData("lockfiles.trivy.spdx.json"), "--format", format, "-o", output);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StdErr}");
        var json = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        (format == "cyclonedx" ? SchemaValidator.CycloneDx16() : SchemaValidator.Spdx23()).AssertValid(json);
        Assert.Contains("pkg:golang/github.com/burntsushi/toml@1.0.0", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sbom_Table_PrintsTheInventory()
    {
        var run = await RunAsync(TestData("alpine.trivy.cdx.json"));
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StdErr}");
        Assert.Contains("alpine 3.18.0 (apk, 15 packages)", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sbom_NotAnSbom_ExitThreeOneLine()
    {
        using var dir = new TempDir();
        var broken = dir.File("broken.json");
        await File.WriteAllTextAsync(broken, "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [ {\"purl\": ", TestContext.Current.CancellationToken);
        var wrongSpec = dir.File("spdx3.json");
        await File.WriteAllTextAsync(wrongSpec, "{\"spdxVersion\": \"SPDX-3.0\"}", TestContext.Current.CancellationToken);
        var huge = dir.File("huge.json");
        await using (var file = File.Create(huge))
        {
            file.SetLength((256L * 1024 * 1024) + 1);
        }
        AssertFails(await RunAsync(broken), "invalid JSON at line 1");
        AssertFails(await RunAsync(wrongSpec), "SPDX-3.0 is not supported");
        AssertFails(await RunAsync(huge), "over the 256 MB limit for an SBOM");
        AssertFails(await RunAsync(dir.File("missing.json")), "missing.json: no such file");
    }

    [Fact]
    public async Task Sbom_NoFile_UsageError()
    {
        var run = await RunAsync();
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.StdErr, StringComparison.Ordinal);
    }
}
