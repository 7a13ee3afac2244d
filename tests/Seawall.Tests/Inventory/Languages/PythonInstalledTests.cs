using Seawall.Tests.Support;
using System.Diagnostics;
using System.Text.Json;
using Seawall.Inventory.Languages.Python;
using static Seawall.Tests.Inventory.Languages.LanguageAnalyzerRun;

namespace Seawall.Tests.Inventory.Languages;

public sealed class PythonInstalledTests
{
    private const string DebianDistPackages = "/usr/lib/python3/dist-packages";
    private const string PyenvVersions = "/root/.pyenv/versions";

    [Fact]
    public async Task DebianDistPackages_MatchPipList()
    {
        Assert.SkipUnless(Directory.Exists(DebianDistPackages), $"{DebianDistPackages} is absent (no Debian python3 packages on this machine)");
        await AssertMatchesPipListAsync(DebianDistPackages);
    }

    [Fact]
    public async Task PyenvSitePackages_MatchPipList()
    {
        Assert.SkipUnless(Directory.Exists(PyenvVersions), $"{PyenvVersions} is absent (no pyenv interpreters on this machine)");
        var sites = Directory.EnumerateDirectories(PyenvVersions)
            .SelectMany(v => Directory.Exists(Path.Combine(v, "lib")) ? Directory.EnumerateDirectories(Path.Combine(v, "lib"), "python*") : [])
            .Select(l => Path.Combine(l, "site-packages"))
            .Where(Directory.Exists)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.SkipWhen(sites.Count == 0, $"no site-packages under {PyenvVersions}");
        foreach (var site in sites)
        {
            await AssertMatchesPipListAsync(site);
        }
    }

    /// <summary>Scans the directory's parent as a root (so paths run through site-packages/ or dist-packages/) and compares with pip.</summary>
    private static async Task AssertMatchesPipListAsync(string site)
    {
        var pip = PipList(site);
        Assert.SkipWhen(pip is null, "pip is not available to list installed distributions");
        var root = Path.GetDirectoryName(site)!;
        var sink = await RunHostAsync(root, new PythonPackagesAnalyzer());
        var result = Assert.Single(sink.Results);
        Assert.Equal(Path.GetFileName(site), result.Target);
        Assert.Equal("python-pkg", result.Type);
        var ours = result.Packages.Select(p => $"{Pep508.Normalize(p.Name)}@{p.Version}").Order(StringComparer.Ordinal).ToList();
        Assert.True(pip!.SequenceEqual(ours), $"{site}: pip list gives [{string.Join(", ", pip!)}], Seawall [{string.Join(", ", ours)}]");
        Assert.Empty(sink.Warnings);
        Assert.All(result.Packages, p =>
        {
            Assert.Equal("PyPI", p.Ecosystem);
            Assert.StartsWith(Path.GetFileName(site) + "/", p.FilePath, StringComparison.Ordinal);
        });
    }

    /// <summary>`python3 -m pip list --path DIR --format json`, as normalised "name@version"; null when pip cannot run.</summary>
    private static List<string>? PipList(string site)
    {
        try
        {
            var start = new ProcessStartInfo("python3", ["-m", "pip", "list", "--path", site, "--format", "json", "--disable-pip-version-check"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                return null;
            }
            using var doc = JsonDocument.Parse(output);
            return [.. doc.RootElement.EnumerateArray()
                .Select(e => $"{Pep508.Normalize(e.GetProperty("name").GetString()!)}@{e.GetProperty("version").GetString()}")
                .Order(StringComparer.Ordinal)];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [Fact]
    public async Task DebianDistPackages_ReadLicencesAndGraph()
    {
        Assert.SkipUnless(Directory.Exists(DebianDistPackages), $"{DebianDistPackages} is absent");
        var sink = await RunHostAsync(Path.GetDirectoryName(DebianDistPackages)!, new PythonPackagesAnalyzer());
        var packages = sink.Results.Single().Packages;
        if (packages.FirstOrDefault(p => p.Name == "cryptography") is { } cryptography)
        {
            // Debian ships cryptography-38.0.4.dist-info and cryptography.egg-info: one package, from the first path.
            Assert.Single(packages, p => p.Name == "cryptography");
            Assert.Equal(["BSD-3-Clause OR Apache-2.0"], cryptography.Licenses);
            Assert.EndsWith(".dist-info/METADATA", cryptography.FilePath, StringComparison.Ordinal);
        }
        Assert.Contains(packages, p => p.DependsOn.Count > 0);
        var keys = packages.Select(p => $"{p.Name}@{p.Version}").ToHashSet(StringComparer.Ordinal);
        // Every edge points at a package of the same directory, by its own name and version.
        Assert.All(packages.SelectMany(p => p.DependsOn), d => Assert.Contains(d, keys));
    }

    [Theory]
    [InlineData("usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", "usr/lib/python3/dist-packages")]
    [InlineData("usr/local/lib/python3.11/site-packages/six-1.16.0.egg-info/PKG-INFO", "usr/local/lib/python3.11/site-packages")]
    [InlineData("usr/lib/python2.7/dist-packages/foo-1.0.egg-info", "usr/lib/python2.7/dist-packages")]
    [InlineData("opt/venv/lib/python3.12/site-packages/foo-1.0-py3.12.egg/EGG-INFO/PKG-INFO", "opt/venv/lib/python3.12/site-packages")]
    [InlineData("site-packages/a-1.dist-info/METADATA", "site-packages")]
    public void SiteDirectory_InstalledMetadata_IsFound(string path, string site) =>
        Assert.Equal(site, PythonPackagesAnalyzer.SiteDirectory(path));

    [Theory]
    [InlineData("usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/RECORD")]
    [InlineData("usr/lib/python3/dist-packages/pip/_vendor/x-1.dist-info/METADATA")]
    [InlineData("src/project.egg-info/PKG-INFO")]
    [InlineData("home/u/my-site-packages/a-1.dist-info/METADATA")]
    [InlineData("usr/lib/python3/dist-packages/a.egg-info/requires.txt")]
    [InlineData("usr/lib/python3/dist-packages/METADATA")]
    public void SiteDirectory_OtherFiles_AreNotMetadata(string path) =>
        Assert.Null(PythonPackagesAnalyzer.SiteDirectory(path));

    [Fact]
    public void Licences_FollowTrivyPrecedence()
    {
        var expression = CoreMetadata.Parse("Name: a\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\nLicense: MIT\n");
        Assert.Equal(["MIT OR Apache-2.0"], expression.Licenses());
        var classifiers = CoreMetadata.Parse("Name: a\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: Apache Software License\n");
        Assert.Equal(["MIT License", "Apache Software License"], classifiers.Licenses());
        var pasted = CoreMetadata.Parse("Name: a\nVersion: 1\nLicense: Copyright (c) 2020\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: BSD License\n");
        Assert.Equal(["BSD License"], pasted.Licenses());
    }

    [Fact]
    public void Condense_KeepsHeadersOnly_AndIsIdempotent()
    {
        var analyzer = new PythonPackagesAnalyzer();
        var full = System.Text.Encoding.UTF8.GetBytes("Metadata-Version: 2.1\r\nName: demo\r\nVersion: 1.0\r\nDescription-Content-Type: text/markdown\r\n\r\n# Demo\n\nLong text\n");
        var once = analyzer.Condense("site-packages/demo-1.0.dist-info/METADATA", full);
        Assert.Equal(once, analyzer.Condense("site-packages/demo-1.0.dist-info/METADATA", once));
        Assert.True(once.Length < full.Length);
        var a = CoreMetadata.Parse(System.Text.Encoding.UTF8.GetString(full));
        var b = CoreMetadata.Parse(System.Text.Encoding.UTF8.GetString(once));
        Assert.Equal(a.Get("Name"), b.Get("Name"));
        Assert.Equal(a.Get("Version"), b.Get("Version"));
        Assert.Equal("text/markdown", b.Get("Description-Content-Type"));
    }

    [Fact]
    public async Task MetadataWithoutVersion_IsAWarningNamingTheFile()
    {
        using var dir = new TempDir();
        dir.Write("lib/site-packages/broken-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: broken\n");
        dir.Write("lib/site-packages/good-2.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: good\nVersion: 2.0\nRequires-Dist: broken\nRequires-Dist: pytest ; extra == 'test'\n");
        var sink = await RunHostAsync(dir.Path, new PythonPackagesAnalyzer());
        var good = Assert.Single(sink.Results.Single().Packages);
        Assert.Equal(("good", "2.0"), (good.Name, good.Version));
        Assert.Empty(good.DependsOn);
        Assert.Contains(sink.Warnings, w => w.StartsWith("lib/site-packages/broken-1.0.dist-info/METADATA:", StringComparison.Ordinal));
    }
}
