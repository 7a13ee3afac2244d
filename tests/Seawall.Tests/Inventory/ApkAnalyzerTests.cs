using System.Text.Json;
using Seawall.Inventory.Apk;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory;

public sealed class ApkAnalyzerTests
{
    [Fact]
    public void Parse_ScalibrAlpineFixture_MatchesExpectedPackages()
    {
        var expectedPath = SharedData.Require("scalibr-os-dotnet-fixtures/expected-packages.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(expectedPath));
        var tests = doc.RootElement.GetProperty("tests").GetProperty("extractor/filesystem/os/apk/apk_test.go");
        var checkedCases = 0;
        foreach (var test in tests.EnumerateArray())
        {
            var fixture = Path.Combine(SharedData.Root!, "scalibr-os-dotnet-fixtures/extractor/filesystem/os/apk", test.GetProperty("path").GetString()!);
            if (!File.Exists(fixture) || !test.TryGetProperty("packages", out var packages) || packages.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            var actual = ApkAnalyzer.Parse(File.ReadAllBytes(fixture)).ToList();
            var expected = packages.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("version").GetString()!)).ToList();
            Assert.Equal(expected.Order().ToList(), actual.Select(p => (p.Name, p.Version)).Order().ToList());
            foreach (var p in packages.EnumerateArray())
            {
                var match = actual.Single(a => a.Name == p.GetProperty("name").GetString());
                // Without an origin (o:) the package is its own source: advisories are keyed by the origin name.
                var origin = p.TryGetProperty("origin", out var o) ? o.GetString() : null;
                Assert.Equal(string.IsNullOrEmpty(origin) ? match.Name : origin, match.SourceName);
                if (p.TryGetProperty("arch", out var arch))
                {
                    Assert.Equal(arch.GetString(), match.Arch);
                }
            }
            checkedCases++;
        }
        Assert.True(checkedCases > 0, "no apk fixture case was checked");
    }

    [Fact]
    public void Parse_ScalibrAlpineFixture_ResolvesDependenciesThroughProvides()
    {
        var packages = ApkAnalyzer.Parse(File.ReadAllBytes(SharedData.Require("scalibr-os-dotnet-fixtures/extractor/filesystem/os/apk/testdata/installed")))
            .ToDictionary(p => p.Name, p => p.DependsOn);
        // D:alpine-baselayout-data=3.4.3-r1 /bin/sh -- busybox-binsh provides /bin/sh.
        Assert.Equal(["alpine-baselayout-data", "busybox-binsh"], packages["alpine-baselayout"]);
        // D:musl>=1.2.3_git20230424 ca-certificates-bundle so:libc.musl-x86_64.so.1 so:libcrypto.so.3 so:libssl.so.3 so:libz.so.1
        Assert.Equal(["ca-certificates-bundle", "libcrypto3", "libssl3", "musl", "zlib"], packages["apk-tools"]);
        Assert.Equal(["musl"], packages["busybox"]);
        Assert.Equal(["libcrypto3", "musl"], packages["libssl3"]);
        Assert.Empty(packages["musl"]);
    }
}
