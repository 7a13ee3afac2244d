using System.Text;
using Seawall.Inventory.Languages.Rust;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

public sealed class CargoLockAnalyzerTests
{
    [Fact]
    public async Task Analyze_EveryOsvScannerCargoCase_GivesTheExpectedPackages()
    {
        var cases = OsvLockfileFixtures.Cases("parse-cargo-lock_test.go");
        foreach (var c in cases)
        {
            if (c.ExpectError == "is:fs.ErrNotExist")
            {
                Assert.False(File.Exists(c.FullPath), c.Test);
                continue;
            }
            var sink = await GoModAnalyzerTests.Analyze("Cargo.lock", File.ReadAllBytes(c.FullPath), new CargoLockAnalyzer());
            if (c.ExpectError is not null)
            {
                Assert.Empty(sink.Results);
                Assert.Equal("Cargo.lock: not a valid Cargo.lock (invalid TOML: line 1, column 6: Expected `=` after key but was `is`.)", Assert.Single(sink.Warnings));
                continue;
            }
            Assert.Empty(sink.Warnings);
            var packages = sink.Results.SelectMany(r => r.Packages).ToList();
            Assert.All(packages, p => Assert.Equal("crates.io", p.Ecosystem));
            Assert.All(c.Packages, p => Assert.Equal("crates.io", p.Ecosystem));
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
        }
        Assert.Equal(7, cases.Count);
    }

    [Theory]
    [InlineData("Cargo.lock", true)]
    [InlineData("path/to/my/Cargo.lock", true)]
    [InlineData("path/to/my/Cargo.lock/file", false)]
    [InlineData("path/to/my/Cargo.lock.file", false)]
    [InlineData("path.to.my.Cargo.lock", false)]
    [InlineData("", false)]
    public void IsApplicable_OsvScannerTable(string path, bool expected) => Assert.Equal(expected, new CargoLockAnalyzer().IsApplicable(path));

    [Fact]
    public async Task Analyze_V1Lockfile_ResolvesVersionedDependenciesAndDirectness()
    {
        // Cargo.lock v1 (cargo before 1.41): dependencies name "name version (source)", checksums in [metadata].
        var text = """
            [[package]]
            name = "app"
            version = "0.1.0"
            dependencies = [
             "log 0.4.8 (registry+https://github.com/rust-lang/crates.io-index)",
            ]

            [[package]]
            name = "cfg-if"
            version = "0.1.10"
            source = "registry+https://github.com/rust-lang/crates.io-index"

            [[package]]
            name = "log"
            version = "0.4.8"
            source = "registry+https://github.com/rust-lang/crates.io-index"
            dependencies = [
             "cfg-if 0.1.10 (registry+https://github.com/rust-lang/crates.io-index)",
            ]

            [metadata]
            "checksum cfg-if 0.1.10 (registry+https://github.com/rust-lang/crates.io-index)" = "4785bdd1c96b2a846b2bd7cc02e86b6b3dbf14e7e53446c4f54c92a361040822"
            "checksum log 0.4.8 (registry+https://github.com/rust-lang/crates.io-index)" = "14b6052be84e6b71ab17edffc2eeabf5c2c3ae1fdb464aae35ac50c67a44e1f7"
            """;
        var sink = await GoModAnalyzerTests.Analyze("Cargo.lock", Encoding.UTF8.GetBytes(text), new CargoLockAnalyzer());
        var packages = Assert.Single(sink.Results).Packages.ToDictionary(p => p.Name);
        Assert.Null(packages["app"].Direct);
        Assert.True(packages["log"].Direct);
        Assert.False(packages["cfg-if"].Direct);
        Assert.Equal(["log@0.4.8"], packages["app"].DependsOn);
        Assert.Equal(["cfg-if@0.1.10"], packages["log"].DependsOn);
    }

    [Fact]
    public async Task Analyze_V4LockfileWithTwoVersions_ResolvesBareAndVersionedNames()
    {
        var text = """
            version = 4

            [[package]]
            name = "app"
            version = "0.1.0"
            dependencies = [
             "bitflags 1.3.2",
             "bitflags 2.6.0",
             "libc",
            ]

            [[package]]
            name = "bitflags"
            version = "1.3.2"
            source = "registry+https://github.com/rust-lang/crates.io-index"

            [[package]]
            name = "bitflags"
            version = "2.6.0"
            source = "registry+https://github.com/rust-lang/crates.io-index"

            [[package]]
            name = "libc"
            version = "0.2.169"
            source = "registry+https://github.com/rust-lang/crates.io-index"
            checksum = "b5aba8db14291edd000dfcc4d620c7ebfb122c613afb886ca8803fa4e128a20a"
            """;
        var sink = await GoModAnalyzerTests.Analyze("Cargo.lock", Encoding.UTF8.GetBytes(text), new CargoLockAnalyzer());
        var result = Assert.Single(sink.Results);
        Assert.Equal("cargo", result.Type);
        Assert.Equal(4, result.Packages.Count);
        Assert.Equal(["bitflags@1.3.2", "bitflags@2.6.0", "libc@0.2.169"], result.Packages.Single(p => p.Name == "app").DependsOn);
        Assert.All(result.Packages.Where(p => p.Name != "app"), p => Assert.True(p.Direct));
    }

    [Fact]
    public async Task Analyze_PackageWithoutVersion_Warns()
    {
        var sink = await GoModAnalyzerTests.Analyze("Cargo.lock", "[[package]]\nname = \"x\"\n"u8.ToArray(), new CargoLockAnalyzer());
        Assert.Empty(sink.Results);
        Assert.Contains("lacks a name or version", Assert.Single(sink.Warnings));
    }
}
