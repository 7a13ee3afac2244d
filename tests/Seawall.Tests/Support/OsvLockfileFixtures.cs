using System.Text.Json;

namespace Seawall.Tests.Support;

/// <summary>One expected package of an osv-scanner parser test.</summary>
public sealed record ExpectedPackage(string Name, string Version, string Ecosystem, string? Commit, IReadOnlyList<string> DepGroups);

/// <summary>One osv-scanner v1.9.2 parser test: a fixture file and the packages (or error) it must give.</summary>
public sealed record LockfileCase(string Test, string Parser, string Fixture, string FullPath, string? ExpectError, IReadOnlyList<ExpectedPackage> Packages)
{
    public override string ToString() => Test;
}

/// <summary>
/// ../shared/data/osv-lockfile-fixtures: osv-scanner's lockfile fixtures with their expected packages, transcribed
/// from its Go tests (see that folder's README). Each language analyzer's test reads the cases of its Go test file.
/// </summary>
public static class OsvLockfileFixtures
{
    public const string Folder = "osv-lockfile-fixtures";

    /// <summary>The cases of one Go test file, e.g. "parse-npm-lock-v2_test.go"; skips when the corpus is absent.</summary>
    public static IReadOnlyList<LockfileCase> Cases(string goTestFile)
    {
        var root = SharedData.Require(Folder);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "expected-packages.json")));
        Assert.True(doc.RootElement.GetProperty("files").TryGetProperty(goTestFile, out var cases), $"no Go test file '{goTestFile}' in {Folder}/expected-packages.json");
        var result = new List<LockfileCase>();
        foreach (var c in cases.EnumerateArray())
        {
            var fixture = c.GetProperty("fixture").GetString()!;
            string? error = null;
            if (c.GetProperty("expect_error") is { ValueKind: JsonValueKind.Object } e)
            {
                error = e.GetProperty("kind").GetString() + ":" + e.GetProperty("value").GetString();
            }
            var packages = c.GetProperty("packages").EnumerateArray().Select(p => new ExpectedPackage(
                p.GetProperty("name").GetString()!,
                p.GetProperty("version").GetString() ?? string.Empty,
                p.GetProperty("ecosystem").GetString()!,
                p.TryGetProperty("commit", out var commit) ? commit.GetString() : null,
                p.TryGetProperty("dep_groups", out var groups) ? [.. groups.EnumerateArray().Select(g => g.GetString()!)] : [])).ToList();
            result.Add(new LockfileCase(c.GetProperty("test").GetString()!, c.GetProperty("parser").GetString()!, fixture,
                Path.Combine(root, "fixtures", fixture), error, packages));
        }
        return result;
    }

    /// <summary>The Go test files the corpus holds (to check every one is covered by some analyzer's test).</summary>
    public static IReadOnlyList<string> GoTestFiles()
    {
        var root = SharedData.Require(Folder);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "expected-packages.json")));
        return [.. doc.RootElement.GetProperty("files").EnumerateObject().Select(p => p.Name)];
    }

    /// <summary>Order-insensitive comparison with duplicates counted, as the original Go tests compare.</summary>
    public static void AssertSamePackages(LockfileCase c, IEnumerable<(string Name, string Version)> actual)
    {
        var expected = c.Packages.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal).ToList();
        var got = actual.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(got),
            $"{c.Test} ({c.Fixture}): expected [{string.Join(", ", expected)}] but got [{string.Join(", ", got)}]");
    }
}
