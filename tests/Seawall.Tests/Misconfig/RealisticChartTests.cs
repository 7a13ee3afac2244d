using Seawall.Misconfig.Checks;
using Seawall.Misconfig.Manifests;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// Fixtures/charts holds manifests written as `helm template` and kubectl render real charts (ingress-nginx,
/// Bitnami PostgreSQL, prometheus-node-exporter, the flannel CNI DaemonSet, fluent-bit with a kubectl-wrapped
/// argument). They must load without a warning and get the findings an operator would expect of each: the host
/// agents are flagged for the host access they need, the hardened database is not flagged for what it hardens.
/// </summary>
public sealed class RealisticChartTests
{
    private static readonly string Charts = Path.GetDirectoryName(ManifestCheckTests.FixturePath(Path.Combine("charts", "flannel.yaml")))!;

    private static readonly Lazy<(ManifestSet Set, List<CheckResult> Results)> Scan = new(() =>
    {
        var set = ManifestLoader.Load([Charts]);
        return (set, [.. ManifestScanner.Run(set.Resources, ManifestCheckCatalog.All)]);
    });

    private static HashSet<string> Failed(string target) =>
        [.. Scan.Value.Results.Where(r => r.Resource.Target == target && r.Outcome.Failed).Select(r => r.Check.Info.Id)];

    private static HashSet<string> Passed(string target) =>
        [.. Scan.Value.Results.Where(r => r.Resource.Target == target && !r.Outcome.Failed).Select(r => r.Check.Info.Id)];

    [Fact]
    public void Every_object_loads_without_a_warning()
    {
        var (set, _) = Scan.Value;
        Assert.Empty(set.Warnings);
        Assert.Equal(5, set.Files);
        Assert.Equal(
            ["ClusterRole", "ClusterRoleBinding", "DaemonSet", "DaemonSet", "DaemonSet", "Deployment", "Namespace", "Secret", "Service", "Service", "ServiceAccount", "StatefulSet"],
            set.Resources.Select(r => r.Kind).Order(StringComparer.Ordinal));
        // Each file is inside the fast reader's subset: real rendered charts are what it was built for.
        foreach (var file in Directory.EnumerateFiles(Charts))
        {
            Assert.True(FastYamlReader.TryRead(File.ReadAllText(file), out _, out var declined), $"{file}: {declined}");
        }
    }

    [Fact]
    public void The_CNI_DaemonSet_is_flagged_for_host_network_raw_sockets_and_root()
    {
        var failed = Failed("kube-flannel/DaemonSet/kube-flannel-ds");
        // flannel needs the node's network and NET_ADMIN/NET_RAW: exactly what an operator must review.
        Assert.Superset(new HashSet<string> { "k8s-host-network", "k8s-capabilities-added", "k8s-drop-net-raw", "k8s-run-as-non-root", "k8s-allow-privilege-escalation" }, failed);
        Assert.DoesNotContain("k8s-privileged", failed); // privileged: false, said explicitly
        Assert.DoesNotContain("k8s-host-pid", failed);
        // Its kubectl-wrapped comma-free args still read as one list item each (no multi-line surprise).
        var container = Scan.Value.Set.Resources.Single(r => r.Kind == "DaemonSet" && r.Name == "kube-flannel-ds").Workload!.Containers;
        Assert.Equal(["kube-flannel", "install-cni-plugin", "install-cni"], container.Select(c => c.Name));
    }

    [Fact]
    public void The_node_exporter_is_flagged_for_host_PID_and_network_but_not_for_running_as_root()
    {
        var target = "monitoring/DaemonSet/monitoring-prometheus-node-exporter";
        var failed = Failed(target);
        Assert.Superset(new HashSet<string> { "k8s-host-pid", "k8s-host-network", "k8s-memory-limits", "k8s-seccomp" }, failed);
        // runAsNonRoot and a high uid on the pod; a read-only root filesystem on the container.
        Assert.Superset(new HashSet<string> { "k8s-run-as-non-root", "k8s-read-only-root-filesystem", "k8s-high-uid", "k8s-service-account-token" }, Passed(target));
    }

    [Fact]
    public void The_hardened_database_passes_what_it_hardens_and_is_flagged_for_what_it_does_not()
    {
        var target = "shop/StatefulSet/shop-postgresql";
        var passed = Passed(target);
        Assert.Superset(new HashSet<string>
        {
            "k8s-privileged", "k8s-allow-privilege-escalation", "k8s-read-only-root-filesystem", "k8s-run-as-non-root",
            "k8s-drop-all-capabilities", "k8s-drop-net-raw", "k8s-seccomp", "k8s-memory-limits", "k8s-cpu-limits",
            "k8s-liveness-probe", "k8s-readiness-probe", "k8s-service-account-token",
        }, passed);
        // The password comes from a secretKeyRef: the secrets-as-env-vars check fails on it, as checkov's CKV_K8S_35
        // does (mount secrets as files instead), and the tag is not a digest.
        var failed = Failed(target);
        Assert.Superset(new HashSet<string> { "k8s-image-digest", "k8s-secrets-in-env" }, failed);
        Assert.DoesNotContain("k8s-privileged", failed);
    }

    [Fact]
    public void The_ingress_controller_is_pinned_by_digest_and_confined()
    {
        var target = "ingress-nginx/Deployment/ingress-nginx-controller";
        var failed = Failed(target);
        var passed = Passed(target);
        Assert.Superset(new HashSet<string> { "k8s-image-digest", "k8s-image-tag-fixed", "k8s-run-as-non-root", "k8s-seccomp", "k8s-drop-all-capabilities", "k8s-allow-privilege-escalation" }, passed);
        // No memory limit, and a writable root filesystem (the chart's default).
        Assert.Superset(new HashSet<string> { "k8s-memory-limits", "k8s-read-only-root-filesystem" }, failed);
    }

    [Fact]
    public void A_kubectl_wrapped_argument_reads_as_one_folded_string()
    {
        var fluent = Scan.Value.Set.Resources.Single(r => r.Name == "logging-fluent-bit").Workload!.Containers.Single();
        var args = fluent.Node.Seq("args")!.Items.Cast<YamlScalar>().Select(s => s.Value).ToList();
        Assert.Equal("--config=/fluent-bit/etc/conf/fluent-bit.conf --storage_path=/var/fluent-bit/state --http_server", args[1]);
    }
}
