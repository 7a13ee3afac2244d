using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Inventory.Languages.DotNet;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

public sealed class DotNetNuGetLockTests
{
    [Theory]
    [InlineData("parse-nuget-lock_test.go", 1)]
    [InlineData("parse-nuget-lock-v1_test.go", 8)]
    public void Parse_OsvScannerNuGetFixtures_GiveExpectedPackages(string goTestFile, int count)
    {
        var cases = OsvLockfileFixtures.Cases(goTestFile);
        foreach (var c in cases)
        {
            if (c.ExpectError == "is:fs.ErrNotExist")
            {
                Assert.False(File.Exists(c.FullPath), c.Test);
                continue;
            }
            if (c.ExpectError is not null)
            {
                var ex = Assert.Throws<InvalidDataException>(() => NuGetLockFile.Parse(File.ReadAllBytes(c.FullPath)));
                var expected = c.ExpectError.StartsWith("containing:unsupported", StringComparison.Ordinal) ? "unsupported lock file version 0" : "not valid JSON (line 1)";
                Assert.Equal(expected, ex.Message);
                continue;
            }
            var packages = NuGetLockFile.Parse(File.ReadAllBytes(c.FullPath));
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
            Assert.All(packages, p => Assert.Equal("NuGet", p.Ecosystem));
        }
        Assert.Equal(count, cases.Count);
    }

    [Fact]
    public void Parse_ScalibrPackagesLockJson_GivesExpectedPackagesAndGraph()
    {
        var cases = DotNetTestData.ScalibrCases("packageslockjson/packageslockjson_test.go");
        foreach (var (name, path, expected) in cases)
        {
            if (expected is null)
            {
                Assert.Throws<InvalidDataException>(() => NuGetLockFile.Parse(File.ReadAllBytes(path)));
                continue;
            }
            var packages = NuGetLockFile.Parse(File.ReadAllBytes(path));
            Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(packages.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal)), name);
            Assert.Equal(["Core.Dep"], packages.Where(p => p.Direct == true).Select(p => p.Name));
            // Some.Dep.Three asks for Some.Dep.Five 4.6.0; the lock resolved 4.7.2, and the edge names what was resolved.
            Assert.Equal(["Some.Dep.Five@4.7.2", "Some.Longer.Name.Dep@4.7.2"], packages.Single(p => p.Name == "Some.Dep.Three").DependsOn);
        }
        Assert.Equal(2, cases.Count);
    }

    [Fact]
    public async Task Analyze_RealLockOfTwoFrameworks_MergesThemWithDirectAndEdges()
    {
        var root = Directory.CreateTempSubdirectory("seawall-nuget-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "src/app"));
            File.Copy(DotNetTestData.Repo("oldjson/packages.lock.json"), Path.Combine(root, "src/app/packages.lock.json"));
            var sink = await new AnalyzerHost([new NuGetLockAnalyzer()]).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);
            var result = Assert.Single(sink.Results);
            Assert.Equal(("src/app/packages.lock.json", "nuget"), (result.Target, result.Type));
            Assert.Equal(
                [
                    "Microsoft.Extensions.DependencyInjection@6.0.0 False", "Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0 False",
                    "Microsoft.Extensions.Logging@6.0.0 True", "Microsoft.Extensions.Logging.Abstractions@6.0.0 False",
                    "Microsoft.Extensions.Options@6.0.0 False", "Microsoft.Extensions.Primitives@6.0.0 False", "Newtonsoft.Json@12.0.1 True",
                ],
                result.Packages.Select(p => $"{p.Name}@{p.Version} {p.Direct}"));
            Assert.Equal(
                ["Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0", "Microsoft.Extensions.Primitives@6.0.0"],
                result.Packages.Single(p => p.Name == "Microsoft.Extensions.Options").DependsOn);
            Assert.All(result.Packages, p => Assert.Equal("src/app/packages.lock.json", p.FilePath));
            Assert.Empty(sink.Warnings);
            Assert.Equal(PackageSources.Lockfiles, ((IAnalyzer)new NuGetLockAnalyzer()).Sources);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Parse_ProjectReferenceAndCaseInsensitiveDependency_SkipsTheProjectAndResolvesTheEdge()
    {
        var json = """
            { "version": 2, "dependencies": { "net8.0": {
              "serilog": { "type": "CentralTransitive", "requested": "[3.0.0, )", "resolved": "3.1.1" },
              "Lib": { "type": "Project", "dependencies": { "Serilog": "[3.0.0, )" } },
              "App.Core": { "type": "Direct", "requested": "[1.0.0, )", "resolved": "1.0.0", "dependencies": { "Serilog": "3.0.0", "Gone": "1.0.0" } }
            } } }
            """u8.ToArray();
        var packages = NuGetLockFile.Parse(json);
        Assert.Equal(["App.Core@1.0.0", "serilog@3.1.1"], packages.Select(p => $"{p.Name}@{p.Version}"));
        Assert.Equal(["Gone", "serilog@3.1.1"], packages[0].DependsOn);
        Assert.False(packages[1].Direct);
    }
}
