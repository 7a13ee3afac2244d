using Seawall.Core.Model;
using Seawall.Tests.Inventory.Languages;
using Seawall.Tests.Support;
using Seawall.TestSupport;

namespace Seawall.Tests.Inventory.Sbom;

/// <summary>
/// Trivy (trivy-cdxgen) writes CycloneDX and SPDX for artifacts Seawall scans too; the reader must give back what
/// the scan gives. Skipped where trivy-cdxgen is not installed. SEAWALL_SBOM_TESTDATA_OUT=DIR keeps the documents:
/// that is how TestData/Sbom was made.
/// </summary>
public sealed class TrivySbomLiveTests
{
    private static string Trivy()
    {
        var trivy = ExternalTool.Find("trivy-cdxgen");
        Assert.SkipWhen(trivy is null, "trivy-cdxgen is not installed (.ci/install installs it)");
        return trivy!;
    }

    /// <summary>Trivy's CycloneDX and SPDX JSON for an image layout directory (mode image) or a directory (mode fs).</summary>
    private static List<(string Path, string Json)> RunTrivy(string mode, string input, TempDir dir, string name)
    {
        var trivy = Trivy();
        var cache = Directory.CreateDirectory(dir.File("trivy-cache")).FullName;
        var documents = new List<(string, string)>();
        foreach (var (format, extension) in new[] { ("cyclonedx", ".trivy.cdx.json"), ("spdx-json", ".trivy.spdx.json") })
        {
            string[] target = mode == "image" ? ["image", "--input", input] : [mode, input];
            var json = ExternalTool.Run(trivy, dir.Path, null, [.. target, "--format", format, "--skip-db-update", "--offline-scan", "--cache-dir", cache, "--quiet"]);
            var path = dir.File(name + extension);
            File.WriteAllText(path, json);
            if (Environment.GetEnvironmentVariable("SEAWALL_SBOM_TESTDATA_OUT") is { Length: > 0 } keep)
            {
                Directory.CreateDirectory(keep);
                File.WriteAllText(Path.Combine(keep, name + extension), json);
            }
            documents.Add((path, json));
        }
        return documents;
    }

    private static async Task<(ScanReport Scanned, List<(string Path, string Json)> Documents)> ImageAsync(string name, IReadOnlyList<TestLayer> layers, TempDir dir)
    {
        var layout = Directory.CreateDirectory(dir.File(name)).FullName;
        TestImageBuilder.WriteOciLayoutDirectory(layout, name + ":fixture", layers);
        var scanned = await SbomFixtures.ScanImageAsync(name + ":fixture", layers);
        return (scanned, RunTrivy("image", layout, dir, name));
    }

    [Fact]
    public async Task DebianFixture_TrivyDocuments_ReadAsSeawallScansTheImage()
    {
        Trivy();
        using var dir = new TempDir();
        var (scanned, documents) = await ImageAsync("debian", FixtureImages.DebianLayers(), dir);
        foreach (var (path, json) in documents)
        {
            var read = await SbomFixtures.ReadAsync(path);
            SbomAssert.KeepsEveryPurl(read, json);
            SbomAssert.ReadsAsScanned(read, scanned);
        }
    }

    [Fact]
    public async Task AlpineFixture_TrivyDocuments_ReadAsSeawallScansTheImage()
    {
        Trivy();
        using var dir = new TempDir();
        var (scanned, documents) = await ImageAsync("alpine", FixtureImages.AlpineLayers(), dir);
        foreach (var (path, json) in documents)
        {
            var read = await SbomFixtures.ReadAsync(path);
            SbomAssert.KeepsEveryPurl(read, json);
            SbomAssert.ReadsAsScanned(read, scanned);
        }
    }

    [Fact]
    public async Task AmazonLinuxRpmdb_TrivyDocuments_ReadAsSeawallScansTheImage()
    {
        Trivy();
        using var dir = new TempDir();
        var (scanned, documents) = await ImageAsync("amazon", SbomFixtures.AmazonLayers(), dir);
        Assert.Equal(102, SbomAssert.Packages(scanned).Count());
        foreach (var (path, json) in documents)
        {
            var read = await SbomFixtures.ReadAsync(path);
            SbomAssert.KeepsEveryPurl(read, json);
            // Trivy lists rpm's imported signing key as a package; Seawall does not. Its distro qualifier is
            // "amazon-2023 (Amazon Linux)" where Seawall's is "amazon-2023" (docs/accuracy.md): the reader gives 2023 for both.
            SbomAssert.ReadsAsScanned(read, scanned, onlyInSbom: ["gpg-pubkey"], samePurls: false);
        }
    }

    [Fact]
    public async Task LockfileProject_TrivyDocuments_ReadAsSeawallScansTheDirectory()
    {
        Trivy();
        using var dir = new TempDir();
        var project = Directory.CreateDirectory(dir.File("project")).FullName;
        SbomFixtures.WriteLangProject(project);
        var scanned = await SbomFixtures.ScanLangProjectAsync();
        foreach (var (path, json) in RunTrivy("fs", project, dir, "lockfiles"))
        {
            var read = await SbomFixtures.ReadAsync(path);
            SbomAssert.KeepsEveryPurl(read, json);
            // Trivy lower-cases Go module paths and drops the "v" in Go purls; the names and versions read back are Seawall's.
            SbomAssert.ReadsAsScanned(read, scanned, onlyInSbom: TrivyLockfileDifferences.OnlyTrivy, onlyInScan: TrivyLockfileDifferences.OnlySeawall, samePurls: false);
        }
    }
}

/// <summary>What Trivy v0.44 and Seawall read differently from the lockfile project (docs/accuracy.md).</summary>
internal static class TrivyLockfileDifferences
{
    /// <summary>Pub and Hex lockfiles: Seawall has no analyzer for them yet; the SBOM reader names their ecosystems.</summary>
    public static readonly string[] OnlyTrivy = ["plug", "plug_crypto", "shelf", "shelf_web_socket"];

    /// <summary>Go's standard library from go.mod's go line, and a Composer packages-dev entry (Seawall lists it, marked dev).</summary>
    public static readonly string[] OnlySeawall = ["stdlib", "theseer/tokenizer"];
}
