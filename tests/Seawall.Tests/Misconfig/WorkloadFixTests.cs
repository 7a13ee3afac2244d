using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Fixes;
using Seawall.Misconfig.Manifests;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// Each fix patch, applied with a strategic merge to the manifest whose check failed, makes that check pass: the
/// patched object is written back to YAML, loaded again and judged again.
/// </summary>
public sealed class WorkloadFixTests
{
    /// <summary>Everything wrong at once: two containers and an init container, pod-level flags, root everywhere.</summary>
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              hostPID: true
              hostIPC: true
              hostNetwork: true
              securityContext:
                runAsUser: 0
                seccompProfile: {type: Unconfined}
              initContainers:
                - name: init
                  image: alpine:3.20
                  securityContext: {privileged: true}
              containers:
                - name: app
                  image: nginx:1.27
                  imagePullPolicy: IfNotPresent
                  securityContext:
                    privileged: true
                    allowPrivilegeEscalation: true
                    readOnlyRootFilesystem: false
                    runAsUser: 0
                    capabilities: {add: [SYS_ADMIN, NET_ADMIN], drop: [MKNOD]}
                - name: sidecar
                  image: busybox:1.36
                  resources:
                    limits: {cpu: "2", memory: 1Gi}
        """;

    /// <summary>A CronJob's pod spec is three levels further down; nothing is set.</summary>
    private const string CronJob = """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: sync}
        spec:
          schedule: "*/5 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: sync
                      image: registry.example.com/sync:2.1
        """;

    /// <summary>A bare Pod: resources written as null, a container that asks for root explicitly.</summary>
    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: tool, namespace: ops}
        spec:
          securityContext: {runAsUser: 500, seccompProfile: {type: Localhost, localhostProfile: x.json}}
          automountServiceAccountToken: true
          containers:
            - name: tool
              image: tool:1
              imagePullPolicy: Never
              resources: ~
              securityContext: {runAsNonRoot: false, runAsUser: 20000, capabilities: {add: [CAP_SYS_ADMIN]}}
        """;

    public static TheoryData<string> FixableChecks => [.. WorkloadFixes.CheckIds.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(FixableChecks))]
    public void Applying_the_patch_makes_the_failed_check_pass(string checkId)
    {
        var check = ManifestCheckCatalog.All.Single(c => c.Info.Id == checkId);
        var failed = 0;
        foreach (var (name, yaml) in new[] { ("Deployment", Deployment), ("CronJob", CronJob), ("Pod", Pod) })
        {
            var result = Judge(yaml, check);
            if (result is not { Outcome.Failed: true })
            {
                continue;
            }
            failed++;
            var patch = WorkloadFixes.For(result);
            Assert.True(patch is not null, $"{checkId} on the {name}: no patch");
            Assert.Equal(patch, result.ToFinding().Fix);
            var patched = StrategicMerge(yaml, patch);
            var again = Judge(patched, check);
            Assert.True(again is { Outcome.Failed: false }, $"{checkId} on the {name} still fails after\n{patch}\n{again?.Outcome.Evidence}\n{patched}");
        }
        // The fixtures are written so that every fixable check fails on at least one of them.
        Assert.True(failed > 0, $"{checkId} failed on no fixture: the test proved nothing");
    }

    [Fact]
    public void A_patch_is_rooted_at_the_object_and_names_each_container_it_changes()
    {
        var result = Judge(Deployment, ManifestCheckCatalog.All.Single(c => c.Info.Id == "k8s-privileged"))!;
        Assert.Equal("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              template:
                spec:
                  containers:
                    - name: app
                      securityContext:
                        privileged: false
                  initContainers:
                    - name: init
                      securityContext:
                        privileged: false

            """.Replace("\r", string.Empty, StringComparison.Ordinal), WorkloadFixes.For(result));

        var cpu = WorkloadFixes.For(Judge(Deployment, ManifestCheckCatalog.All.Single(c => c.Info.Id == "k8s-cpu-requests"))!)!;
        Assert.StartsWith("# resource values are placeholders", cpu, StringComparison.Ordinal);
        Assert.Contains("- name: sidecar\n          resources:\n            requests:\n              cpu: \"2\"", cpu, StringComparison.Ordinal); // the limit, not a placeholder above it
        Assert.Contains("cpu: \"100m\"", cpu, StringComparison.Ordinal);

        var cron = WorkloadFixes.For(Judge(CronJob, ManifestCheckCatalog.All.Single(c => c.Info.Id == "k8s-host-network"))!);
        Assert.Null(cron); // the CronJob passes hostNetwork: nothing to fix
        var token = WorkloadFixes.For(Judge(CronJob, ManifestCheckCatalog.All.Single(c => c.Info.Id == "k8s-service-account-token"))!)!;
        Assert.Contains("spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          automountServiceAccountToken: false\n", token, StringComparison.Ordinal);
        Assert.DoesNotContain("namespace:", token, StringComparison.Ordinal); // the manifest names none: kubectl's context decides
    }

    [Fact]
    public void Checks_without_a_mechanical_fix_and_unpatchable_containers_get_no_patch()
    {
        var probe = Judge(Deployment, ManifestCheckCatalog.All.Single(c => c.Info.Id == "k8s-liveness-probe"))!;
        Assert.True(probe.Outcome.Failed);
        Assert.Null(WorkloadFixes.For(probe));
        Assert.Null(probe.ToFinding().Fix);

        // An ephemeral container changes only through its subresource: no patch rather than one that leaves it failing.
        var ephemeral = Pod.Replace("  containers:", "  ephemeralContainers:\n    - name: debug\n      image: busybox:1.36\n      securityContext: {privileged: true}\n  containers:", StringComparison.Ordinal);
        var result = Judge(ephemeral, ManifestCheckCatalog.All.Single(c => c.Info.Id == "k8s-privileged"))!;
        Assert.True(result.Outcome.Failed);
        Assert.Null(WorkloadFixes.For(result));
    }

    private static CheckResult? Judge(string yaml, ManifestCheck check)
    {
        var resources = new List<ManifestResource>();
        var warnings = new List<string>();
        ManifestLoader.LoadText("fixture.yaml", yaml, resources, warnings);
        Assert.Empty(warnings);
        return ManifestScanner.Run([Assert.Single(resources)], [check]).SingleOrDefault();
    }

    /// <summary>
    /// kubectl's strategic merge, as far as pod specs need it: mappings merge, null deletes, lists of mappings with a
    /// name merge by name (containers, initContainers), other lists are replaced. The patch must name the same object.
    /// </summary>
    private static string StrategicMerge(string original, string patch)
    {
        var target = Load(original);
        var changes = Load(patch);
        foreach (var key in new[] { "apiVersion", "kind" })
        {
            Assert.Equal(Scalar(target, key), Scalar(changes, key));
        }
        Assert.Equal(Scalar((YamlMappingNode)target["metadata"], "name"), Scalar((YamlMappingNode)changes["metadata"], "name"));
        Merge(target, changes);
        var stream = new YamlStream(new YamlDotNet.RepresentationModel.YamlDocument(target));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlScalarNode)node).Value : null;

    private static bool IsNull(YamlDotNet.RepresentationModel.YamlNode node) => node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "null" or "~" or "" };

    private static void Merge(YamlMappingNode target, YamlMappingNode patch)
    {
        foreach (var (key, value) in patch.Children)
        {
            target.Children.TryGetValue(key, out var existing);
            if (IsNull(value))
            {
                target.Children.Remove(key);
            }
            else if (value is YamlMappingNode patchMap && existing is YamlMappingNode targetMap)
            {
                Merge(targetMap, patchMap);
            }
            else if (value is YamlSequenceNode patchList && existing is YamlSequenceNode targetList && IsNamedList(patchList) && IsNamedList(targetList))
            {
                foreach (var item in patchList.Children.Cast<YamlMappingNode>())
                {
                    var name = Scalar(item, "name");
                    if (targetList.Children.Cast<YamlMappingNode>().FirstOrDefault(t => Scalar(t, "name") == name) is { } match)
                    {
                        Merge(match, item);
                    }
                    else
                    {
                        targetList.Children.Add(item);
                    }
                }
            }
            else
            {
                target.Children[key] = value;
            }
        }
    }

    private static bool IsNamedList(YamlSequenceNode list) =>
        list.Children.Count > 0 && list.Children.All(i => i is YamlMappingNode m && Scalar(m, "name") is not null);
}
