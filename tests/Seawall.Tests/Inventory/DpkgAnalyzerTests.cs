using System.Text.Json;
using Seawall.Core.FileTree;
using Seawall.Inventory.Dpkg;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory;

public sealed class DpkgAnalyzerTests
{
    private const string FixtureDir = "scalibr-os-dotnet-fixtures/extractor/filesystem/os/dpkg";

    [Fact]
    public void Parse_ScalibrDpkgFixtures_MatchExpectedPackages()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Require("scalibr-os-dotnet-fixtures/expected-packages.json")));
        var checkedCases = 0;
        foreach (var test in doc.RootElement.GetProperty("tests").GetProperty("extractor/filesystem/os/dpkg/dpkg_test.go").EnumerateArray())
        {
            var rel = test.GetProperty("path").GetString()!;
            // opkg is OpenWrt's format (not scanned by Seawall yet); "config" cases turn on listing uninstalled packages, which Seawall never does.
            if (!rel.StartsWith("testdata/dpkg/", StringComparison.Ordinal) || test.TryGetProperty("config", out _) || rel.EndsWith(".md5sums", StringComparison.Ordinal))
            {
                continue;
            }
            var actual = DpkgAnalyzer.Parse(File.ReadAllBytes(Path.Combine(SharedData.Root!, FixtureDir, rel)), statusRequired: !rel.Contains("status.d", StringComparison.Ordinal)).ToList();
            var expected = test.TryGetProperty("packages", out var ps) ? ps.EnumerateArray().ToList() : [];
            Assert.Equal(expected.Select(p => p.GetProperty("Name").GetString()!).Order().ToList(), actual.Select(p => p.Name).Order().ToList());
            foreach (var p in expected)
            {
                var match = actual.Single(a => a.Name == p.GetProperty("Name").GetString());
                Assert.Equal(p.GetProperty("Version").GetString(), match.Version);
                var meta = p.GetProperty("Metadata");
                // Without a Source field the binary package is its own source, as dpkg-query's ${source:Package} reports.
                var sourceName = meta.TryGetProperty("SourceName", out var sn) ? sn.GetString() : null;
                Assert.Equal(string.IsNullOrEmpty(sourceName) ? match.Name : sourceName, match.SourceName);
                var sourceVersion = meta.TryGetProperty("SourceVersion", out var sv) ? sv.GetString() : null;
                Assert.Equal(string.IsNullOrEmpty(sourceVersion) ? match.Version : sourceVersion, match.SourceVersion);
                if (meta.TryGetProperty("Architecture", out var arch) && arch.GetString() is { Length: > 0 } a)
                {
                    Assert.Equal(a, match.Arch);
                }
            }
            checkedCases++;
        }
        Assert.True(checkedCases >= 8, $"only {checkedCases} dpkg cases checked");
    }

    [Fact]
    public void Parse_EpochVersion_SplitsEpochAndRevision()
    {
        var status = "Package: attr\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:2.5.1-4\nSource: attr (1:2.5.1-4)\n\n"u8.ToArray();
        var package = Assert.Single(DpkgAnalyzer.Parse(status));
        Assert.Equal("1:2.5.1-4", package.Version);
        Assert.Equal(1, package.Epoch);
        Assert.Equal("4", package.Release);
        Assert.Equal("attr", package.SourceName);
        Assert.Equal("1:2.5.1-4", package.SourceVersion);
    }

    [Fact]
    public void Parse_ScalibrValidStatus_NamesEveryAlternativeAndDropsConstraints()
    {
        var packages = DpkgAnalyzer.Parse(File.ReadAllBytes(SharedData.Require(FixtureDir + "/testdata/dpkg/valid"))).ToDictionary(p => p.Name, p => p.DependsOn);
        // Depends: default-dbus-system-bus | dbus-system-bus, libaccountsservice0 (= 22.08.8-6), libc6 (>= 2.34), ...
        Assert.Equal(["dbus-system-bus", "default-dbus-system-bus", "libaccountsservice0", "libc6", "libglib2.0-0", "libpolkit-gobject-1-0"], packages["accountsservice"]);
        Assert.Equal(["libacl1", "libc6"], packages["acl"]);
    }

    [Fact]
    public void Parse_PreDependsAndArchQualifier_AreDependencies()
    {
        var status = "Package: cppcheck\nStatus: install ok installed\nVersion: 2.10-2\nPre-Depends: libc6 (>= 2.36)\nDepends: python3:any, libpcre3 | libpcre2-8-0\n"u8.ToArray();
        Assert.Equal(["libc6", "libpcre2-8-0", "libpcre3", "python3"], Assert.Single(DpkgAnalyzer.Parse(status)).DependsOn);
    }

    [Fact]
    public void Parse_NotInstalledStatus_IsSkipped()
    {
        var status = "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n\nPackage: here\nStatus: install ok installed\nVersion: 2.0\n"u8.ToArray();
        Assert.Equal(["here"], DpkgAnalyzer.Parse(status).Select(p => p.Name));
    }

    [Fact]
    public async Task Analyze_DistrolessStatusD_ReadsPackagesAndOwnedFiles()
    {
        var root = Directory.CreateTempSubdirectory("seawall-dpkg-");
        try
        {
            var dir = Directory.CreateDirectory(Path.Combine(root.FullName, "var/lib/dpkg/status.d"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "libc6"), "Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\n");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "libc6.md5sums"), "0123456789abcdef0123456789abcdef  lib/x86_64-linux-gnu/libc.so.6\n");
            var tree = DirectoryFileTree.Walk(root.FullName);
            var sink = await new Seawall.Core.Analysis.AnalyzerHost([new DpkgAnalyzer()]).RunAsync(tree, TestContext.Current.CancellationToken);
            var result = Assert.Single(sink.Results);
            var package = Assert.Single(result.Packages);
            Assert.Equal("glibc", package.SourceName);
            Assert.Equal("2.36-9+deb12u4", package.SourceVersion);
            Assert.Equal(["lib/x86_64-linux-gnu/libc.so.6"], package.InstalledFiles);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n\nFiles: lib/*\nLicense: LGPL-2.1+ or MIT\n", "GPL-2+,LGPL-2.1+,MIT")]
    [InlineData("This is free software; see /usr/share/common-licenses/GPL-3.\n", "GPL-3")]
    [InlineData("Some free-form text without a licence name.\n", "")]
    public void Licenses_CopyrightFile_ExtractsDeclaredNames(string text, string expected)
    {
        Assert.Equal(expected, string.Join(',', DebianCopyright.Licenses(text)));
    }
}
