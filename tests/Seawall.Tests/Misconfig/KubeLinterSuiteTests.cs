using System.Text.Json;
using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// kube-linter's own e2e expectations (../shared/data/kube-linter/expected.json): for every built-in check, the
/// Seawall checks whose references include <c>kube-linter:NAME</c> must together report as many findings on the check's fixture
/// as kube-linter does. kube-linter reports once per offending container, mount, port or variable, so the count is
/// the sum of <see cref="ManifestCheck.Failures"/> (one per spot) over the fixture's objects, not failed objects.
/// </summary>
public sealed class KubeLinterSuiteTests(ITestOutputHelper output)
{
    /// <summary>The agreement reached when this floor was set; raise it as checks are added.</summary>
    private const int AgreeingFloor = 55;

    /// <summary>kube-linter checks another part of issue 7 answers (RBAC analysis, NetworkPolicy reachability).</summary>
    private static readonly Dictionary<string, string> OwnedElsewhere = new(StringComparer.Ordinal)
    {
        ["cluster-admin-role-binding"] = "rbac",
        ["access-to-secrets"] = "rbac",
        ["access-to-create-pods"] = "rbac",
        ["wildcard-in-rules"] = "rbac",
    };

    /// <summary>kube-linter checks Seawall leaves out on purpose, and why (printed with the agreement).</summary>
    private static readonly Dictionary<string, string> NotAdopted = new(StringComparer.Ordinal)
    {
        ["priority-class-name"] = "its default accepts only system-cluster-critical and system-node-critical, which are reserved for cluster components: adopting it would push applications to claim them",
        ["restart-policy"] = "flags restartPolicy Never on Jobs, where it is the normal and valid choice",
        ["required-annotation-email"] = "an example organisation policy (owner e-mail annotation), not a default",
        ["required-label-owner"] = "an example organisation policy (owner label), not a default",
        ["dnsconfig-options"] = "a tuning preference (ndots:2), not a security or correctness property",
        ["no-node-affinity"] = "a scheduling preference; most workloads rightly have no node affinity",
        ["sorted-keys"] = "a formatting preference",
        ["schema-validation"] = "needs Kubernetes JSON schemas (kubeconform); Seawall does not ship them",
    };

    [Fact]
    public void Seawall_reports_as_many_findings_as_kube_linter_on_its_own_fixtures()
    {
        var root = SharedData.Require("kube-linter");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "expected.json")));
        var builtins = json.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("builtinCheckFile").ValueKind == JsonValueKind.String)
            .ToList();
        var agreeing = new List<string>();
        var differing = new List<string>();
        var missing = new List<string>();
        foreach (var entry in builtins)
        {
            var name = entry.GetProperty("check").GetString()!;
            // kube-linter's run-as-non-root reports root users and root groups; Seawall has a check for each, so
            // the findings of every check naming the kube-linter check add up.
            var checks = ManifestCheckCatalog.All.Where(c => c.Info.References.Contains("kube-linter:" + name, StringComparer.Ordinal)).ToList();
            if (checks.Count == 0)
            {
                missing.Add(OwnedElsewhere.TryGetValue(name, out var owner) ? $"{name} (owned elsewhere: {owner})"
                    : NotAdopted.TryGetValue(name, out var why) ? $"{name} (not adopted: {why})" : name);
                continue;
            }
            var set = ManifestLoader.Load([Path.Combine(root, entry.GetProperty("fixture").GetString()!)]);
            // A cluster check (RBAC) judges the whole set at once: one failure per failed object.
            var failures = set.Resources.SelectMany(r => checks.Where(c => c.Cluster is null).SelectMany(c => c.Failures(r)).Select(f => $"{r.Kind}/{r.Name}: {f.Evidence}"))
                .Concat(ManifestScanner.Run(set.Resources, [.. checks.Where(c => c.Cluster is not null)]).Where(x => x.Outcome.Failed).Select(x => $"{x.Resource.Kind}/{x.Resource.Name}: {x.Outcome.Evidence}"))
                .ToList();
            var expected = entry.GetProperty("expectedCount") is { ValueKind: JsonValueKind.Number } count ? count.GetInt32() : (int?)null;
            // pdb-max-unavailable asserts no count, only its first report: then at least that one must be found.
            var agrees = expected is { } n ? failures.Count == n : failures.Count >= entry.GetProperty("reports").GetArrayLength();
            if (agrees)
            {
                agreeing.Add(name);
            }
            else
            {
                differing.Add($"{name} -> {string.Join("+", checks.Select(c => c.Info.Id))}: expected {expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "≥1"}, got {failures.Count} [{string.Join("; ", failures)}]{string.Concat(set.Warnings.Select(w => "; warning " + w))}");
            }
        }
        output.WriteLine($"kube-linter agreement: {agreeing.Count} agreeing / {agreeing.Count + differing.Count} with an equivalent / {builtins.Count} built-in checks");
        foreach (var line in differing)
        {
            output.WriteLine("  differs: " + line);
        }
        output.WriteLine($"no equivalent ({missing.Count}):");
        foreach (var line in missing)
        {
            output.WriteLine("  " + line);
        }
        Assert.Equal(63, builtins.Count);
        Assert.True(agreeing.Count >= AgreeingFloor, $"agreement fell to {agreeing.Count}/{builtins.Count}, floor {AgreeingFloor}");
    }
}
