using System.Text;
using System.Text.Json.Nodes;
using Seawall.Core.Errors;
using Seawall.Core.Model;
using Seawall.Inventory.Sbom;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Sbom;

/// <summary>
/// Broken and hostile SBOMs: a document that cannot be read is one ScanException with a one-line message; a
/// component that cannot be read is a one-line warning naming it, and the rest of the document is still read.
/// </summary>
public sealed class SbomReaderHostileTests
{
    private static ScanException Fails(string content) =>
        Assert.Throws<ScanException>(() => SbomReader.Parse(Encoding.UTF8.GetBytes(content), "bom.json"));

    [Theory]
    [InlineData("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [", "bom.json: invalid JSON at line 1")]
    [InlineData("{\"bomFormat\": \"CycloneDX\",\n\"specVersion\": 1.5 1.6}", "bom.json: invalid JSON at line 2")]
    [InlineData("[]", "not a CycloneDX or SPDX document (the JSON is not an object)")]
    [InlineData("{}", "not a CycloneDX or SPDX document (no bomFormat or spdxVersion)")]
    [InlineData("{\"bomFormat\": \"SWID\"}", "bomFormat 'SWID' is not CycloneDX")]
    [InlineData("{\"bomFormat\": \"CycloneDX\"}", "CycloneDX document without a specVersion")]
    [InlineData("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"2.0\"}", "CycloneDX 2.0 is not supported (1.2 to 1.6 are)")]
    [InlineData("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.1\"}", "CycloneDX 1.1 is not supported")]
    [InlineData("{\"spdxVersion\": \"SPDX-3.0\"}", "SPDX-3.0 is not supported (SPDX-2.2 and SPDX-2.3 are)")]
    [InlineData("{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\", \"@graph\": []}", "an SPDX 3 (JSON-LD) document")]
    [InlineData("   \n", "empty file, not an SBOM")]
    [InlineData("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", "not a CycloneDX or SPDX JSON document")]
    [InlineData("<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"/>", "an XML document")]
    public void Parse_NotAReadableSbom_OneLineError(string content, string expected)
    {
        var ex = Fails(content);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Parse_NestedTooDeep_InvalidJsonNotAStackOverflow()
    {
        var deep = new StringBuilder("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [");
        for (var i = 0; i < 1000; i++)
        {
            deep.Append("{\"type\": \"library\", \"components\": [");
        }
        Assert.Contains("invalid JSON", Fails(deep.ToString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FieldsOfTheWrongKind_ReadAsAbsent()
    {
        var document = SbomReader.Parse(Encoding.UTF8.GetBytes(
            "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"metadata\": 5, \"components\": [7, {\"type\": \"library\", \"name\": 3, \"purl\": [\"x\"], \"properties\": {}, \"licenses\": \"MIT\"}], \"dependencies\": \"none\"}"), "bom.json");
        var component = Assert.Single(document.Components);
        Assert.Equal((null, null), (component.Name, component.Purl));
        Assert.Empty(component.Properties);
        Assert.Empty(document.Dependencies);
    }

    [Fact]
    public async Task ReadAsync_OverTheSizeCap_RefusedBeforeReading()
    {
        using var dir = new TempDir();
        var path = dir.File("huge.cdx.json");
        await using (var file = File.Create(path))
        {
            // Sparse: nothing is written, the length alone must stop the read.
            file.SetLength(SbomReader.MaxFileSize + 1);
        }
        var ex = await Assert.ThrowsAsync<LimitExceededException>(() => SbomFixtures.ReadAsync(path));
        Assert.Contains("over the 256 MB limit for an SBOM", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MissingFileOrDirectory_OneLineError()
    {
        using var dir = new TempDir();
        Assert.EndsWith("nope.json: no such file", (await Assert.ThrowsAsync<ScanException>(() => SbomFixtures.ReadAsync(dir.File("nope.json")))).Message, StringComparison.Ordinal);
        Assert.EndsWith("is a directory, not an SBOM file", (await Assert.ThrowsAsync<ScanException>(() => SbomFixtures.ReadAsync(dir.Path))).Message, StringComparison.Ordinal);
    }

    /// <summary>Trivy's real Debian document with some components spoiled.</summary>
    private static async Task<ScanReport> ReadSpoiledAsync(Action<JsonArray> spoil)
    {
        var bom = JsonNode.Parse(await File.ReadAllTextAsync(SbomFixtures.TestData("debian.trivy.cdx.json"), TestContext.Current.CancellationToken))!;
        spoil(bom["components"]!.AsArray());
        using var dir = new TempDir();
        var path = dir.File("spoiled.cdx.json");
        await File.WriteAllTextAsync(path, bom.ToJsonString(), TestContext.Current.CancellationToken);
        return await SbomFixtures.ReadAsync(path);
    }

    private static JsonNode Component(JsonArray components, string name) => components.Single(c => c!["name"]!.GetValue<string>() == name)!;

    [Fact]
    public async Task Read_ComponentsWithoutPurl_SkippedWithOneWarning()
    {
        var read = await ReadSpoiledAsync(components =>
        {
            Component(components, "acl").AsObject().Remove("purl");
            // A name with a line break must not break the warning's line.
            var adduser = Component(components, "adduser").AsObject();
            adduser.Remove("purl");
            adduser["name"] = "add\nuser";
        });
        Assert.Equal(5, SbomAssert.Packages(read).Count());
        Assert.DoesNotContain(SbomAssert.Packages(read), p => p.Name is "acl" or "adduser");
        var warning = Assert.Single(read.Warnings);
        Assert.Equal("2 components without a purl skipped (nothing to identify the package by): acl@2.3.1-3, add user@3.131", warning);
    }

    [Fact]
    public async Task Read_UnknownAndInvalidPurls_KeptOrSkippedWithWarnings()
    {
        var read = await ReadSpoiledAsync(components =>
        {
            Component(components, "acl")["purl"] = "pkg:generic/acl@2.3.1?download_url=https%3A%2F%2Fexample.org%2Facl.tgz";
            Component(components, "adduser")["purl"] = "adduser 3.131";
        });
        // The unknown type is kept, listed under its purl type, with no ecosystem to match against.
        var generic = Assert.Single(read.Results, r => r.Type == "generic");
        var acl = Assert.Single(generic.Packages);
        Assert.Equal(("acl", "2.3.1", null, ResultClass.LangPackages), (acl.Name, acl.Version, acl.Ecosystem, generic.Class));
        Assert.DoesNotContain(SbomAssert.Packages(read), p => p.Name == "adduser");
        Assert.Equal(6, SbomAssert.Packages(read).Count());
        Assert.Equal(
            [
                "1 component with an invalid purl skipped: adduser@3.131 (does not start with pkg:)",
                "1 package of purl type 'generic' kept without an ecosystem (no advisory source for it): acl@2.3.1-3",
            ],
            read.Warnings);
    }

    [Fact]
    public async Task Read_ManyBadComponents_WarningListsAFewAndCounts()
    {
        var read = await ReadSpoiledAsync(components =>
        {
            foreach (var c in components.Where(c => c!["purl"] is not null))
            {
                c!.AsObject().Remove("purl");
            }
        });
        Assert.Empty(SbomAssert.Packages(read));
        Assert.EndsWith(" and 2 more", Assert.Single(read.Warnings), StringComparison.Ordinal);
    }
}
