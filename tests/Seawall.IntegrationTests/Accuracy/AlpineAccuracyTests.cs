using Seawall.IntegrationTests.Support;
using Seawall.TestSupport;

namespace Seawall.IntegrationTests.Accuracy;

/// <summary>
/// Issue 2's acceptance: for an Alpine image built from the shared corpus's real apk database (and a Debian one
/// from its real dpkg status), Seawall's CycloneDX lists exactly the package purls Trivy's lists. The images
/// are OCI image layouts packed in a tar, written here by hand. Figures are recorded in docs/accuracy.md.
/// </summary>
public sealed class AlpineAccuracyTests
{
    /// <summary>The same layout as a directory, the only OCI form Trivy's --input reads.</summary>
    private static string Unpacked(string archive, TempDir dir)
    {
        var target = Directory.CreateDirectory(dir.File(Path.GetFileNameWithoutExtension(archive) + ".dir")).FullName;
        System.Formats.Tar.TarFile.ExtractToDirectory(archive, target, overwriteFiles: false);
        return target;
    }

    [Fact]
    public async Task AlpineFixtureLayout_SamePurlsAsTrivy()
    {
        ProcessRunner.Require(PeerComparison.TrivyProgram);
        using var dir = new TempDir();
        var archive = dir.File("alpine-fixture.oci.tar");
        TestImageBuilder.WriteOciLayoutTar(archive, "alpine-fixture:3.18", FixtureImages.AlpineLayers());

        var comparison = await PeerComparison.RunAsync("alpine-apk-fixture", archive, dir, Unpacked(archive, dir));

        Assert.Equal(15, comparison.TrivyKeys.Count);
        Assert.Equal(comparison.TrivyKeys.Order(StringComparer.Ordinal), comparison.SeawallKeys.Order(StringComparer.Ordinal));
        Assert.Empty(comparison.QualifierDifferences);
        // apk declares SPDX expressions; the two tools differ only in spelling (GPL-2.0-only against Trivy's GPL-2.0).
        Assert.Equal(15, comparison.SameLicencesFolded);
        // The same dependency graph: so:, cmd: and file needs resolved through the providing package.
        Assert.Empty(comparison.DependencyEdgesOnlyTrivy);
        Assert.Empty(comparison.DependencyEdgesOnlySeawall);
    }

    [Fact]
    public async Task DebianFixtureLayout_SamePurlsAsTrivy()
    {
        ProcessRunner.Require(PeerComparison.TrivyProgram);
        using var dir = new TempDir();
        var archive = dir.File("debian-fixture.oci.tar");
        TestImageBuilder.WriteOciLayoutTar(archive, "debian-fixture:12", FixtureImages.DebianLayers());

        var comparison = await PeerComparison.RunAsync("debian-dpkg-fixture", archive, dir, Unpacked(archive, dir));

        Assert.Equal(7, comparison.TrivyKeys.Count);
        Assert.Equal(comparison.TrivyKeys.Order(StringComparer.Ordinal), comparison.SeawallKeys.Order(StringComparer.Ordinal));
        Assert.Empty(comparison.QualifierDifferences);
        Assert.Empty(comparison.DependencyEdgesOnlyTrivy);
    }
}
