using System.Text.Json;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Inventory;
using Seawall.Inventory.Languages.DotNet;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>project.assets.json and packages.config.</summary>
public sealed class DotNetProjectFilesTests
{
    [Fact]
    public void Parse_ScalibrProjectAssetsJson_GivesExpectedPackages()
    {
        var cases = DotNetTestData.ScalibrCases("projectassetsjson/projectassetsjson_test.go");
        foreach (var (name, path, expected) in cases)
        {
            if (expected is null)
            {
                Assert.Throws<InvalidDataException>(() => ProjectAssetsFile.Parse(File.ReadAllBytes(path), []));
                continue;
            }
            var packages = ProjectAssetsFile.Parse(File.ReadAllBytes(path), []);
            Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(packages.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal)), name);
            // Declared in project.frameworks: SourceLink, NETStandard.Library (implicit), Diagnostics.Process, Threading.Thread.
            Assert.Equal(["Microsoft.SourceLink.GitHub", "NETStandard.Library", "System.Diagnostics.Process", "System.Threading.Thread"],
                packages.Where(p => p.Direct == true).Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Contains("Microsoft.SourceLink.Common@1.0.0-beta2-19351-01", packages.Single(p => p.Name == "Microsoft.SourceLink.GitHub").DependsOn);
        }
        Assert.Equal(2, cases.Count);
    }

    /// <summary>This test project's own restore output: a real, current project.assets.json.</summary>
    [Fact]
    public void Parse_OwnProjectAssetsJson_ReportsEveryPackageLibraryAndTheDeclaredOnesAsDirect()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "../../../obj/project.assets.json");
        Assert.SkipUnless(File.Exists(path), "obj/project.assets.json is not beside the test build");
        var packages = ProjectAssetsFile.Parse(File.ReadAllBytes(path), []);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var expected = doc.RootElement.GetProperty("libraries").EnumerateObject().Where(l => l.Value.GetProperty("type").GetString() == "package").Select(l => l.Name.Replace('/', '@')).Order(StringComparer.Ordinal);
        Assert.Equal(expected, packages.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal));
        Assert.True(packages.Single(p => p.Name == "xunit.v3").Direct);
        Assert.False(packages.Single(p => p.Name == "xunit.v3.assert").Direct);
        Assert.Equal(4, packages.Count(p => p.Direct == true));
        Assert.Contains(packages.Single(p => p.Name == "xunit.v3").DependsOn, d => d.StartsWith("xunit.v3.mtp-v2@", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ScalibrPackagesConfig_KeepsDevDependenciesMarkedAndSkipsIncompleteOnes()
    {
        var folder = SharedData.Require(DotNetTestData.ScalibrDotNet + "/packagesconfig/testdata");
        var warnings = new List<string>();
        var valid = PackagesConfigFile.Parse(File.ReadAllBytes(Path.Combine(folder, "valid")), warnings);
        Assert.Equal(["Microsoft.CodeDom.Providers.DotNetCompilerPlatform@1.0.0 False", "Microsoft.Net.Compilers@1.0.0 True"], valid.Select(p => $"{p.Name}@{p.Version} {p.Dev}"));
        Assert.Empty(warnings);
        foreach (var incomplete in new[] { "nopackage", "noversion" })
        {
            warnings.Clear();
            var packages = PackagesConfigFile.Parse(File.ReadAllBytes(Path.Combine(folder, incomplete)), warnings);
            Assert.Equal(["Microsoft.CodeDom.Providers.DotNetCompilerPlatform@1.0.0"], packages.Select(p => $"{p.Name}@{p.Version}"));
            Assert.Equal(["1 <package> element(s) without an id or a version skipped"], warnings);
        }
        var ex = Assert.Throws<InvalidDataException>(() => PackagesConfigFile.Parse(File.ReadAllBytes(Path.Combine(folder, "invalid")), []));
        Assert.Equal("not valid XML (line 1)", ex.Message);
    }

    [Fact]
    public async Task Analyze_ProjectWithAllThreeFiles_OneNuGetResultEachAndWarningsForBrokenOnes()
    {
        var root = Directory.CreateTempSubdirectory("seawall-dotnet-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "legacy"));
            Directory.CreateDirectory(Path.Combine(root, "modern/obj"));
            File.WriteAllText(Path.Combine(root, "legacy/packages.config"), "<?xml version=\"1.0\"?>\n<packages>\n  <package id=\"log4net\" version=\"2.0.8\" targetFramework=\"net45\" />\n</packages>\n");
            File.WriteAllText(Path.Combine(root, "modern/obj/project.assets.json"), "{ \"version\": 3, \"libraries\": {\n  \"Newtonsoft.Json/12.0.1\": { \"type\": \"package\" }\n");
            File.Copy(DotNetTestData.Repo("oldjson/packages.lock.json"), Path.Combine(root, "modern/packages.lock.json"));
            var analyzers = AnalyzerCatalog.LanguagePackages().Where(a => a is NuGetLockAnalyzer or ProjectAssetsAnalyzer or PackagesConfigAnalyzer).ToList();
            Assert.Equal(3, analyzers.Count);
            Assert.All(analyzers, a => Assert.Equal(PackageSources.Lockfiles, a.Sources));
            var sink = await new AnalyzerHost(analyzers).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);
            Assert.Equal(["legacy/packages.config nuget 1", "modern/packages.lock.json nuget 7"],
                sink.Results.Select(r => $"{r.Target} {r.Type} {r.Packages.Count}").Order(StringComparer.Ordinal));
            Assert.Equal(["modern/obj/project.assets.json: not valid JSON (line 3); skipped"], sink.Warnings);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
