using Seawall.Core.Model;
using Seawall.Reporting.Sbom;
using Seawall.Reporting.Writers;

namespace Seawall.Tests.Reporting;

public sealed class LicenseNamesTests
{
    [Fact]
    public void MappedIds_AreAllOnTheSpdxLicenceList()
    {
        // CycloneDX rejects a licence "id" that is not on the list, so a typo in the table would make invalid SBOMs.
        var spdxIds = WriterOutput.SpdxLicenseIds();
        Assert.All(LicenseNames.MappedIds, id => Assert.Contains(id, spdxIds));
    }

    [Theory]
    [InlineData("GPL-2+", "GPL-2.0-or-later")]
    [InlineData("LGPL-2.1", "LGPL-2.1-only")]
    [InlineData("Expat", "MIT")]
    [InlineData(" apache-2.0 ", "Apache-2.0")]
    [InlineData("GPL", null)]
    [InlineData("public-domain", null)]
    public void SpdxId_DeclaredName_MapsOnlyWhenUnambiguous(string declared, string? expected)
    {
        Assert.Equal(expected, LicenseNames.SpdxId(declared));
    }

    /// <summary>One package declaring the same licence twice under two names, and two names that spell to one LicenseRef.</summary>
    internal static ScanReport ReportWithLicences(params string[] licences) => new()
    {
        Artifact = new ArtifactInfo("licences", ArtifactType.Rootfs),
        Results =
        [
            new ScanResult
            {
                Target = "var/lib/dpkg/status", Class = ResultClass.OsPackages, Type = "dpkg",
                Packages = [new Package { Name = "zlib1g", Version = "1:1.2.13.dfsg-1", Purl = "pkg:deb/debian/zlib1g@1.2.13.dfsg-1?epoch=1", Licenses = licences }],
            },
        ],
    };

    [Fact]
    public async Task CycloneDx_TwoNamesForOneLicence_ListedOnce()
    {
        var report = ReportWithLicences("Apache-2", "Apache-2.0", "public domain", "public-domain", "public domain");
        var json = await WriterOutput.WriteAsync(new CycloneDxWriter(new FixedTimeProvider(WriterOutput.FixedTime)), report);
        Support.SchemaValidator.CycloneDx16().AssertValid(json);
        var licences = WriterOutput.Parse(json).GetProperty("components")[0].GetProperty("licenses").EnumerateArray()
            .Select(l => l.GetProperty("license")).Select(l => l.TryGetProperty("id", out var id) ? "id:" + id.GetString() : "name:" + l.GetProperty("name").GetString());
        Assert.Equal(["id:Apache-2.0", "name:public domain", "name:public-domain"], licences);
    }

    [Fact]
    public async Task Spdx_NamesSpelledToOneLicenseRef_KeepTheirOwnIds()
    {
        var report = ReportWithLicences("Apache-2", "Apache-2.0", "public domain", "public-domain", "public domain");
        var json = await WriterOutput.WriteAsync(new SpdxJsonWriter(new FixedTimeProvider(WriterOutput.FixedTime)), report);
        Support.SchemaValidator.Spdx23().AssertValid(json);
        var doc = WriterOutput.Parse(json);
        var package = doc.GetProperty("packages").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "zlib1g");
        Assert.Equal("Apache-2.0 AND LicenseRef-public-domain AND LicenseRef-public-domain-2", package.GetProperty("licenseDeclared").GetString());
        var extracted = doc.GetProperty("hasExtractedLicensingInfos").EnumerateArray()
            .ToDictionary(i => i.GetProperty("licenseId").GetString()!, i => i.GetProperty("extractedText").GetString()!);
        Assert.Equal(new Dictionary<string, string> { ["LicenseRef-public-domain"] = "public domain", ["LicenseRef-public-domain-2"] = "public-domain" }, extracted);
    }
}
