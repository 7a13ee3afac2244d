using Seawall.Reporting.Writers;
using Seawall.Scanning;
using Seawall.Tests.Reporting;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>`seawall config --format table`: each finding names its object and the file and line to edit.</summary>
public sealed class ConfigTableTests
{
    [Fact]
    public async Task Each_finding_row_shows_its_resource_and_file_and_line()
    {
        using var dir = new TempDir("seawall-config-table-");
        dir.Write("apps.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: a, namespace: shop}
            spec:
              hostNetwork: true
              containers: [{name: a, image: "x:1"}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b}
            spec:
              hostPID: true
              containers: [{name: b, image: "x:1"}]
            """);
        var report = await new ScanService(new ScanOptions()).ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);

        var lines = (await WriterOutput.WriteAsync(new TableReportWriter(), report)).Split('\n');

        Assert.Contains(lines, l => l.StartsWith("CHECK ", StringComparison.Ordinal) && l.Contains(" RESOURCE ", StringComparison.Ordinal) && l.Contains(" LOCATION ", StringComparison.Ordinal));
        var network = Assert.Single(lines, l => l.StartsWith("k8s-host-network ", StringComparison.Ordinal));
        Assert.Matches(@"\sshop/Pod/a\s+apps\.yaml:5\s", network);
        var pid = Assert.Single(lines, l => l.StartsWith("k8s-host-pid ", StringComparison.Ordinal));
        Assert.Matches(@"\sdefault/Pod/b\s+apps\.yaml:12\s", pid); // no namespace in the manifest: default, as the target says
    }
}
