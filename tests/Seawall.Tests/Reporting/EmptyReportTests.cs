using Seawall.Core.Model;
using Seawall.Reporting.Writers;
using Seawall.Tests.Support;

namespace Seawall.Tests.Reporting;

/// <summary>A scan that found nothing still gives valid documents, whatever the artifact is called.</summary>
public sealed class EmptyReportTests
{
    [Theory]
    [InlineData("/srv/empty rootfs", "https://seawall.dev/spdx/srv-empty-rootfs-")]
    [InlineData("registry.example:5000/team/app:1.0 #nightly é", "https://seawall.dev/spdx/registry.example-5000-team-app-1.0-nightly-")]
    [InlineData("///", "https://seawall.dev/spdx/artifact-")]
    public async Task Sboms_NothingFound_AreStillValid(string name, string namespacePrefix)
    {
        var report = new ScanReport { Artifact = new ArtifactInfo(name, ArtifactType.Rootfs) };
        var clock = new FixedTimeProvider(WriterOutput.FixedTime);
        SchemaValidator.CycloneDx16().AssertValid(await WriterOutput.WriteAsync(new CycloneDxWriter(clock), report));
        var spdx = await WriterOutput.WriteAsync(new SpdxJsonWriter(clock), report);
        SchemaValidator.Spdx23().AssertValid(spdx);
        var ns = WriterOutput.Parse(spdx).GetProperty("documentNamespace").GetString()!;
        Assert.True(Uri.IsWellFormedUriString(ns, UriKind.Absolute), ns);
        Assert.StartsWith(namespacePrefix, ns, StringComparison.Ordinal);
        SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json"))
            .AssertValid(await WriterOutput.WriteAsync(new JsonReportWriter(), report));
    }
}
