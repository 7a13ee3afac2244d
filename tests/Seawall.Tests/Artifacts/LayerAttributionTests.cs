using Seawall.Core.Model;
using Seawall.Tests.Support;
using static Seawall.Tests.Artifacts.ImageScan;

namespace Seawall.Tests.Artifacts;

/// <summary>
/// Which layer brought each package in (Seawall.Core.Analysis.LayerAttribution), end to end on real image
/// layouts: the package database is rewritten by later layers, but a package belongs to the layer that
/// installed it at its current version.
/// </summary>
public sealed class LayerAttributionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(ScanReport Report, BuiltImage Built)> ScanAsync(ImageSpec spec, ArchiveFormat format = ArchiveFormat.DockerOci)
    {
        var built = ImageBuilder.Write(spec, _dir.File("image-" + Guid.NewGuid().ToString("N")), format);
        return (await ImageScan.ScanAsync(built.Path), built);
    }

    private static Dictionary<string, LayerRef?> LayersByPackage(ScanReport report) =>
        Assert.Single(report.Results).Packages.ToDictionary(p => p.Name, p => p.Layer);

    [Theory]
    [InlineData(ArchiveFormat.DockerLegacy)]
    [InlineData(ArchiveFormat.OciLayoutTar)]
    public async Task Dpkg_StatusRewrittenByLaterLayers_EachPackageNamesTheLayerThatInstalledItsVersion(ArchiveFormat format)
    {
        var spec = new ImageSpec();
        spec.AddLayer("/bin/sh -c #(nop) ADD file:abc in /").Dir("etc").File("etc/os-release", DebianOsRelease).Dir("var/lib/dpkg")
            .File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4+deb12u5") + DpkgEntry("libc6", "2.36-9"));
        spec.AddLayer("/bin/sh -c apt-get install -y curl").File("var/lib/dpkg/status",
            DpkgEntry("base-files", "12.4+deb12u5") + DpkgEntry("libc6", "2.36-9+deb12u4") + DpkgEntry("curl", "7.88.1-10+deb12u5"));
        // apt rewrites the database without changing it.
        spec.AddLayer("/bin/sh -c apt-get clean").File("var/lib/dpkg/status",
            DpkgEntry("base-files", "12.4+deb12u5") + DpkgEntry("libc6", "2.36-9+deb12u4") + DpkgEntry("curl", "7.88.1-10+deb12u5"));

        var (report, built) = await ScanAsync(spec, format);

        var layers = LayersByPackage(report);
        Assert.Equal(new LayerRef(0, built.Layers[0].DiffId, "/bin/sh -c #(nop) ADD file:abc in /"), layers["base-files"]);
        Assert.Equal(new LayerRef(1, built.Layers[1].DiffId, "/bin/sh -c apt-get install -y curl"), layers["libc6"]);
        Assert.Equal(new LayerRef(1, built.Layers[1].DiffId, "/bin/sh -c apt-get install -y curl"), layers["curl"]);
    }

    [Fact]
    public async Task Dpkg_PackageRemovedThenReinstalled_BelongsToTheReinstallingLayer()
    {
        var spec = new ImageSpec();
        spec.AddLayer("ADD").Dir("var/lib/dpkg").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4") + DpkgEntry("vim", "2:9.0.1378-2"));
        spec.AddLayer("RUN apt-get remove vim").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4"));
        spec.AddLayer("RUN apt-get install vim").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4") + DpkgEntry("vim", "2:9.0.1378-2"));

        var (report, _) = await ScanAsync(spec);

        var layers = LayersByPackage(report);
        Assert.Equal(0, layers["base-files"]?.Index);
        Assert.Equal(2, layers["vim"]?.Index);
    }

    [Fact]
    public async Task Dpkg_DatabaseDeletedAndWrittenAgain_OlderVersionsNoLongerCount()
    {
        var spec = new ImageSpec();
        spec.AddLayer("ADD").Dir("var/lib/dpkg").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4"));
        spec.AddLayer("RUN rm -rf /var/lib/dpkg").Whiteout("var/lib/dpkg");
        spec.AddLayer("ADD again").Dir("var/lib/dpkg").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4"));

        var (report, _) = await ScanAsync(spec);

        Assert.Equal(2, LayersByPackage(report)["base-files"]?.Index);
    }

    [Fact]
    public async Task Dpkg_OpaqueParentInTheRewritingLayer_OlderVersionsNoLongerCount()
    {
        var spec = new ImageSpec();
        spec.AddLayer("ADD").Dir("var/lib/dpkg").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4"));
        spec.AddLayer("RUN rebuild").Dir("var/lib/dpkg").Opaque("var/lib/dpkg").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4"));

        var (report, _) = await ScanAsync(spec);

        Assert.Equal(1, LayersByPackage(report)["base-files"]?.Index);
    }

    [Fact]
    public async Task Apk_InstalledDatabaseChangedInALaterLayer_NewPackagesBelongToIt()
    {
        static string Apk(params (string Name, string Version)[] packages) =>
            string.Concat(packages.Select(p => $"P:{p.Name}\nV:{p.Version}\nA:x86_64\nL:MIT\no:{p.Name}\n\n"));
        var spec = new ImageSpec();
        spec.AddLayer("ADD alpine-minirootfs").Dir("etc").File("etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\n").Dir("lib/apk/db")
            .File("lib/apk/db/installed", Apk(("musl", "1.2.5-r0"), ("busybox", "1.36.1-r29")));
        spec.AddLayer("RUN apk add curl && apk upgrade busybox").File("lib/apk/db/installed",
            Apk(("musl", "1.2.5-r0"), ("busybox", "1.36.1-r30"), ("curl", "8.11.0-r2")));

        var (report, _) = await ScanAsync(spec);

        var layers = LayersByPackage(report);
        Assert.Equal(0, layers["musl"]?.Index);
        Assert.Equal(1, layers["busybox"]?.Index);
        Assert.Equal("RUN apk add curl && apk upgrade busybox", layers["curl"]?.CreatedBy);
    }
}
