using System.Formats.Tar;
using Seawall.Core.Model;
using Seawall.Tests.Support;
using static Seawall.Tests.Artifacts.ImageScan;

namespace Seawall.Tests.Artifacts;

/// <summary>The test image writer itself: every format it writes scans to the same packages, layers and history.</summary>
public sealed class ImageBuilderTests
{
    [Theory]
    [InlineData(ArchiveFormat.DockerLegacy)]
    [InlineData(ArchiveFormat.DockerOci)]
    [InlineData(ArchiveFormat.OciLayoutDirectory)]
    [InlineData(ArchiveFormat.OciLayoutTar)]
    public async Task Write_EachFormat_ScansToSamePackagesAndLayers(ArchiveFormat format)
    {
        using var dir = new TempDir();
        var spec = new ImageSpec();
        spec.AddLayer("/bin/sh -c #(nop) ADD file:base in /").Dir("etc").File("etc/os-release", DebianOsRelease)
            .Dir("var/lib/dpkg").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4+deb12u5"));
        spec.AddLayer("RUN apt-get install -y bash").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4+deb12u5") + DpkgEntry("bash", "5.2.15-2+b2"));
        var built = ImageBuilder.Write(spec, dir.File("image"), format);

        var report = await ScanAsync(built.Path);

        Assert.Equal("debian", report.Os?.Family);
        Assert.Equal(built.ConfigDigest, report.Artifact.Digest);
        Assert.Equal(built.Layers.Select(l => l.DiffId), report.Artifact.Layers.Select(l => l.DiffId));
        Assert.Equal(["/bin/sh -c #(nop) ADD file:base in /", "RUN apt-get install -y bash"], report.Artifact.Layers.Select(l => l.CreatedBy));
        var packages = Assert.Single(report.Results).Packages;
        Assert.Equal(["base-files", "bash"], packages.Select(p => p.Name));
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Write_DockerLegacy_ArchiveHasDockerSaveLayout()
    {
        using var dir = new TempDir();
        var spec = new ImageSpec();
        spec.AddLayer().File("a", "1");
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerLegacy);
        using var reader = new TarReader(File.OpenRead(built.Path));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } e)
        {
            names.Add(e.Name);
        }
        Assert.Contains("manifest.json", names);
        Assert.Contains("repositories", names);
        Assert.Contains(built.ConfigDigest[7..] + ".json", names);
        Assert.Contains(built.Layers[0].DiffId[7..] + "/layer.tar", names);
        Assert.Equal(built.Layers[0].DiffId, built.Layers[0].BlobDigest); // uncompressed: the blob is the tar
    }

    [Fact]
    public void Write_ExtraArchiveEntries_AppearAfterTheImage()
    {
        using var dir = new TempDir();
        var spec = new ImageSpec();
        spec.AddLayer().File("a", "1");
        spec.ExtraArchiveEntries.Add(new LayerEntry(TarEntryType.RegularFile, "../evil", () => new MemoryStream("x"u8.ToArray())));
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerOci);
        using var reader = new TarReader(File.OpenRead(built.Path));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } e)
        {
            names.Add(e.Name);
        }
        Assert.Equal("../evil", names[^1]);
        Assert.Contains("manifest.json", names);
    }

    [Fact]
    public void LayerRefs_EmptyLayerHistoryInterleaved_EachLayerKeepsItsOwnCreatedBy()
    {
        using var dir = new TempDir();
        var spec = new ImageSpec { EmptyLayerHistory = true };
        spec.AddLayer("ADD rootfs").File("a", "1");
        spec.AddLayer("RUN make").File("b", "2");
        var built = ImageBuilder.Write(spec, dir.File("oci"), ArchiveFormat.OciLayoutDirectory);
        using var archive = Seawall.Artifacts.Archive.ImageArchive.Open(built.Path);
        Assert.Equal(
            [new LayerRef(0, built.Layers[0].DiffId, "ADD rootfs"), new LayerRef(1, built.Layers[1].DiffId, "RUN make")],
            archive.Images[0].Layers);
    }
}
