using Seawall.IntegrationTests.Support;
using Seawall.TestSupport;

namespace Seawall.IntegrationTests.Accuracy;

/// <summary>
/// Issue 2's acceptance on a whole Debian 12 system: the image bench/fixtures/make-debian12.sh makes with
/// debootstrap + docker import + docker save, and, always, an image of this machine's own dpkg database
/// (real Debian 12 data) written as a `docker save` archive here. Figures are recorded in docs/accuracy.md.
/// </summary>
public sealed class DebianAccuracyTests
{
    public const string DebootstrapArchive = "/var/tmp/seawall-fixtures/debian12.tar";

    [Fact]
    public async Task DebootstrapImage_SamePurlsAsTrivy()
    {
        ProcessRunner.Require(PeerComparison.TrivyProgram);
        Assert.SkipWhen(!File.Exists(DebootstrapArchive), $"{DebootstrapArchive} is absent: make it with bench/fixtures/make-debian12.sh (debootstrap + docker import + docker save)");
        using var dir = new TempDir();

        var comparison = await PeerComparison.RunAsync("debian12-debootstrap", DebootstrapArchive, dir);

        Assert.True(comparison.TrivyKeys.Count > 80, $"trivy found only {comparison.TrivyKeys.Count} packages: is {DebootstrapArchive} a debootstrap image?");
        Assert.Equal(comparison.TrivyKeys.Order(StringComparer.Ordinal), comparison.SeawallKeys.Order(StringComparer.Ordinal));
        Assert.Empty(comparison.QualifierDifferences);
        // Seawall's graph holds Trivy's; it adds Pre-Depends and "pkg:any" dependencies, which Trivy leaves out.
        Assert.Empty(comparison.DependencyEdgesOnlyTrivy);
    }

    [Fact]
    public async Task HostDpkgDatabaseImage_SamePurlsAsTrivy()
    {
        ProcessRunner.Require(PeerComparison.TrivyProgram);
        var layers = HostDebianImage.Layers();
        using var dir = new TempDir();
        var archive = dir.File("host-debian.docker.tar");
        TestImageBuilder.WriteDockerArchive(archive, "host-debian:12", layers);

        var comparison = await PeerComparison.RunAsync("debian12-host-dpkg", archive, dir);

        Assert.True(comparison.TrivyKeys.Count > 50, $"trivy found only {comparison.TrivyKeys.Count} packages");
        Assert.Equal(comparison.TrivyKeys.Order(StringComparer.Ordinal), comparison.SeawallKeys.Order(StringComparer.Ordinal));
        Assert.Empty(comparison.QualifierDifferences);
        // Seawall's graph holds Trivy's; it adds Pre-Depends and "pkg:any" dependencies, which Trivy leaves out.
        Assert.Empty(comparison.DependencyEdgesOnlyTrivy);
    }
}
