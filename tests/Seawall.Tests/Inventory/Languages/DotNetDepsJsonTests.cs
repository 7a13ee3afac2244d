using System.Text.Json;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Inventory.Languages.DotNet;

namespace Seawall.Tests.Inventory.Languages;

public sealed class DotNetDepsJsonTests
{
    [Fact]
    public void Parse_ScalibrDepsJsonCases_GiveExpectedPackages()
    {
        var cases = DotNetTestData.ScalibrCases("depsjson/depsjson_test.go");
        foreach (var (name, path, expected) in cases)
        {
            var warnings = new List<string>();
            if (expected is null)
            {
                // "not json" and "{}" (no libraries): scalibr errors on both.
                Assert.Throws<InvalidDataException>(() => DepsJsonFile.Parse(File.ReadAllBytes(path), warnings));
                continue;
            }
            var packages = DepsJsonFile.Parse(File.ReadAllBytes(path), warnings);
            Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(packages.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal)),
                $"{name}: got [{string.Join(", ", packages.Select(p => $"{p.Name}@{p.Version}"))}]");
            // The root project TestLibrary depends on Microsoft.Extensions.DependencyInjection, not on AWSSDK.Core.
            Assert.Equal((bool?)null, packages.Single(p => p.Name == "TestLibrary").Direct);
            Assert.False(packages.Single(p => p.Name == "AWSSDK.Core").Direct);
            Assert.Equal(path.EndsWith("nopackagename", StringComparison.Ordinal) ? ["libraries without a \"/version\" skipped: Microsoft.Extensions.DependencyInjection"] : [], warnings);
        }
        Assert.Equal(4, cases.Count);
    }

    [Fact]
    public async Task Analyze_PublishedAppWithOldNewtonsoft_ReportsPackagesProjectAndGraph()
    {
        var root = Directory.CreateTempSubdirectory("seawall-deps-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "app"));
            File.Copy(DotNetTestData.Repo("oldjson/oldjson.deps.json"), Path.Combine(root, "app/oldjson.deps.json"));
            var sink = await new AnalyzerHost([new DepsJsonAnalyzer()]).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);
            var result = Assert.Single(sink.Results);
            Assert.Equal(("app/oldjson.deps.json", "dotnet-core"), (result.Target, result.Type));
            Assert.Equal(
                [
                    "Microsoft.Extensions.DependencyInjection@6.0.0 False", "Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0 False",
                    "Microsoft.Extensions.Logging@6.0.0 True", "Microsoft.Extensions.Logging.Abstractions@6.0.0 False",
                    "Microsoft.Extensions.Options@6.0.0 False", "Microsoft.Extensions.Primitives@6.0.0 False", "Newtonsoft.Json@12.0.1 True",
                    "oldjson@1.0.0 ",
                ],
                result.Packages.Select(p => $"{p.Name}@{p.Version} {p.Direct}"));
            Assert.Equal(["Microsoft.Extensions.Logging@6.0.0", "Newtonsoft.Json@12.0.1"], result.Packages.Single(p => p.Name == "oldjson").DependsOn);
            Assert.All(result.Packages, p => Assert.Equal("NuGet", p.Ecosystem));
            Assert.Equal(PackageSources.All, ((IAnalyzer)new DepsJsonAnalyzer()).Sources);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The .NET SDK's own deps.json files and this test assembly's: real, large, with projects, packages and runtime packs.</summary>
    [Fact]
    public void Parse_RealSdkAndTestHostDepsJson_ReportsEveryRuntimeLibrary()
    {
        var sdk = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(sdk, "../../.."));
        var files = Directory.Exists(Path.Combine(dotnetRoot, "sdk"))
            ? Directory.EnumerateFiles(Path.Combine(dotnetRoot, "sdk"), "*.deps.json", SearchOption.AllDirectories).ToList()
            : [];
        files.AddRange(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.deps.json"));
        var checkedLibraries = 0;
        foreach (var file in files)
        {
            var packages = DepsJsonFile.Parse(File.ReadAllBytes(file), []);
            var got = packages.Select(p => $"{p.Name}/{p.Version}").ToHashSet(StringComparer.Ordinal);
            // Independently: each package or project library whose runtime-target entry is absent or carries runtime assets.
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var target = doc.RootElement.GetProperty("targets").GetProperty(doc.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString()!);
            foreach (var library in doc.RootElement.GetProperty("libraries").EnumerateObject())
            {
                var type = library.Value.GetProperty("type").GetString();
                if (type is not ("package" or "project"))
                {
                    continue;
                }
                var runtime = !target.TryGetProperty(library.Name, out var assets)
                    || assets.TryGetProperty("runtime", out _) || assets.TryGetProperty("runtimeTargets", out _) || assets.TryGetProperty("native", out _);
                Assert.True(runtime == got.Contains(library.Name), $"{file}: {library.Name} runtime={runtime}");
                checkedLibraries++;
            }
        }
        Assert.True(files.Count >= 2 && checkedLibraries >= 50, $"{files.Count} files, {checkedLibraries} libraries");
        var own = DepsJsonFile.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Seawall.Tests.deps.json")), []);
        Assert.Contains(own, p => p.Name == "Seawall.Inventory" && p.Direct is null);
        Assert.Contains(own, p => p.Name == "JsonSchema.Net" && p.Direct == true);
    }

    [Fact]
    public void Parse_SelfContainedAppWithCompileOnlyPackage_KeepsTheRuntimePackAndDropsTheAnalyzer()
    {
        var json = """
            {
              "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0/linux-x64" },
              "targets": { ".NETCoreApp,Version=v8.0/linux-x64": {
                "app/1.0.0": { "dependencies": { "Some.Analyzers": "1.0.0", "Lib": "2.0.0", "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64": "8.0.1" }, "runtime": { "app.dll": {} } },
                "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1": { "runtime": { "System.Private.CoreLib.dll": {} }, "native": { "libclrjit.so": {} } },
                "Some.Analyzers/1.0.0": {},
                "Lib/2.0.0": { "runtime": { "lib/net8.0/Lib.dll": {} } }
              } },
              "libraries": {
                "app/1.0.0": { "type": "project" },
                "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1": { "type": "runtimepack" },
                "Some.Analyzers/1.0.0": { "type": "package" },
                "Lib/2.0.0": { "type": "package" },
                "Ref/1.0.0": { "type": "referenceassembly" }
              }
            }
            """u8.ToArray();
        var packages = DepsJsonFile.Parse(json, []);
        Assert.Equal(["Lib@2.0.0 True", "Microsoft.NETCore.App.Runtime.linux-x64@8.0.1 True", "app@1.0.0 "], packages.Select(p => $"{p.Name}@{p.Version} {p.Direct}"));
        Assert.Equal(["Lib@2.0.0", "Microsoft.NETCore.App.Runtime.linux-x64@8.0.1"], packages[2].DependsOn);
    }
}
