using Seawall.Core.Model;
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
}
