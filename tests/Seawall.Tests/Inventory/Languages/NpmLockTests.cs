using Seawall.Core.Model;
using Seawall.Inventory.Languages.Npm;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

public sealed class NpmLockTests
{
    [Theory]
    [InlineData("parse-npm-lock-v1_test.go")]
    [InlineData("parse-npm-lock-v2_test.go")]
    public void Parse_OsvScannerFixtures_GiveExpectedPackages(string goTestFile)
    {
        var checkedCases = 0;
        foreach (var c in OsvLockfileFixtures.Cases(goTestFile))
        {
            checkedCases++;
            if (c.ExpectError == "is:fs.ErrNotExist")
            {
                // The analyzer host only hands over files that exist; a missing lockfile cannot reach the parser.
                Assert.False(File.Exists(c.FullPath), c.Test);
                continue;
            }
            if (c.ExpectError is not null)
            {
                var ex = Assert.Throws<NpmLockfileException>(() => NpmLockParser.Parse(File.ReadAllBytes(c.FullPath), null));
                Assert.Contains("not valid JSON (line 1)", ex.Message, StringComparison.Ordinal);
                continue;
            }
            var actual = NpmLockParser.Parse(File.ReadAllBytes(c.FullPath), null);
            var expected = c.Packages.AsEnumerable();
            if (c.Test == "TestParseNpmLock_v2_OptionalPackage")
            {
                // Deliberate: "devOptional" marks a package that production installs as an optional dependency (npm docs,
                // package-lock.json "devOptional"), so it is optional, not dev. osv-scanner puts it in both groups.
                expected = NpmFixtureAssert.WithGroups(expected, "supports-color", "5.5.0", "optional");
            }
            NpmFixtureAssert.Same(c, actual, expected);
        }
        Assert.True(checkedCases >= 13, $"only {checkedCases} cases in {goTestFile}");
    }

    [Fact]
    public void Parse_V1NestedDependenciesDup_KeepsEveryDistinctVersion()
    {
        // osv-scanner checks this fixture by count only (39 packages) plus a few members: not transcribed as a list.
        var path = Path.Combine(SharedData.Require(OsvLockfileFixtures.Folder), "fixtures/npm/nested-dependencies-dup.v1.json");
        var actual = NpmLockParser.Parse(File.ReadAllBytes(path), null);
        Assert.Equal(39, actual.Count);
        Assert.Contains(actual, p => p.Name == "supports-color" && p.Version == "6.1.0");
        Assert.Contains(actual, p => p.Name == "supports-color" && p.Version == "5.5.0");
        Assert.Contains(actual, p => p.Name == "supports-color" && p.Version == "2.0.0");
    }

    [Fact]
    public void Parse_V3WithRootAndWorkspaceLink_MarksDirectDevOptionalAndResolvesDependsOn()
    {
        const string Lock = """
        {
          "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
          "packages": {
            "": { "name": "app", "version": "1.0.0", "workspaces": ["packages/*"],
                  "dependencies": { "express": "^4.16.0", "lib-a": "*" },
                  "devDependencies": { "jest": "^29.0.0" },
                  "optionalDependencies": { "fsevents": "^2.3.0" } },
            "node_modules/express": { "version": "4.16.0", "license": "MIT",
                  "dependencies": { "debug": "2.6.9", "@types/x": "1.0.0" } },
            "node_modules/debug": { "version": "4.3.4" },
            "node_modules/express/node_modules/debug": { "version": "2.6.9", "dependencies": { "ms": "2.0.0" } },
            "node_modules/ms": { "version": "2.0.0" },
            "node_modules/@types/x": { "version": "1.0.0" },
            "node_modules/jest": { "version": "29.7.0", "dev": true, "dependencies": { "debug": "^4" } },
            "node_modules/fsevents": { "version": "2.3.3", "optional": true },
            "node_modules/lib-a": { "resolved": "packages/lib-a", "link": true },
            "packages/lib-a": { "name": "lib-a", "version": "0.1.0", "dependencies": { "ms": "2.0.0" } },
            "node_modules/old": { "name": "left-pad", "version": "1.3.0" }
          }
        }
        """;
        var packages = NpmLockParser.Parse(System.Text.Encoding.UTF8.GetBytes(Lock), null).ToDictionary(p => $"{p.Name}@{p.Version}");
        Assert.Equal(["@types/x@1.0.0", "debug@2.6.9", "debug@4.3.4", "express@4.16.0", "fsevents@2.3.3", "jest@29.7.0", "left-pad@1.3.0", "lib-a@0.1.0", "ms@2.0.0"],
            packages.Keys.Order(StringComparer.Ordinal));
        Assert.True(packages["express@4.16.0"].Direct);
        Assert.True(packages["jest@29.7.0"].Direct);
        Assert.True(packages["jest@29.7.0"].Dev);
        Assert.True(packages["fsevents@2.3.3"].Optional);
        Assert.True(packages["lib-a@0.1.0"].Direct);
        Assert.True(packages["ms@2.0.0"].Direct, "ms is a direct dependency of the lib-a workspace");
        Assert.False(packages["debug@2.6.9"].Direct);
        Assert.Equal(["MIT"], packages["express@4.16.0"].Licenses);
        // Node's lookup: express finds its own nested debug 2.6.9, jest the hoisted 4.3.4.
        Assert.Equal(["@types/x@1.0.0", "debug@2.6.9"], packages["express@4.16.0"].DependsOn);
        Assert.Equal(["debug@4.3.4"], packages["jest@29.7.0"].DependsOn);
        Assert.Equal(["ms@2.0.0"], packages["debug@2.6.9"].DependsOn);
        Assert.Equal(["ms@2.0.0"], packages["lib-a@0.1.0"].DependsOn);
        Assert.All(packages.Values, p => Assert.Equal("npm", p.Ecosystem));
    }

    [Fact]
    public void Parse_V1WithManifest_DirectFromPackageJsonAndRequiresResolvedByScope()
    {
        const string Lock = """
        { "lockfileVersion": 1, "requires": true, "dependencies": {
            "a": { "version": "1.0.0", "requires": { "b": "^2.0.0" },
                   "dependencies": { "b": { "version": "2.0.0" } } },
            "b": { "version": "1.0.0", "dev": true },
            "c": { "version": "3.0.0", "requires": { "b": "^1.0.0" } } } }
        """;
        var manifest = PackageManifest.Parse(System.Text.Encoding.UTF8.GetBytes("""{"dependencies":{"a":"^1","c":"^3"},"devDependencies":{"b":"^1"}}"""));
        var packages = NpmLockParser.Parse(System.Text.Encoding.UTF8.GetBytes(Lock), manifest).ToDictionary(p => $"{p.Name}@{p.Version}");
        Assert.Equal(["b@2.0.0"], packages["a@1.0.0"].DependsOn);
        Assert.Equal(["b@1.0.0"], packages["c@3.0.0"].DependsOn);
        Assert.True(packages["a@1.0.0"].Direct);
        Assert.True(packages["b@1.0.0"].Direct);
        Assert.False(packages["b@2.0.0"].Direct);
        Assert.Null(NpmLockParser.Parse(System.Text.Encoding.UTF8.GetBytes(Lock), null)[0].Direct);
    }

    [Fact]
    public async Task Analyze_FsScanOfProject_ReportsLockfileResultAndWarnsOnBrokenOne()
    {
        var dir = Directory.CreateTempSubdirectory("seawall-npm-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "app"));
            Directory.CreateDirectory(Path.Combine(dir.FullName, "broken"));
            Directory.CreateDirectory(Path.Combine(dir.FullName, "app/node_modules/dep"));
            var fixtures = Path.Combine(SharedData.Require(OsvLockfileFixtures.Folder), "fixtures/npm");
            File.Copy(Path.Combine(fixtures, "two-packages.v1.json"), Path.Combine(dir.FullName, "app/package-lock.json"));
            File.WriteAllText(Path.Combine(dir.FullName, "app/package.json"), """{"dependencies":{"wrappy":"^1"}}""");
            File.WriteAllText(Path.Combine(dir.FullName, "broken/npm-shrinkwrap.json"), "{\n  \"lockfileVersion\": 2,\n  oops\n}");
            // A lockfile a package ships inside node_modules is not the project's.
            File.Copy(Path.Combine(fixtures, "one-package.v2.json"), Path.Combine(dir.FullName, "app/node_modules/dep/package-lock.json"));

            var tree = Seawall.Core.FileTree.DirectoryFileTree.Walk(dir.FullName);
            var sink = await new Seawall.Core.Analysis.AnalyzerHost([new NpmLockAnalyzer()]).RunAsync(tree, TestContext.Current.CancellationToken);

            var result = Assert.Single(sink.Results);
            Assert.Equal("app/package-lock.json", result.Target);
            Assert.Equal("npm", result.Type);
            Assert.Equal(ResultClass.LangPackages, result.Class);
            Assert.Equal(["supports-color@5.5.0", "wrappy@1.0.2"], result.Packages.Select(p => $"{p.Name}@{p.Version}"));
            Assert.All(result.Packages, p => Assert.Equal("app/package-lock.json", p.FilePath));
            Assert.True(result.Packages.Single(p => p.Name == "wrappy").Direct);
            Assert.False(result.Packages.Single(p => p.Name == "supports-color").Direct);
            var warning = Assert.Single(sink.Warnings);
            Assert.StartsWith("broken/npm-shrinkwrap.json: not valid JSON (line 3)", warning, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
