using Seawall.Core.Model;
using Seawall.Reporting.Writers;
using Seawall.Scanning;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>`seawall config`'s service call: one result per file, fail findings with locations, warnings for bad files.</summary>
public sealed class ScanConfigTests
{
    [Fact]
    public async Task Config_scan_reports_per_file_with_locations_and_keeps_going_past_bad_files()
    {
        using var dir = new TempDir("seawall-config-");
        dir.Write("app/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  hostNetwork: true\n  containers: [{name: a, image: x:1}]\n");
        dir.Write("app/broken.yml", "kind: [\n");
        File.Copy(ManifestCheckTests.FixturePath("hardened.yaml"), dir.File("hardened.yaml"));

        var report = await new ScanService(new ScanOptions()).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);

        Assert.Equal(ArtifactType.Config, report.Artifact.Type);
        var result = Assert.Single(report.Results); // the hardened file has no failing finding, so no result
        Assert.Equal(ResultClass.Config, result.Class);
        Assert.Equal(dir.File("app/pod.yaml"), result.Target);
        var finding = Assert.Single(result.Findings, f => f.CheckId == "k8s-host-network");
        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal(new Location(dir.File("app/pod.yaml"), 5, "0", "$.spec.hostNetwork"), finding.Location);
        Assert.Equal("shop/Pod/p", finding.Target);
        Assert.All(result.Findings, f => Assert.Equal(FindingStatus.Fail, f.Status));
        Assert.Contains(report.Warnings, w => w.StartsWith(dir.File("app/broken.yml") + ":", StringComparison.Ordinal) && w.Contains("invalid YAML", StringComparison.Ordinal));

        var withPasses = await new ScanService(new ScanOptions { IncludePassed = true }).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);
        Assert.Contains(withPasses.Results, r => r.Target == dir.File("hardened.yaml") && r.Findings.All(f => f.Status == FindingStatus.Pass));
    }

    [Fact]
    public async Task Config_report_carries_the_reachability_list_and_matches_the_schema()
    {
        using var dir = new TempDir("seawall-netpol-");
        dir.Write("app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: a, image: x:1}]}\n"
            + "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: 443}]}]\n");
        var report = await new ScanService(new ScanOptions()).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);
        Assert.Equal(
            [new Reachability("0.0.0.0-255.255.255.255[External]", "shop/web[Deployment]", "TCP 443"), new Reachability("shop/web[Deployment]", "0.0.0.0-255.255.255.255[External]", "All Connections")],
            report.Reachability);
        using var stream = new MemoryStream();
        await new JsonReportWriter().WriteAsync(report, stream, TestContext.Current.CancellationToken);
        var json = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Support.SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")).AssertValid(json);
        Assert.Contains("\"conn\": \"TCP 443\"", json, StringComparison.Ordinal);
        Assert.Contains(report.Results.SelectMany(r => r.Findings), f => f.CheckId == "k8s-netpol-ingress-from-anywhere" && f.Status == FindingStatus.Fail);
    }

    [Fact]
    public async Task A_manifest_waives_checks_with_checkov_and_kube_linter_annotations_and_the_report_keeps_them()
    {
        using var dir = new TempDir("seawall-waive-");
        const string Pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {0}\n  namespace: shop\n  annotations:\n{1}spec:\n  hostNetwork: true\n  containers: [{{name: a, image: x:1, securityContext: {{privileged: true}}}}]\n";
        dir.Write("waived.yaml", string.Format(System.Globalization.CultureInfo.InvariantCulture, Pod, "waived",
            "    checkov.io/skip1: CKV_K8S_16=the CNI needs it\n    ignore-check.kube-linter.io/host-network: node agent\n"));
        // A waiver naming another check, or in a label instead of an annotation, waives nothing.
        dir.Write("kept.yaml", string.Format(System.Globalization.CultureInfo.InvariantCulture, Pod, "kept",
            "    checkov.io/skip1: CKV_K8S_1=not this one\n    ignore-check.kube-linter.io/privileged: wrong name\n"));

        var report = await new ScanService(new ScanOptions()).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);

        var waived = Assert.Single(report.Results, r => r.Target == dir.File("waived.yaml"));
        Assert.DoesNotContain(waived.Findings, f => f.CheckId is "k8s-privileged" or "k8s-host-network");
        var privileged = Assert.Single(waived.SuppressedFindings, s => s.Finding.CheckId == "k8s-privileged");
        Assert.Equal(("checkov.io/skip1", "the CNI needs it"), (privileged.Source, privileged.Statement));
        Assert.Equal(FindingStatus.Fail, privileged.Finding.Status);
        var hostNetwork = Assert.Single(waived.SuppressedFindings, s => s.Finding.CheckId == "k8s-host-network");
        Assert.Equal(("ignore-check.kube-linter.io/host-network", "node agent"), (hostNetwork.Source, hostNetwork.Statement));

        var kept = Assert.Single(report.Results, r => r.Target == dir.File("kept.yaml"));
        Assert.Contains(kept.Findings, f => f.CheckId == "k8s-privileged");
        Assert.Contains(kept.Findings, f => f.CheckId == "k8s-host-network");
        Assert.Empty(kept.SuppressedFindings);

        // With passes included, a waived check that passes is still reported as a pass (nothing is hidden by it).
        dir.Write("waived-pass.yaml", string.Format(System.Globalization.CultureInfo.InvariantCulture, Pod, "waived-pass",
            "    checkov.io/skip1: CKV_K8S_10=cpu requests are fine\n").Replace("hostNetwork: true", "hostNetwork: false", StringComparison.Ordinal)
            .Replace("image: x:1,", "image: x:1, resources: {requests: {cpu: 1}},", StringComparison.Ordinal));
        var withPasses = await new ScanService(new ScanOptions { IncludePassed = true }).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);
        var waivedPass = Assert.Single(withPasses.Results, r => r.Target == dir.File("waived-pass.yaml"));
        Assert.Contains(waivedPass.Findings, f => f.CheckId == "k8s-cpu-requests" && f.Status == FindingStatus.Pass);
        Assert.DoesNotContain(waivedPass.SuppressedFindings, s => s.Finding.CheckId == "k8s-cpu-requests");

        using var stream = new MemoryStream();
        await new JsonReportWriter().WriteAsync(report, stream, TestContext.Current.CancellationToken);
        var json = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Support.SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")).AssertValid(json);
        Assert.Contains("\"suppressedFindings\"", json, StringComparison.Ordinal);
        using var tableStream = new MemoryStream();
        await new TableReportWriter().WriteAsync(report, tableStream, TestContext.Current.CancellationToken);
        Assert.Contains("Waived in the manifest: 2", System.Text.Encoding.UTF8.GetString(tableStream.ToArray()), StringComparison.Ordinal);
    }
}
