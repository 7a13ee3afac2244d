using Seawall.TestSupport;

namespace Seawall.Tests.Inventory.Sbom;

/// <summary>
/// The Trivy documents committed under TestData/Sbom (made from the same fixtures by <see cref="TrivySbomLiveTests"/>)
/// read as Seawall scans those fixtures, on machines without Trivy too.
/// </summary>
public sealed class TrivySbomFileTests
{
    [Theory]
    [InlineData("debian.trivy.cdx.json")]
    [InlineData("debian.trivy.spdx.json")]
    public async Task DebianFixture_TrivyDocument_ReadsAsSeawallScansTheImage(string file)
    {
        var read = await SbomFixtures.ReadAsync(SbomFixtures.TestData(file));
        SbomAssert.KeepsEveryPurl(read, File.ReadAllText(SbomFixtures.TestData(file)));
        SbomAssert.ReadsAsScanned(read, await SbomFixtures.ScanImageAsync("debian:fixture", FixtureImages.DebianLayers()), layerIds: false);

        // The details a vulnerability match needs, spelled as the dpkg analyzer spells them.
        var libacl = Assert.Single(SbomAssert.Packages(read), p => p.Name == "libacl1");
        Assert.Equal(("acl", "2.3.1-3", "amd64", "dpkg"), (libacl.SourceName, libacl.SourceVersion, libacl.Arch, read.Results[0].Type));
        // The purl carries the epoch as a qualifier; Package.Version is dpkg's "epoch:upstream-revision".
        var attr = Assert.Single(SbomAssert.Packages(read), p => p.Name == "attr");
        Assert.Equal(("1:2.5.1-4", 1, "4"), (attr.Version, attr.Epoch, attr.Release));
        Assert.Equal("debian 12.5", read.Results[0].Target);
        Assert.Empty(read.Warnings);
        Assert.Equal(2, read.Artifact.Layers.Count);
    }

    [Fact]
    public async Task AlpineFixture_TrivyCycloneDx_ReadsAsSeawallScansTheImage()
    {
        var path = SbomFixtures.TestData("alpine.trivy.cdx.json");
        var read = await SbomFixtures.ReadAsync(path);
        SbomAssert.KeepsEveryPurl(read, File.ReadAllText(path));
        SbomAssert.ReadsAsScanned(read, await SbomFixtures.ScanImageAsync("alpine:fixture", FixtureImages.AlpineLayers()), layerIds: false);
        // The apk purl's distro qualifier is a bare "3.18.0": the family comes from the namespace.
        Assert.Equal(("alpine", "3.18.0"), (read.Os!.Family, read.Os.Version));
        var ssl = Assert.Single(SbomAssert.Packages(read), p => p.Name == "libssl3");
        Assert.Equal("openssl", ssl.SourceName);
    }

    [Theory]
    [InlineData("lockfiles.trivy.cdx.json")]
    [InlineData("lockfiles.trivy.spdx.json")]
    public async Task LockfileProject_TrivyDocument_ReadsAsSeawallScansTheDirectory(string file)
    {
        var read = await SbomFixtures.ReadAsync(SbomFixtures.TestData(file));
        SbomAssert.KeepsEveryPurl(read, File.ReadAllText(SbomFixtures.TestData(file)));
        SbomAssert.ReadsAsScanned(read, await SbomFixtures.ScanLangProjectAsync(), TrivyLockfileDifferences.OnlyTrivy, TrivyLockfileDifferences.OnlySeawall, samePurls: false);

        // Trivy's Go purl lower-cases the path and drops the "v"; the package is named as Seawall's go.mod reader names it.
        var toml = Assert.Single(SbomAssert.Packages(read), p => p.Name == "github.com/BurntSushi/toml");
        Assert.Equal(("github.com/BurntSushi/toml", "v1.0.0", "pkg:golang/github.com/burntsushi/toml@1.0.0"), (toml.Name, toml.Version, toml.Purl));
        // Ecosystems Seawall has no analyzer for yet still get their OSV names.
        Assert.Equal(["Hex", "Pub"], SbomAssert.Packages(read).Where(p => p.Name is "plug" or "shelf").Select(p => p.Ecosystem!).Order(StringComparer.Ordinal));
        Assert.Contains(read.Results, r => r is { Target: "elixir/mix.lock", Type: "hex" });
        Assert.Empty(read.Warnings);
    }
}
