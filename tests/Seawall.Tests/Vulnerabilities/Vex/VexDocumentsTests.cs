using System.Text;
using Seawall.Core.Errors;
using Seawall.Core.Model;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Vex;

namespace Seawall.Tests.Vulnerabilities.Vex;

public sealed class VexDocumentsTests
{
    [Theory]
    [InlineData("openvex-image.json")]
    [InlineData("openvex-package.json")]
    public void TestDocuments_OpenVex_AreValidAgainstTheOpenVexSchema(string name) =>
        SchemaValidator.OpenVex().AssertValid(File.ReadAllText(VexTestData.File(name)));

    [Fact]
    public void TestDocuments_CycloneDxVex_IsValidAgainstCycloneDx16() =>
        SchemaValidator.CycloneDx16().AssertValid(File.ReadAllText(VexTestData.File("cyclonedx-vex.json")));

    [Fact]
    public void Schema_OpenVexWithoutStatus_IsRejected()
    {
        // The schema really checks the statements (so the validation above can fail).
        var json = File.ReadAllText(VexTestData.File("openvex-package.json")).Replace("\"status\": \"affected\",", string.Empty, StringComparison.Ordinal);
        Assert.NotEmpty(SchemaValidator.OpenVex().Errors(json));
    }

    [Fact]
    public void Load_OpenVexImageProduct_ReadsSubcomponentsJustificationAndStatements()
    {
        var path = VexTestData.File("openvex-image.json");
        var statements = VexDocuments.Load(path);
        Assert.Equal(2, statements.Count);
        var netip = statements[0];
        Assert.Equal(["CVE-2024-24790", "https://nvd.nist.gov/vuln/detail/CVE-2024-24790", "GO-2024-2887"], netip.VulnerabilityIds);
        Assert.Equal(VexStatus.NotAffected, netip.Status);
        Assert.Equal("vulnerable_code_not_in_execute_path", netip.Justification);
        Assert.Equal("dockerd never uses netip.Addr.Is* results for access decisions", netip.Statement);
        Assert.Equal(path, netip.Source);
        Assert.Equal(new DateTimeOffset(2024, 6, 10, 9, 0, 0, TimeSpan.Zero), netip.Timestamp);
        var image = Assert.Single(netip.Products);
        Assert.Equal("oci", image.Purl!.Type);
        Assert.Equal("sha256:" + new string('e', 64), image.Purl.Version);
        Assert.Equal("stdlib", Assert.Single(image.Subcomponents).Purl!.Name);

        var glibc = statements[1];
        Assert.Equal(VexStatus.UnderInvestigation, glibc.Status);
        Assert.Equal("checking whether any setuid binary ships in the image", glibc.Statement);
        // identifiers.purl wins over an @id: it carries the distro qualifier.
        Assert.Equal("debian-12.1", Assert.Single(glibc.Products).Purl!.Qualifiers["distro"]);
    }

    [Fact]
    public void Load_CycloneDxVex_MapsStatesAndResolvesBomLinks()
    {
        var statements = VexDocuments.Load(VexTestData.File("cyclonedx-vex.json"));
        // The fourth vulnerability has no analysis: it states nothing.
        Assert.Equal(["CVE-2023-45853", "CVE-2011-3374", "CVE-2023-4911"], statements.Select(s => s.VulnerabilityIds[0]));
        var zlib = statements[0];
        Assert.Equal(VexStatus.NotAffected, zlib.Status);
        Assert.Equal("code_not_present", zlib.Justification);
        Assert.Equal("minizip is not built from zlib in Debian", zlib.Statement);
        Assert.Equal(new DateTimeOffset(2024, 6, 12, 10, 0, 0, TimeSpan.Zero), zlib.Timestamp);
        // "urn:cdx:...#zlib" names the component whose bom-ref is "zlib", and so its purl.
        Assert.Equal("zlib1g", Assert.Single(zlib.Products).Purl!.Name);

        Assert.Equal(VexStatus.UnderInvestigation, statements[1].Status);
        Assert.Equal("will_not_fix", statements[1].Action);
        Assert.Equal("apt", Assert.Single(statements[1].Products).Purl!.Name);
        Assert.Equal(VexStatus.Fixed, statements[2].Status);
    }

    [Fact]
    public void Parse_OpenVex001StringForms_AreRead()
    {
        const string json = """
            {"@context": "https://openvex.dev/ns", "@id": "x", "author": "a", "timestamp": "2023-01-01T00:00:00Z", "version": 1,
             "statements": [{"vulnerability": "CVE-2024-24790", "products": ["pkg:golang/stdlib@v1.22.3"], "status": "fixed"}]}
            """;
        var statement = Assert.Single(VexDocuments.Parse(Encoding.UTF8.GetBytes(json), "old.json"));
        Assert.Equal(["CVE-2024-24790"], statement.VulnerabilityIds);
        Assert.Equal(VexStatus.Fixed, statement.Status);
        Assert.Equal("v1.22.3", Assert.Single(statement.Products).Purl!.Version);
    }

    [Theory]
    [InlineData("{", "vex.json: not valid JSON")]
    [InlineData("[]", "vex.json: not a VEX document")]
    [InlineData("{\"spdxVersion\": \"SPDX-2.3\"}", "vex.json: neither OpenVEX")]
    [InlineData("{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}", "vex.json: OpenVEX document without a statements list")]
    [InlineData("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": {\"name\": \"CVE-2024-24790\"}, \"status\": \"exploitable\"}]}", "vex.json: statement 1: unknown status 'exploitable'")]
    [InlineData("{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"status\": \"fixed\"}]}", "vex.json: statement 1: no vulnerability name")]
    [InlineData("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"}", "vex.json: CycloneDX document without vulnerabilities")]
    [InlineData("{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-2024-24790\", \"analysis\": {\"state\": \"ok\"}}]}", "vex.json: CVE-2024-24790: unknown analysis state 'ok'")]
    public void Parse_Broken_IsOneLineError(string json, string expected)
    {
        var ex = Assert.Throws<ScanException>(() => VexDocuments.Parse(Encoding.UTF8.GetBytes(json), "vex.json"));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_MissingOrHuge_IsAnError()
    {
        using var dir = new TempDir();
        Assert.Contains("VEX file not found", Assert.Throws<ScanException>(() => VexDocuments.Load(dir.File("none.json"))).Message, StringComparison.Ordinal);
        using (var f = File.Create(dir.File("big.json")))
        {
            f.SetLength(VexDocuments.MaxBytes + 1);
        }
        Assert.Throws<LimitExceededException>(() => VexDocuments.Load(dir.File("big.json")));
    }
}
