using Seawall.Artifacts.Archive;
using Seawall.Artifacts.Cache;
using Seawall.Artifacts.Layers;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.Inventory;
using Seawall.Scanning;
using Seawall.Tests.Support;
using static Seawall.Tests.Artifacts.ImageScan;

namespace Seawall.Tests.Artifacts;

/// <summary>The per-layer cache: a warm scan reads no layer content, and a damaged cache costs a re-read, never a wrong answer or a crash.</summary>
public sealed class LayerCacheTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string CacheDir => _dir.File("cache");

    private static ImageSpec Debian(string extraPackage = "curl")
    {
        var spec = new ImageSpec();
        spec.AddLayer("ADD rootfs").Dir("etc").File("etc/os-release", DebianOsRelease).Dir("var/lib/dpkg")
            .File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4+deb12u5"))
            .Dir("usr/share/doc/base-files").File("usr/share/doc/base-files/copyright", "License: GPL-2+\n")
            .Symlink("etc/alt", "os-release").Whiteout("opt/none");
        spec.AddLayer($"RUN apt-get install {extraPackage}").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4+deb12u5") + DpkgEntry(extraPackage, "1.0-1"))
            .Dir("etc").Opaque("etc/apt").Hardlink("etc/os-release2", "etc/os-release");
        return spec;
    }

    /// <summary>One scan the CLI way, counting the layers it opens.</summary>
    private async Task<(ScanReport Report, int LayersOpened)> ScanCountingAsync(string image, string? cacheDir)
    {
        using var archive = ImageArchive.Open(image);
        var counting = new CountingImageSource(archive.Images[0]);
        var report = await new ScanService(new ScanOptions { CacheDir = cacheDir }).ScanImageAsync(counting, Token);
        return (report, counting.LayersOpened);
    }

    private async Task<(LayeredFileTree Tree, int LayersOpened)> BuildCountingAsync(string image, string? cacheDir, long maxContentBytes = ImageTreeBuilder.DefaultMaxContentBytes)
    {
        using var archive = ImageArchive.Open(image);
        var counting = new CountingImageSource(archive.Images[0]);
        var builder = new ImageTreeBuilder(new AnalyzerHost(AnalyzerCatalog.OsPackages()), cacheDir is null ? null : new LayerCache(cacheDir), null, maxContentBytes);
        return (await builder.BuildAsync(counting, Token), counting.LayersOpened);
    }

    private static string Describe(ScanReport report) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            report.Os,
            Packages = report.Results.SelectMany(r => r.Packages).Select(p => $"{p.Name} {p.Version} {p.Layer}"),
            report.Warnings,
        });

    private static string Describe(LayeredFileTree tree) =>
        string.Join('\n', tree.Nodes.OrderBy(n => n.Path, StringComparer.Ordinal).Select(n => $"{n} content={tree.HasContent(n)}"))
        + "\ndeleted:" + string.Join(',', tree.DeletedNodes.Select(n => n.Path).Order(StringComparer.Ordinal));

    private string[] CacheFiles() => Directory.Exists(Path.Combine(CacheDir, "layers"))
        ? [.. Directory.GetFiles(Path.Combine(CacheDir, "layers")).Order(StringComparer.Ordinal)]
        : [];

    [Theory]
    [InlineData(ArchiveFormat.DockerLegacy)]
    [InlineData(ArchiveFormat.OciLayoutTar)]
    [InlineData(ArchiveFormat.OciLayoutDirectory)]
    public async Task SecondScan_SameImage_OpensNoLayerAndReportsTheSame(ArchiveFormat format)
    {
        var built = ImageBuilder.Write(Debian(), _dir.File("image"), format);

        var (cold, coldOpened) = await ScanCountingAsync(built.Path, CacheDir);
        var (warm, warmOpened) = await ScanCountingAsync(built.Path, CacheDir);

        Assert.Equal(2, coldOpened);
        Assert.Equal(0, warmOpened);
        Assert.Equal(Describe(cold), Describe(warm));
        Assert.Equal(["base-files", "curl"], warm.Results.Single().Packages.Select(p => p.Name));
        Assert.Equal(2, CacheFiles().Length);
    }

    [Fact]
    public async Task SecondBuild_TreeFromTheCache_EqualsTheTreeFromTheLayers()
    {
        var built = ImageBuilder.Write(Debian(), _dir.File("image"), ArchiveFormat.OciLayoutDirectory);

        var (cold, _) = await BuildCountingAsync(built.Path, CacheDir);
        var (warm, opened) = await BuildCountingAsync(built.Path, CacheDir);

        Assert.Equal(0, opened);
        Assert.Equal(Describe(cold), Describe(warm));
        Assert.Equal(cold.Warnings, warm.Warnings);
    }

    [Fact]
    public async Task SecondScan_LayerBlobsDestroyedAfterTheFirst_StillScansFromTheCache()
    {
        // The strongest form of "reads no layer content": the layer bytes are gone and nothing notices.
        var built = ImageBuilder.Write(Debian(), _dir.File("layout"), ArchiveFormat.OciLayoutDirectory);
        var (cold, _) = await ScanCountingAsync(built.Path, CacheDir);
        foreach (var layer in built.Layers)
        {
            var blob = Path.Combine(built.Path, layer.PathInArchive);
            File.WriteAllBytes(blob, new byte[new FileInfo(blob).Length]);
        }

        var (warm, opened) = await ScanCountingAsync(built.Path, CacheDir);

        Assert.Equal(0, opened);
        Assert.Equal(Describe(cold), Describe(warm));
        // Without the cache the destroyed layers are refused.
        await Assert.ThrowsAnyAsync<Seawall.Core.Errors.ScanException>(() => ScanCountingAsync(built.Path, null));
    }

    [Fact]
    public async Task SharedBaseLayer_AtAnotherIndexInAnotherImage_ComesFromTheCacheWithTheNewImagesLayer()
    {
        var a = new ImageSpec();
        a.AddLayer("ADD shared").Dir("etc").File("etc/os-release", DebianOsRelease).File("../outside", "x");
        var b = new ImageSpec();
        b.AddLayer("ADD other base").File("README", "b");
        b.AddLayer("COPY shared").Dir("etc").File("etc/os-release", DebianOsRelease).File("../outside", "x");
        var builtA = ImageBuilder.Write(a, _dir.File("a"), ArchiveFormat.OciLayoutDirectory);
        var builtB = ImageBuilder.Write(b, _dir.File("b"), ArchiveFormat.OciLayoutDirectory);
        Assert.Equal(builtA.Layers[0].DiffId, builtB.Layers[1].DiffId);

        await BuildCountingAsync(builtA.Path, CacheDir);
        var (tree, opened) = await BuildCountingAsync(builtB.Path, CacheDir);

        Assert.Equal(1, opened); // only b's own base layer
        var layer = tree.Lookup("etc/os-release")?.Layer;
        Assert.Equal((1, "COPY shared"), (layer?.Index, layer?.CreatedBy));
        // The cached layer's warning names it where it sits in this image.
        Assert.Equal($"layer 1 ({builtB.Layers[1].DiffId[..19]}): entry '../outside' leaves the image root; ignored", Assert.Single(tree.Warnings));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("empty")]
    [InlineData("garbage")]
    [InlineData("huge-count")]
    public async Task CorruptCacheEntry_FallsBackToTheLayerWithAWarningAndIsRewritten(string damage)
    {
        var built = ImageBuilder.Write(Debian(), _dir.File("image"), ArchiveFormat.OciLayoutDirectory);
        var (cold, _) = await ScanCountingAsync(built.Path, CacheDir);
        var entry = CacheFiles().Single(f => Path.GetFileName(f).StartsWith(built.Layers[0].DiffId[7..], StringComparison.Ordinal));
        var bytes = File.ReadAllBytes(entry);
        File.WriteAllBytes(entry, damage switch
        {
            "truncate" => bytes[..(bytes.Length - 40)], // into the content of the last file
            "flip" => [.. bytes[..(bytes.Length / 2)], (byte)(bytes[bytes.Length / 2] ^ 0x20), .. bytes[(bytes.Length / 2 + 1)..]],
            "empty" => [],
            "garbage" => System.Text.Encoding.UTF8.GetBytes(new string('x', 300)),
            // A count field of int.MaxValue right after the header, with a checksum that matches: a hand-made entry.
            _ => HugeCount(bytes),
        });

        var (warm, opened) = await ScanCountingAsync(built.Path, CacheDir);

        Assert.Equal(1, opened);
        var warning = Assert.Single(warm.Warnings);
        Assert.StartsWith("layer cache entry " + entry, warning, StringComparison.Ordinal);
        Assert.EndsWith("reading the layer instead", warning, StringComparison.Ordinal);
        Assert.Equal(Describe(cold), Describe(warm with { Warnings = [] }));
        // The entry was rewritten from the layer: the next scan is warm and quiet.
        var (again, openedAgain) = await ScanCountingAsync(built.Path, CacheDir);
        Assert.Equal(0, openedAgain);
        Assert.Empty(again.Warnings);
    }

    private static byte[] HugeCount(byte[] entry)
    {
        // Layout: magic(4) version(4) diffID(string) fingerprint(string) whiteouts(count)...
        using var reader = new BinaryReader(new MemoryStream(entry));
        reader.ReadBytes(8);
        reader.ReadString();
        reader.ReadString();
        var at = (int)reader.BaseStream.Position;
        var payload = entry[..^32];
        BitConverter.GetBytes(int.MaxValue).CopyTo(payload, at);
        return [.. payload, .. System.Security.Cryptography.SHA256.HashData(payload)];
    }

    [Fact]
    public async Task CacheEntryFromAnotherFormatVersion_IsAQuietMiss()
    {
        var built = ImageBuilder.Write(Debian(), _dir.File("image"), ArchiveFormat.OciLayoutDirectory);
        await ScanCountingAsync(built.Path, CacheDir);
        foreach (var entry in CacheFiles())
        {
            var bytes = File.ReadAllBytes(entry);
            BitConverter.GetBytes(1).CopyTo(bytes, 4);
            File.WriteAllBytes(entry, bytes);
        }

        var (warm, opened) = await ScanCountingAsync(built.Path, CacheDir);

        Assert.Equal(2, opened);
        Assert.Empty(warm.Warnings);
    }

    [Fact]
    public async Task CacheDirectoryThatCannotBeWritten_ScanStillSucceeds()
    {
        var built = ImageBuilder.Write(Debian(), _dir.File("image"), ArchiveFormat.OciLayoutDirectory);
        var notADirectory = _dir.File("cache-is-a-file");
        File.WriteAllText(notADirectory, "x");

        var (report, opened) = await ScanCountingAsync(built.Path, notADirectory);
        var (again, openedAgain) = await ScanCountingAsync(built.Path, notADirectory);

        Assert.Equal(["base-files", "curl"], report.Results.Single().Packages.Select(p => p.Name));
        Assert.Equal((2, 2), (opened, openedAgain));
        Assert.Equal(Describe(report), Describe(again));
    }

    [Fact]
    public async Task DifferentAnalyzerSet_IsACacheMiss()
    {
        var built = ImageBuilder.Write(Debian(), _dir.File("image"), ArchiveFormat.OciLayoutDirectory);
        await BuildCountingAsync(built.Path, CacheDir);

        using var archive = ImageArchive.Open(built.Path);
        var counting = new CountingImageSource(archive.Images[0]);
        var tree = await new ImageTreeBuilder(new AnalyzerHost([new PrefixAnalyzer(["usr/share/doc/"])]), new LayerCache(CacheDir)).BuildAsync(counting, Token);

        Assert.Equal(2, counting.LayersOpened);
        Assert.True(tree.HasContent(tree.Lookup("usr/share/doc/base-files/copyright")!));
        Assert.False(tree.HasContent(tree.Lookup("etc/os-release")!));
    }

    [Fact]
    public async Task ContentBudgetSpent_WarnsKeepsTheTreeAndCachesNothingIncomplete()
    {
        var spec = new ImageSpec();
        spec.AddLayer().Dir("var/lib/dpkg/status.d");
        var layer = spec.AddLayer("RUN many databases");
        for (var i = 0; i < 20; i++)
        {
            layer.File($"var/lib/dpkg/status.d/pkg{i:D2}", DpkgEntry($"pkg{i:D2}", "1.0") + new string('#', 1000));
        }
        var built = ImageBuilder.Write(spec, _dir.File("image"), ArchiveFormat.OciLayoutDirectory);

        var (tree, _) = await BuildCountingAsync(built.Path, CacheDir, maxContentBytes: 5_000);

        var kept = tree.Nodes.Count(n => n.Kind == FileKind.Regular && tree.HasContent(n));
        Assert.InRange(kept, 1, 5);
        Assert.Equal(20, tree.Nodes.Count(n => n.Path.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal)));
        Assert.Contains(tree.Warnings, w => w.Contains("budget for file content held in memory is spent", StringComparison.Ordinal));
        Assert.All(tree.Warnings, w => Assert.DoesNotContain('\n', w));
        Assert.DoesNotContain(CacheFiles(), f => Path.GetFileName(f).StartsWith(built.Layers[1].DiffId[7..], StringComparison.Ordinal));

        // With the default budget the layer is complete, cached, and every package is found.
        var (full, opened) = await BuildCountingAsync(built.Path, CacheDir);
        Assert.Equal(1, opened);
        Assert.Equal(20, full.Nodes.Count(n => n.Path.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal) && full.HasContent(n)));
    }
}
