using System.Text;
using System.Text.Json;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.Inventory.Languages.Npm;

namespace Seawall.Tests.Inventory.Languages;

public sealed class NodeModulesTests
{
    private static async Task<ScanResult?> ScanAsync(string root) => (await RunAsync(root)).Results.SingleOrDefault();

    private static Task<AnalysisSink> RunAsync(string root) =>
        new AnalyzerHost([new NodeModulesAnalyzer()]).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Analyze_ProjectTree_OnePackagePerManifestAndAppItselfLeftOut()
    {
        var dir = Directory.CreateTempSubdirectory("seawall-node-");
        try
        {
            void Write(string relative, string json)
            {
                var path = Path.Combine(dir.FullName, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, json);
            }
            Write("app/package.json", """{"name":"myapp","version":"1.0.0","dependencies":{"lodash":"^4"}}""");
            Write("app/node_modules/lodash/package.json", """{"name":"lodash","version":"4.17.11","license":"MIT","dependencies":{"deep":"*","@sc/x":"*"}}""");
            Write("app/node_modules/lodash/node_modules/deep/package.json", """{"name":"deep","version":"0.1.0","license":{"type":"ISC"}}""");
            Write("app/node_modules/@sc/x/package.json", """{"name":"@sc/x","version":"1.2.3","licenses":[{"type":"BSD-3-Clause"},{"type":"MIT"}]}""");
            Write("app/node_modules/noversion/package.json", """{"name":"noversion"}""");
            Write("app/node_modules/broken/package.json", "{\"name\": \"broken\",\n oops");
            Write("opt/yarn-v1.22.19/package.json", """{"name":"yarn","version":"1.22.19","license":"BSD-2-Clause"}""");

            var sink = await RunAsync(dir.FullName);
            var result = Assert.Single(sink.Results);

            Assert.Equal(["app/node_modules/broken/package.json: not valid JSON (line 2); skipped"], sink.Warnings);
            Assert.Equal(("Node.js", "node-pkg", ResultClass.LangPackages), (result.Target, result.Type, result.Class));
            Assert.Equal(["@sc/x@1.2.3", "deep@0.1.0", "lodash@4.17.11", "yarn@1.22.19"], result.Packages.Select(p => $"{p.Name}@{p.Version}"));
            var lodash = result.Packages.Single(p => p.Name == "lodash");
            Assert.Equal("app/node_modules/lodash/package.json", lodash.FilePath);
            Assert.Equal(["MIT"], lodash.Licenses);
            Assert.Equal(["@sc/x@1.2.3", "deep@0.1.0"], lodash.DependsOn);
            Assert.Equal(["ISC"], result.Packages.Single(p => p.Name == "deep").Licenses);
            Assert.Equal(["BSD-3-Clause", "MIT"], result.Packages.Single(p => p.Name == "@sc/x").Licenses);
            Assert.All(result.Packages, p => Assert.Equal("npm", p.Ecosystem));
            Assert.All(result.Packages, p => Assert.Null(p.Direct));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Condense_KeepsOnlyReadFieldsAndIsIdempotent()
    {
        var original = Encoding.UTF8.GetBytes("""
            {"name":"a","version":"1.0.0","description":"long text","scripts":{"test":"x"},"license":"MIT",
             "dependencies":{"b":"^1"},"readme":"# big readme ...............................................","workspaces":["p/*"]}
            """);
        var analyzer = new NodeModulesAnalyzer();
        var condensed = analyzer.Condense("node_modules/a/package.json", original);
        Assert.True(condensed.Length < original.Length);
        Assert.Equal(condensed, analyzer.Condense("node_modules/a/package.json", condensed));
        Assert.Equal(PackageManifest.Parse(original), PackageManifest.Parse(condensed), ManifestComparer.Instance);
        Assert.Equal(Encoding.UTF8.GetBytes("{oops"), analyzer.Condense("x/package.json", Encoding.UTF8.GetBytes("{oops")));
    }

    /// <summary>
    /// Real installed trees on this machine: npm's global folder (Node's own npm and corepack), Debian's node packages,
    /// or a tree named by SEAWALL_NODE_MODULES. npm's own records are the oracle: its bundleDependencies, and the hidden
    /// lockfile node_modules/.package-lock.json npm writes for every install.
    /// </summary>
    [Fact]
    public async Task Analyze_RealInstalledTrees_MatchNpmsOwnRecords()
    {
        var roots = new[] { Environment.GetEnvironmentVariable("SEAWALL_NODE_MODULES"), "/usr/lib/node_modules", "/usr/share/nodejs" }
            .Where(r => !string.IsNullOrEmpty(r) && Directory.Exists(r)).Select(r => r!).ToList();
        Assert.SkipWhen(roots.Count == 0, "no installed node_modules tree here (set SEAWALL_NODE_MODULES, or install node/npm)");
        var checkedPackages = 0;
        foreach (var root in roots)
        {
            var result = await ScanAsync(root);
            Assert.NotNull(result);
            var byPath = result.Packages.ToDictionary(p => p.FilePath!);

            // Every package.json with a name and version is one package (independent count over the disk).
            var manifests = Directory.EnumerateFiles(root, "package.json", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                .Where(rel => HasNameAndVersion(Path.Combine(root, rel)) && !IsProjectRoot(root, rel))
                .ToList();
            Assert.Equal(manifests.Order(StringComparer.Ordinal), byPath.Keys.Order(StringComparer.Ordinal));

            var npm = Path.Combine(root, "npm/package.json");
            if (File.Exists(npm))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(npm));
                foreach (var bundled in doc.RootElement.GetProperty("bundleDependencies").EnumerateArray().Select(b => b.GetString()!))
                {
                    Assert.True(byPath.TryGetValue($"npm/node_modules/{bundled}/package.json", out var package), $"npm bundles {bundled}");
                    Assert.Equal(bundled, package.Name);
                    checkedPackages++;
                }
            }
            foreach (var hidden in Directory.EnumerateFiles(root, ".package-lock.json", new EnumerationOptions { RecurseSubdirectories = true }))
            {
                var project = Path.GetRelativePath(root, Path.GetDirectoryName(Path.GetDirectoryName(hidden))!).Replace('\\', '/');
                using var doc = JsonDocument.Parse(File.ReadAllText(hidden));
                foreach (var entry in doc.RootElement.GetProperty("packages").EnumerateObject())
                {
                    if (entry.Value.TryGetProperty("link", out _) || !entry.Value.TryGetProperty("version", out var version))
                    {
                        continue;
                    }
                    var path = (project == "." ? string.Empty : project + "/") + entry.Name + "/package.json";
                    Assert.True(byPath.TryGetValue(path, out var package), $"npm recorded {entry.Name} in {hidden}");
                    Assert.Equal(version.GetString(), package.Version);
                    checkedPackages++;
                }
            }
        }
        Assert.True(checkedPackages > 0, "no npm record (bundleDependencies, .package-lock.json) to check against");
    }

    private static bool HasNameAndVersion(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString()!.Length > 0
                && doc.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsProjectRoot(string root, string relative) =>
        !relative.Contains("node_modules/", StringComparison.Ordinal) && Directory.Exists(Path.Combine(root, Path.GetDirectoryName(relative) ?? string.Empty, "node_modules"));

    private sealed class ManifestComparer : IEqualityComparer<PackageManifest?>
    {
        public static readonly ManifestComparer Instance = new();

        public bool Equals(PackageManifest? x, PackageManifest? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Version == y.Version && x.Licenses.SequenceEqual(y.Licenses)
            && x.Dependencies.OrderBy(k => k.Key).SequenceEqual(y.Dependencies.OrderBy(k => k.Key)) && x.Workspaces.SequenceEqual(y.Workspaces);

        public int GetHashCode(PackageManifest? obj) => 0;
    }
}
