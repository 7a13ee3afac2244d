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
}
