using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// Bad input never ends the scan: each bad file or document is one warning naming the file and line, memory stays
/// bounded, and a good manifest beside it is still scanned.
/// </summary>
public sealed class HostileManifestTests : IDisposable
{
    private const string Good = "apiVersion: v1\nkind: Pod\nmetadata: {name: good, namespace: shop}\nspec:\n  hostPID: true\n  containers: [{name: a, image: x:1}]\n";

    private readonly TempDir dir = new("seawall-manifests-");

    public void Dispose() => dir.Dispose();

    private (ManifestSet Set, List<CheckResult> Results) Scan(string name, string content)
    {
        dir.Write("good.yaml", Good);
        dir.Write(name, content);
        var set = ManifestLoader.Load([dir.Path]);
        return (set, [.. ManifestScanner.Run(set.Resources, ManifestCheckCatalog.All)]);
    }

    private static void AssertGoodStillScanned(List<CheckResult> results) =>
        Assert.Contains(results, r => r.Resource.Name == "good" && r.Check.Info.Id == "k8s-host-pid" && r.Outcome.Failed);

    [Fact]
    public void Invalid_yaml_is_a_warning_with_file_and_line()
    {
        var (set, results) = Scan("broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
        var warning = Assert.Single(set.Warnings);
        Assert.Contains(dir.File("broken.yaml") + ":", warning, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", warning, StringComparison.Ordinal);
        AssertGoodStillScanned(results);
    }

    [Fact]
    public void Documents_before_a_syntax_error_are_kept()
    {
        var (set, results) = Scan("half.yaml", Good.Replace("good", "first", StringComparison.Ordinal) + "---\nkind: [\n");
        Assert.Single(set.Warnings);
        Assert.Contains(results, r => r.Resource.Name == "first");
        AssertGoodStillScanned(results);
    }

    [Fact]
    public void Unknown_kinds_and_non_objects_are_ignored_quietly()
    {
        var (set, results) = Scan("crd.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n---\n- a\n- list\n---\njust a scalar\n---\nvalues: {no: kind}\n");
        Assert.Empty(set.Warnings);
        Assert.DoesNotContain(results, r => r.Resource.Kind == "Widget" && r.Check.Info.Id != "k8s-default-namespace");
        AssertGoodStillScanned(results);
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_resolve()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: anchored, namespace: shop}
            spec:
              containers:
                - &base
                  name: a
                  image: x:1
                  securityContext: &sc {privileged: true}
                - <<: *base
                  name: b
                  securityContext: *sc
            """;
        var (set, results) = Scan("anchors.yaml", yaml);
        Assert.Empty(set.Warnings);
        var privileged = Assert.Single(results, r => r.Resource.Name == "anchored" && r.Check.Info.Id == "k8s-privileged");
        Assert.True(privileged.Outcome.Failed);
        var pod = set.Resources.Single(r => r.Name == "anchored");
        var second = (YamlMapping)pod.Root.Map("spec")!.Seq("containers")!.Items[1];
        Assert.Equal("b", second.Text("name"));   // the mapping's own key overrides the merged one
        Assert.Equal("x:1", second.Text("image")); // merged from the anchor
    }

    [Fact]
    public void Billion_laughs_is_refused_with_bounded_memory()
    {
        var yaml = new System.Text.StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 10; i++)
        {
            yaml.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (set, results) = Scan("lol.yaml", yaml.ToString());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var warning = Assert.Single(set.Warnings);
        Assert.Contains("lol.yaml:1:", warning, StringComparison.Ordinal);
        Assert.Contains("billion-laughs", warning, StringComparison.Ordinal);
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated:N0} bytes");
        AssertGoodStillScanned(results);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + new string('[', 5000) + new string(']', 5000) + "\n";
        var (set, results) = Scan("deep.yaml", yaml);
        Assert.Contains(set.Warnings, w => w.Contains("deep.yaml", StringComparison.Ordinal) && w.Contains("nesting", StringComparison.Ordinal));
        AssertGoodStillScanned(results);
    }

    [Fact]
    public void A_50_MB_file_is_skipped_unread()
    {
        dir.Write("good.yaml", Good);
        using (var big = File.Create(dir.File("huge.yaml")))
        {
            big.SetLength(50L * 1024 * 1024);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var set = ManifestLoader.Load([dir.Path]);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8L * 1024 * 1024);
        var warning = Assert.Single(set.Warnings);
        Assert.StartsWith(dir.File("huge.yaml") + ":1: skipped", warning, StringComparison.Ordinal);
        AssertGoodStillScanned([.. ManifestScanner.Run(set.Resources, ManifestCheckCatalog.All)]);
    }

    [Fact]
    public void An_unrendered_helm_template_names_the_template_line()
    {
        const string chart = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ include "app.fullname" . }}
              labels:
                {{- include "app.labels" . | nindent 4 }}
            """;
        var (set, results) = Scan("deployment.yaml", chart);
        var warning = Assert.Single(set.Warnings);
        Assert.StartsWith(dir.File("deployment.yaml") + ":4: unrendered Helm template", warning, StringComparison.Ordinal);
        AssertGoodStillScanned(results);
    }

    [Fact]
    public void A_missing_path_is_a_warning()
    {
        var set = ManifestLoader.Load([dir.File("nope.yaml")]);
        Assert.Equal($"{dir.File("nope.yaml")}: no such file or directory", Assert.Single(set.Warnings));
    }
}
