using System.Text.Json;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// checkov's own CKV_K8S test expectations (../shared/data/checkov-k8s/expected.json): for every real CKV_K8S and
/// CKV2_K8S entry, the Seawall check referencing that id must produce the same pass/fail counts and, where the entry
/// lists them, the same resource ids. Entries of checks not implemented count as disagreeing.
/// </summary>
public sealed class CheckovSuiteTests(ITestOutputHelper output)
{
    /// <summary>The agreement reached when this floor was set; raise it as checks are added.</summary>
    private const int AgreeingFloor = 118;

    [Fact]
    public void Seawall_agrees_with_checkovs_own_expectations()
    {
        var root = SharedData.Require("checkov-k8s");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "expected.json")));
        var entries = json.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() is "resource-check" or "graph-check")
            .ToList();
        var agreeing = 0;
        var disagreements = new List<string>();
        foreach (var entry in entries)
        {
            var (agrees, why) = Judge(root, entry);
            if (agrees)
            {
                agreeing++;
            }
            else
            {
                disagreements.Add($"{entry.GetProperty("check").GetString()} ({entry.GetProperty("testMethod").GetString()}): {why}");
            }
        }
        output.WriteLine($"checkov-k8s agreement: {agreeing}/{entries.Count} entries ({100.0 * agreeing / entries.Count:F1}%)");
        foreach (var line in disagreements)
        {
            output.WriteLine("  differs: " + line);
        }
        Assert.True(agreeing >= AgreeingFloor, $"agreement fell to {agreeing}/{entries.Count}, floor {AgreeingFloor}");
    }

    internal static (bool Agrees, string Why) Judge(string root, JsonElement entry)
    {
        var id = entry.GetProperty("check").GetString()!;
        var check = ManifestCheckCatalog.All.FirstOrDefault(c => c.CheckovId == id);
        if (check is null)
        {
            return (false, "not implemented");
        }
        if (entry.GetProperty("env").EnumerateObject().Any())
        {
            return (false, "depends on checkov's HELM_NAMESPACE environment handling");
        }
        if (entry.TryGetProperty("runnerFilter", out var filter) && filter.TryGetProperty("skip_checks", out _))
        {
            return (false, "skip-filter test");
        }
        var set = ManifestLoader.Load([Path.Combine(root, entry.GetProperty("fixtureDir").GetString()!)]);
        var results = ManifestScanner.Run(set.Resources, [check]).ToList();
        // checkov counts a result its manifest waives (checkov.io/skip) as skipped, whether it would pass or fail.
        var skipped = results.Count(r => r.Suppression is not null);
        var passed = results.Where(r => r.Suppression is null && !r.Outcome.Failed).ToList();
        var failed = results.Where(r => r.Suppression is null && r.Outcome.Failed).ToList();
        if (Count(entry, "skipped") is { } s && s != skipped)
        {
            return (false, $"expected {s} skipped, got {skipped}");
        }
        if (Count(entry, "passed") is { } p && p != passed.Count || Count(entry, "failed") is { } f && f != failed.Count)
        {
            return (false, $"expected {Count(entry, "passed")} passed / {Count(entry, "failed")} failed, got {passed.Count} / {failed.Count}: failed [{string.Join(", ", failed.Select(Describe))}] passed [{string.Join(", ", passed.Select(Describe))}]{string.Concat(set.Warnings.Select(w => "; warning " + w))}");
        }
        var expectedPassed = Ids(entry, "passedResources");
        var expectedFailed = Ids(entry, "failedResources");
        switch (entry.GetProperty("resourceAssertion").GetString())
        {
            case "exact-set":
            case "count-and-membership":
                if (!expectedPassed.ToHashSet().SetEquals(passed.Select(r => r.Resource.CheckovId)) || !expectedFailed.ToHashSet().SetEquals(failed.Select(r => r.Resource.CheckovId)))
                {
                    return (false, $"ids differ: failed [{string.Join(", ", failed.Select(r => r.Resource.CheckovId))}] passed [{string.Join(", ", passed.Select(r => r.Resource.CheckovId))}]");
                }
                break;
            case "exact-multiset":
                if (!expectedPassed.Order().SequenceEqual(passed.Select(r => r.Resource.CheckovId).Order()) || !expectedFailed.Order().SequenceEqual(failed.Select(r => r.Resource.CheckovId).Order()))
                {
                    return (false, $"ids differ: failed [{string.Join(", ", failed.Select(r => r.Resource.CheckovId))}]");
                }
                break;
            case "file-path-substring":
                if (failed.Any(r => !r.Resource.File.Contains("FAILED", StringComparison.Ordinal)) || passed.Any(r => !r.Resource.File.Contains("PASSED", StringComparison.Ordinal)))
                {
                    return (false, "a result comes from a file not named for it");
                }
                break;
            case "resource-substring":
                if (failed.Any(r => !r.Resource.CheckovId.Contains("should-fail", StringComparison.Ordinal)) || passed.Any(r => !r.Resource.CheckovId.Contains("should-pass", StringComparison.Ordinal)))
                {
                    return (false, "a result's id is not named for it");
                }
                break;
        }
        return (true, string.Empty);
    }

    private static string Describe(CheckResult r) => $"{r.Resource.CheckovId} ({Path.GetFileName(r.Resource.File)})";

    private static int? Count(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static List<string> Ids(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [];
}
