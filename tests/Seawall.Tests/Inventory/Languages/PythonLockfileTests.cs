using Seawall.Core.Model;
using Seawall.Inventory.Languages.Python;
using Seawall.Tests.Support;
using static Seawall.Tests.Inventory.Languages.LanguageAnalyzerRun;

namespace Seawall.Tests.Inventory.Languages;

public sealed class PythonLockfileTests
{
    /// <summary>
    /// Where Seawall deliberately reads a requirements file differently from osv-scanner, per expected package
    /// (fixture, normalised name, osv version) with the reason. Everything else must match exactly.
    /// </summary>
    private static readonly Dictionary<(string Fixture, string Name, string Version), string> RequirementsDifferences = new()
    {
        [("pip/file-format-example.txt", "keyring", "4.1.1")] = "'keyring >= 4.1.1' is a range, not a pin; Trivy reports == pins only",
        [("pip/file-format-example.txt", "mopidy-dirble", "1.1")] = "'Mopidy-Dirble ~= 1.1' is a range, not a pin",
        [("pip/with-per-requirement-options.txt", "barproject", "1.2")] = "'BarProject >= 1.2' is a range, not a pin",
    };

    /// <summary>Where pip itself reads a line differently from osv-scanner: Seawall follows pip.</summary>
    private static readonly Dictionary<(string Fixture, string Name, string Version), string> PipReadsInstead = new()
    {
        // "bar == 4.5\\" then ".6": pip's join_lines treats any line ending in a backslash as continued and strips the
        // backslashes, so pip installs bar 4.5.6; osv-scanner keeps "4.5\\", which is not a PEP 440 version.
        [("pip/line-continuation.txt", "bar", "4.5\\\\")] = "4.5.6",
    };

    [Fact]
    public async Task Requirements_EveryOsvCase_GivesExpectedPins()
    {
        var checkedCases = 0;
        foreach (var c in OsvLockfileFixtures.Cases("parse-requirements-txt_test.go"))
        {
            if (c.ExpectError == "is:fs.ErrNotExist" && !File.Exists(c.FullPath))
            {
                // The host only hands existing files to analyzers: nothing to read, nothing reported.
                continue;
            }
            var root = Path.GetDirectoryName(Path.GetDirectoryName(c.FullPath))!;
            var sink = await RunAsync(new RequirementsAnalyzer(), root, c.Fixture);
            var actual = Packages(sink);
            Assert.All(actual, p => Assert.Equal("PyPI", p.Ecosystem));
            if (c.Fixture == "pip/with-bad-r-option.txt")
            {
                // osv-scanner fails the whole file on a missing include; Seawall keeps what the file pins and warns.
                Assert.Equal(["requests@1.2.3"], actual.Select(p => $"{p.Name}@{p.Version}"));
                Assert.Contains(sink.Warnings, w => w.StartsWith("pip/with-bad-r-option.txt:3:", StringComparison.Ordinal) && w.Contains("does-not-exist.txt", StringComparison.Ordinal));
                checkedCases++;
                continue;
            }
            Assert.Null(c.ExpectError);
            var expected = c.Packages
                // osv-scanner reports a requirement without a version as 0.0.0; Trivy and Seawall report pins only.
                .Where(p => p.Version != "0.0.0" && !RequirementsDifferences.ContainsKey((c.Fixture, p.Name, p.Version)))
                .Select(p => PipReadsInstead.TryGetValue((c.Fixture, p.Name, p.Version), out var v) ? p with { Version = v } : p)
                .ToList();
            // osv-scanner writes PEP 503 normalised names; Seawall keeps the name as written (the purl normalises it).
            OsvLockfileFixtures.AssertSamePackages(c with { Packages = expected }, actual.Select(p => (Pep508.Normalize(p.Name), p.Version)));
            Assert.Empty(sink.Warnings);
            checkedCases++;
        }
        Assert.Equal(16, checkedCases);
    }

    [Fact]
    public async Task Requirements_Includes_NameTheFileEachPinCameFrom()
    {
        var root = SharedData.Require("osv-lockfile-fixtures/fixtures");
        var sink = await RunAsync(new RequirementsAnalyzer(), root, "pip/with-multiple-r-options.txt");
        var result = Assert.Single(sink.Results);
        Assert.Equal("pip/with-multiple-r-options.txt", result.Target);
        Assert.Equal("pip", result.Type);
        Assert.Equal(ResultClass.LangPackages, result.Class);
        var byKey = result.Packages.ToDictionary(p => $"{p.Name}@{p.Version}", p => p.FilePath);
        Assert.Equal("pip/one-package-constrained.txt", byKey["django@2.2.24"]);
        Assert.Equal("pip/multiple-packages-mixed.txt", byKey["numpy@1.16.0"]);
        Assert.Equal("pip/with-multiple-r-options.txt", byKey["requests@1.2.3"]);
        // pandas==0.23.4 is pinned in both files: one package, from the first file that pins it.
        Assert.Equal("pip/multiple-packages-mixed.txt", byKey["pandas@0.23.4"]);
    }

    [Fact]
    public async Task Requirements_CyclicIncludes_EndAndReadEachFileOnce()
    {
        var root = SharedData.Require("osv-lockfile-fixtures/fixtures");
        var sink = await RunAsync(new RequirementsAnalyzer(), root, "pip/cyclic-r-complex-1.txt");
        Assert.Equal(["cyclic-r-complex@1", "cyclic-r-complex@2", "cyclic-r-complex@3"],
            Packages(sink).Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Django==4.2.1", "Django", "4.2.1")]
    [InlineData("requests[security,socks] == 2.31.0 ; python_version >= \"3.7\"", "requests", "2.31.0")]
    [InlineData("zope.interface===5.4.0+local.1", "zope.interface", "5.4.0+local.1")]
    [InlineData("name (==1.0)", "name", "1.0")]
    [InlineData("pkg==1.0.0rc1", "pkg", "1.0.0rc1")]
    [InlineData("pkg==2!1.0.post2.dev3", "pkg", "2!1.0.post2.dev3")]
    [InlineData("pkg>=1.0,==1.5", "pkg", "1.5")]
    public void Pinned_PinnedSpecifiers_GiveNameAndVersion(string line, string name, string version) =>
        Assert.Equal((name, version), Pep508.Pinned(line));

    [Theory]
    [InlineData("flask")]
    [InlineData("flask>=1.0")]
    [InlineData("flask~=1.0")]
    [InlineData("flask==1.*")]
    [InlineData("flask != 1.0")]
    [InlineData("flask @ https://example.invalid/flask-1.0.tar.gz")]
    [InlineData("./downloads/numpy-1.9.2-cp34-none-win32.whl")]
    [InlineData("http://wxpython.org/Phoenix/snapshot-builds/wxPython_Phoenix-3.0.3.dev1820+49a8884-cp34-none-win_amd64.whl")]
    [InlineData("flask==not a version")]
    [InlineData("flask==")]
    public void Pinned_RangesUrlsAndNoise_AreNotPins(string line) => Assert.Null(Pep508.Pinned(line));

    [Fact]
    public void LogicalLines_FollowPipJoinAndCommentRules()
    {
        var text = "a==1 \\\n  --hash=sha256:x\n# c \\\nb==2 # trailing\nurl#frag==3\n\\\n";
        var lines = RequirementsAnalyzer.LogicalLines(text).ToList();
        Assert.Equal([(1, "a==1   --hash=sha256:x"), (4, "b==2"), (5, "url#frag==3")], lines);
    }

    [Fact]
    public async Task Requirements_Utf16WithBom_IsRead()
    {
        using var dir = new TempDir();
        var bytes = new byte[] { 0xFF, 0xFE }.Concat(System.Text.Encoding.Unicode.GetBytes("six==1.16.0\r\nidna==3.4\r\n")).ToArray();
        File.WriteAllBytes(Path.Combine(dir.Path, "requirements.txt"), bytes);
        var sink = await RunAsync(new RequirementsAnalyzer(), dir.Path, "requirements.txt");
        Assert.Equal(["idna@3.4", "six@1.16.0"], Packages(sink).Select(p => $"{p.Name}@{p.Version}"));
    }

    [Fact]
    public async Task Requirements_IncludeLeavingTheRoot_IsRefusedWithWarning()
    {
        using var dir = new TempDir();
        dir.Write("app/requirements.txt", "-r ../../../etc/passwd\n-r /etc/hostname\nsix==1.16.0\n");
        var sink = await RunAsync(new RequirementsAnalyzer(), dir.Path, "app/requirements.txt");
        Assert.Equal(["six@1.16.0"], Packages(sink).Select(p => $"{p.Name}@{p.Version}"));
        Assert.Contains(sink.Warnings, w => w.Contains("leaves the scanned root", StringComparison.Ordinal));
        // An absolute include is rooted at the scanned directory, never at the host's /.
        Assert.Contains(sink.Warnings, w => w.Contains("etc/hostname is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Requirements_IsApplicable_MatchesRequirementsTxtNames()
    {
        var analyzer = new RequirementsAnalyzer();
        Assert.True(analyzer.IsApplicable("requirements.txt"));
        Assert.True(analyzer.IsApplicable("app/requirements-dev.txt"));
        Assert.True(analyzer.IsApplicable("requirements_test.txt"));
        Assert.False(analyzer.IsApplicable("app/requirements.in"));
        Assert.False(analyzer.IsApplicable("app/dev-requirements.txt.bak"));
        Assert.False(analyzer.IsApplicable("constraints.txt"));
    }

    [Fact]
    public async Task Pipenv_EveryOsvCase_GivesExpectedPackagesAndDevFlags()
    {
        var checkedCases = 0;
        foreach (var c in OsvLockfileFixtures.Cases("parse-pipenv-lock_test.go"))
        {
            var packages = await RunCaseAsync(new PipenvLockAnalyzer(), c);
            if (packages is null)
            {
                continue;
            }
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
            AssertFlags(c, packages);
            checkedCases++;
        }
        Assert.Equal(7, checkedCases);
    }

    [Fact]
    public async Task Poetry_EveryOsvCase_GivesExpectedPackagesCommitsAndFlags()
    {
        var checkedCases = 0;
        foreach (var c in OsvLockfileFixtures.Cases("parse-poetry-lock_test.go"))
        {
            var packages = await RunCaseAsync(new PoetryLockAnalyzer(), c);
            if (packages is null)
            {
                continue;
            }
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
            AssertFlags(c, packages);
            checkedCases++;
        }
        Assert.Equal(7, checkedCases);
    }

    [Fact]
    public async Task Pdm_EveryOsvCase_GivesExpectedPackagesCommitsAndFlags()
    {
        var checkedCases = 0;
        foreach (var c in OsvLockfileFixtures.Cases("parse-pdm-lock_test.go"))
        {
            var packages = await RunCaseAsync(new PdmLockAnalyzer(), c);
            if (packages is null)
            {
                continue;
            }
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
            AssertFlags(c, packages);
            checkedCases++;
        }
        Assert.Equal(6, checkedCases);
    }

    [Fact]
    public async Task Poetry_TwoPackages_ResolvesTheGraph()
    {
        var root = SharedData.Require("osv-lockfile-fixtures/fixtures");
        var packages = Packages(await RunAsync(new PoetryLockAnalyzer(), root, "poetry/two-packages.lock"));
        Assert.Equal(["protobuf@4.21.5"], packages.Single(p => p.Name == "proto-plus").DependsOn);
        Assert.Empty(packages.Single(p => p.Name == "protobuf").DependsOn);
        Assert.All(packages, p => Assert.Null(p.Direct));
    }

    [Fact]
    public async Task Pdm_DevDependency_GraphFollowsMarkedSpecifiers()
    {
        var root = SharedData.Require("osv-lockfile-fixtures/fixtures");
        var packages = Packages(await RunAsync(new PdmLockAnalyzer(), root, "pdm/dev-dependency.toml"));
        Assert.Equal(["win-inet-pton@1.1.0"], packages.Single(p => p.Name == "pyroute2").DependsOn);
    }

    /// <summary>
    /// Runs one osv case: an expected error becomes an assertion here (missing file: never handed over; invalid
    /// content: a warning naming the file and no packages) and null is returned; otherwise the packages.
    /// </summary>
    internal static async Task<IReadOnlyList<Package>?> RunCaseAsync(Seawall.Core.Analysis.IAnalyzer analyzer, LockfileCase c)
    {
        if (c.ExpectError == "is:fs.ErrNotExist")
        {
            Assert.False(File.Exists(c.FullPath), c.Test);
            return null;
        }
        var root = Path.GetDirectoryName(Path.GetDirectoryName(c.FullPath))!;
        var sink = await RunAsync(analyzer, root, c.Fixture);
        if (c.ExpectError is not null)
        {
            Assert.Empty(sink.Results);
            var warning = Assert.Single(sink.Warnings);
            Assert.StartsWith(c.Fixture + ":1: ", warning, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', warning);
            Assert.DoesNotContain("LineNumber", warning, StringComparison.Ordinal);
            return null;
        }
        Assert.Empty(sink.Warnings);
        var packages = Packages(sink);
        Assert.All(packages, p => Assert.Equal(c.Fixture, p.FilePath));
        return packages;
    }

    /// <summary>osv dep_groups "dev"/"optional" are Seawall's Dev/Optional; a non-empty expected commit must match.</summary>
    internal static void AssertFlags(LockfileCase c, IReadOnlyList<Package> packages)
    {
        foreach (var e in c.Packages)
        {
            var p = packages.Single(a => a.Name == e.Name && a.Version == e.Version && a.Dev == e.DepGroups.Contains("dev"));
            Assert.True(p.Optional == e.DepGroups.Contains("optional"), $"{c.Test}: {e.Name} optional");
            Assert.Equal(e.Ecosystem, p.Ecosystem);
            Assert.Equal(string.IsNullOrEmpty(e.Commit) ? null : e.Commit, p.Commit);
        }
    }
}
