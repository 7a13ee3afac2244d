using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Reporting.Sbom;
using Seawall.Reporting.Writers;
using Seawall.Tests.Support;

namespace Seawall.Tests.Reporting;

public sealed class SpdxJsonWriterTests
{
    private static Task<string> WriteAsync(ScanReport report, DateTimeOffset? time = null) =>
        WriterOutput.WriteAsync(new SpdxJsonWriter(new FixedTimeProvider(time ?? WriterOutput.FixedTime)), report);

    private static List<JsonElement> Libraries(JsonElement doc) =>
        [.. doc.GetProperty("packages").EnumerateArray().Where(p => p.TryGetProperty("primaryPackagePurpose", out var purpose) && purpose.GetString() == "LIBRARY")];

    private static List<(string From, string Type, string To)> Relationships(JsonElement doc) =>
        [.. doc.GetProperty("relationships").EnumerateArray().Select(r => (r.GetProperty("spdxElementId").GetString()!, r.GetProperty("relationshipType").GetString()!, r.GetProperty("relatedSpdxElement").GetString()!))];

    [Fact]
    public async Task Write_DebianImage_IsValidSpdx23()
    {
        SchemaValidator.Spdx23().AssertValid(await WriteAsync(await FixtureReports.DebianAsync()));
    }

    [Fact]
    public async Task Write_AlpineImage_IsValidSpdx23()
    {
        SchemaValidator.Spdx23().AssertValid(await WriteAsync(await FixtureReports.AlpineAsync()));
    }

    [Fact]
    public async Task Validator_BrokenDocument_IsRejected()
    {
        var json = await WriteAsync(await FixtureReports.AlpineAsync());
        var broken = json.Replace("\"relationshipType\": \"CONTAINS\"", "\"relationshipType\": \"HOLDS\"", StringComparison.Ordinal);
        Assert.NotEmpty(SchemaValidator.Spdx23().Errors(broken));
    }

    [Fact]
    public async Task Write_Image_DocumentDescribesArtifactWhichContainsOsAndEveryPackage()
    {
        foreach (var report in new[] { await FixtureReports.DebianAsync(), await FixtureReports.AlpineAsync() })
        {
            var doc = WriterOutput.Parse(await WriteAsync(report));
            var ids = doc.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("SPDXID").GetString()!).ToList();
            Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
            var relationships = Relationships(doc);
            var described = Assert.Single(relationships, r => r.Type == "DESCRIBES");
            Assert.Equal("SPDXRef-DOCUMENT", described.From);
            var root = doc.GetProperty("packages").EnumerateArray().Single(p => p.GetProperty("SPDXID").GetString() == described.To);
            Assert.Equal("CONTAINER", root.GetProperty("primaryPackagePurpose").GetString());
            Assert.Equal(report.Artifact.Digest, "sha256:" + root.GetProperty("checksums")[0].GetProperty("checksumValue").GetString());

            var os = Assert.Single(doc.GetProperty("packages").EnumerateArray(), p => p.GetProperty("primaryPackagePurpose").GetString() == "OPERATING_SYSTEM");
            Assert.Equal(report.Os!.Family, os.GetProperty("name").GetString());
            Assert.Equal(report.Os.Version, os.GetProperty("versionInfo").GetString());

            var contained = relationships.Where(r => r.Type == "CONTAINS" && r.From == described.To).Select(r => r.To).ToHashSet(StringComparer.Ordinal);
            Assert.Contains(os.GetProperty("SPDXID").GetString()!, contained);
            var libraries = Libraries(doc);
            Assert.Equal(WriterOutput.AllPackages(report).Count(), libraries.Count);
            Assert.All(libraries, p => Assert.Contains(p.GetProperty("SPDXID").GetString()!, contained));
            // Every relationship names elements of this document.
            Assert.All(relationships, r => Assert.True((r.From == "SPDXRef-DOCUMENT" || ids.Contains(r.From)) && ids.Contains(r.To), $"dangling relationship {r}"));
        }
    }

    [Fact]
    public async Task Write_Packages_CarryPurlSourceAndLayer()
    {
        var report = await FixtureReports.DebianAsync();
        var doc = WriterOutput.Parse(await WriteAsync(report));
        var libraries = Libraries(doc);
        Assert.Equal(
            WriterOutput.AllPackages(report).Select(p => p.Purl!).Order(StringComparer.Ordinal),
            libraries.Select(p => Assert.Single(p.GetProperty("externalRefs").EnumerateArray(), r => r.GetProperty("referenceType").GetString() == "purl").GetProperty("referenceLocator").GetString()!).Order(StringComparer.Ordinal));
        var utilLinux = libraries.Single(p => p.GetProperty("name").GetString() == "util-linux-extra");
        Assert.Equal("built package from: util-linux 2.38.1-5", utilLinux.GetProperty("sourceInfo").GetString());
        var attribution = utilLinux.GetProperty("attributionTexts").EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.Contains("seawall:layer:index=1", attribution);
        Assert.Contains($"seawall:layer:diffId={report.Artifact.Layers[1].DiffId}", attribution);
        Assert.Contains($"seawall:layer:createdBy={report.Artifact.Layers[1].CreatedBy}", attribution);
    }

    [Fact]
    public async Task Write_Licences_AreSpdxIdsOrDeclaredLicenseRefs()
    {
        var spdxIds = WriterOutput.SpdxLicenseIds();
        foreach (var report in new[] { await FixtureReports.DebianAsync(), await FixtureReports.AlpineAsync() })
        {
            var doc = WriterOutput.Parse(await WriteAsync(report));
            var extracted = doc.TryGetProperty("hasExtractedLicensingInfos", out var infos)
                ? infos.EnumerateArray().Select(i => i.GetProperty("licenseId").GetString()!).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var package in Libraries(doc))
            {
                var declared = package.GetProperty("licenseDeclared").GetString()!;
                if (declared == "NOASSERTION")
                {
                    continue;
                }
                foreach (var term in declared.Split(" AND "))
                {
                    Assert.True(spdxIds.Contains(term) || (term.StartsWith("LicenseRef-", StringComparison.Ordinal) && extracted.Contains(term)), $"{package.GetProperty("name")}: '{term}' is neither an SPDX id nor a declared LicenseRef");
                }
            }
        }
        var debian = WriterOutput.Parse(await WriteAsync(await FixtureReports.DebianAsync()));
        var attr = Libraries(debian).Single(p => p.GetProperty("name").GetString() == "attr");
        Assert.Equal("GPL-2.0-or-later AND LicenseRef-GPL-2--with-Autoconf-exception AND LicenseRef-public-domain", attr.GetProperty("licenseDeclared").GetString());
        var publicDomain = debian.GetProperty("hasExtractedLicensingInfos").EnumerateArray().Single(i => i.GetProperty("licenseId").GetString() == "LicenseRef-public-domain");
        Assert.Equal("public-domain", publicDomain.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Write_Dependencies_AreDependsOnRelationships()
    {
        var doc = WriterOutput.Parse(await WriteAsync(await FixtureReports.AlpineAsync()));
        var idOf = Libraries(doc).ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("SPDXID").GetString()!);
        var relationships = Relationships(doc);
        Assert.Contains((idOf["alpine-baselayout"], "DEPENDS_ON", idOf["alpine-baselayout-data"]), relationships);
        Assert.Contains((idOf["busybox-binsh"], "DEPENDS_ON", idOf["busybox"]), relationships);
        Assert.DoesNotContain(relationships, r => r.Type == "DEPENDS_ON" && r.From == idOf["musl"]);
    }

    [Fact]
    public async Task Write_SameReportAndTime_IsByteIdentical()
    {
        Assert.Equal(await WriteAsync(await FixtureReports.DebianAsync()), await WriteAsync(await FixtureReports.DebianAsync()));
    }

    [Fact]
    public async Task Write_AnotherTimeOrAnotherImage_HasAnotherDocumentNamespace()
    {
        var alpine = await FixtureReports.AlpineAsync();
        var first = WriterOutput.Parse(await WriteAsync(alpine)).GetProperty("documentNamespace").GetString()!;
        var later = WriterOutput.Parse(await WriteAsync(alpine, WriterOutput.FixedTime.AddSeconds(1))).GetProperty("documentNamespace").GetString()!;
        var other = WriterOutput.Parse(await WriteAsync(await FixtureReports.DebianAsync())).GetProperty("documentNamespace").GetString()!;
        Assert.Equal(3, new[] { first, later, other }.Distinct(StringComparer.Ordinal).Count());
        Assert.True(Uri.TryCreate(first, UriKind.Absolute, out var uri) && uri.Scheme == "https", first);
        Assert.DoesNotContain('#', first);
    }

    [Theory]
    [InlineData("1714564800", null, "2024-05-01T12:00:00Z")]
    [InlineData("0", null, "1970-01-01T00:00:00Z")]
    [InlineData(null, "2030-01-02T03:04:05Z", "2030-01-02T03:04:05Z")]
    [InlineData("not-a-number", "2030-01-02T03:04:05Z", "2030-01-02T03:04:05Z")]
    [InlineData("-5", "2030-01-02T03:04:05Z", "2030-01-02T03:04:05Z")]
    [InlineData("99999999999999999", "2030-01-02T03:04:05Z", "2030-01-02T03:04:05Z")]
    public void SourceDateEpochClock_ValidValue_WinsOverTheClock(string? sourceDateEpoch, string? now, string expected)
    {
        var clock = new SourceDateEpochClock(sourceDateEpoch, new FixedTimeProvider(now is null ? WriterOutput.FixedTime : DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(expected, SbomIds.CreatedAt(clock).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
    }
}
