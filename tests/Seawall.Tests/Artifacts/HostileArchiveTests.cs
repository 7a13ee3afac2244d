using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Seawall.Artifacts.Archive;
using Seawall.Artifacts.Image;
using Seawall.Core.Errors;
using Seawall.Core.FileTree;
using Seawall.Tests.Support;
using static Seawall.Tests.Artifacts.ImageScan;

namespace Seawall.Tests.Artifacts;

/// <summary>
/// Image archives are hostile (issue 2): each case below ends in a clear one-line error or warning, with bounded
/// memory and nothing written anywhere. Every case goes through ImageArchive.Open, ImageTreeBuilder and ScanService.
/// </summary>
public sealed class HostileArchiveTests
{
    private static ImageSpec Debian()
    {
        var spec = new ImageSpec();
        spec.AddLayer("ADD rootfs").Dir("etc").File("etc/os-release", DebianOsRelease)
            .Dir("var/lib/dpkg").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4+deb12u5"));
        return spec;
    }

    private static void AssertOneLine(string message)
    {
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\r', message);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
    }

    private static async Task<T> AssertScanFailsAsync<T>(string path, string? cacheDir = null) where T : ScanException
    {
        var ex = await Assert.ThrowsAnyAsync<ScanException>(() => ScanAsync(path, cacheDir));
        var typed = Assert.IsAssignableFrom<T>(ex);
        AssertOneLine(ex.Message);
        return typed;
    }

    // --- Entry names that leave the root ---

    [Theory]
    [InlineData(ArchiveFormat.DockerLegacy)]
    [InlineData(ArchiveFormat.OciLayoutTar)]
    public async Task Scan_LayerEntriesClimbingOutOfTheRoot_IgnoredWithWarningAndNothingWritten(ArchiveFormat format)
    {
        using var dir = new TempDir();
        var work = Directory.CreateDirectory(Path.Combine(dir.Path, "a", "b", "c")).FullName;
        var spec = Debian();
        spec.AddLayer("RUN evil")
            .File("../evil", "x")
            .File("../../../../../../../../tmp/seawall-evil-" + Guid.NewGuid().ToString("N"), "x")
            .File("etc/../../evil2", "x")
            .File("/abs/inside", "kept");
        var built = ImageBuilder.Write(spec, Path.Combine(work, "image.tar"), format);

        var report = await ScanAsync(built.Path, cacheDir: dir.File("cache"));
        var tree = await TreeKeepingAsync(built.Path, "abs/");

        Assert.Equal("debian", report.Os?.Family);
        Assert.Equal(3, report.Warnings.Count(w => w.Contains("leaves the image root", StringComparison.Ordinal)));
        Assert.All(report.Warnings, AssertOneLine);
        // An absolute name is relative to the image root, never to the host's.
        Assert.Equal("kept", await ReadTextAsync(tree, "abs/inside"));
        Assert.DoesNotContain(tree.Nodes, n => n.Path.Contains("evil", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path, "*evil*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetTempPath(), "seawall-evil-*"));
    }

    [Fact]
    public async Task Open_ArchiveMembersClimbingOutOfTheRoot_IgnoredAndImageStillScans()
    {
        using var dir = new TempDir();
        var spec = Debian();
        spec.ExtraArchiveEntries.Add(new LayerEntry(TarEntryType.RegularFile, "../evil", () => new MemoryStream("x"u8.ToArray())));
        spec.ExtraArchiveEntries.Add(new LayerEntry(TarEntryType.RegularFile, "/tmp/evil-abs", () => new MemoryStream("x"u8.ToArray())));
        spec.ExtraArchiveEntries.Add(new LayerEntry(TarEntryType.SymbolicLink, "evil-link", null, "../../../../etc/passwd"));
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerOci);

        var report = await ScanAsync(built.Path);

        Assert.Equal("debian", report.Os?.Family);
        Assert.Single(report.Results);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories), p => p.Contains("evil", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("blobs/../../../etc/passwd")]
    public async Task Open_ManifestLayerPathOutsideTheArchive_FailsAsMissing(string layerPath)
    {
        using var dir = new TempDir();
        var spec = Debian();
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerLegacy);
        // Rewrite the manifest to name a host file as the layer.
        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = built.ConfigDigest[7..] + ".json",
            ["RepoTags"] = new JsonArray("x:y"),
            ["Layers"] = new JsonArray(layerPath),
        });
        spec.ManifestOverride = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        ImageBuilder.Write(spec, built.Path, ArchiveFormat.DockerLegacy);

        var ex = await AssertScanFailsAsync<ScanException>(built.Path);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ArchiveSymlinkMemberPointingOutside_IsNeverFollowed()
    {
        using var dir = new TempDir();
        var spec = Debian();
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerLegacy);
        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = built.ConfigDigest[7..] + ".json",
            ["RepoTags"] = new JsonArray("x:y"),
            ["Layers"] = new JsonArray("escape/layer.tar"),
        });
        spec.ManifestOverride = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        spec.ExtraArchiveEntries.Add(new LayerEntry(TarEntryType.SymbolicLink, "escape/layer.tar", null, "../../../../../../etc/hostname"));
        ImageBuilder.Write(spec, built.Path, ArchiveFormat.DockerLegacy);

        var ex = await AssertScanFailsAsync<ScanException>(built.Path);
        Assert.Contains("escape/layer.tar", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_OciLayoutDirectoryWithBlobsLinkedOutside_RefusesToReadThroughTheLink()
    {
        using var dir = new TempDir();
        var built = ImageBuilder.Write(Debian(), dir.File("layout"), ArchiveFormat.OciLayoutDirectory);
        // Move the blobs out of the layout and leave a directory symlink to them: the layout now reads outside itself.
        var outside = dir.File("outside-blobs");
        Directory.Move(Path.Combine(built.Path, "blobs"), outside);
        Directory.CreateSymbolicLink(Path.Combine(built.Path, "blobs"), outside);

        var ex = await AssertScanFailsAsync<ScanException>(built.Path);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    // --- Links out of the root, or to nothing ---

    [Theory]
    [InlineData("../../../../../../../../etc/os-release")]
    [InlineData("/../../../etc/os-release")]
    [InlineData("/etc/os-release")] // absolute: the image's own etc/os-release, i.e. itself: a loop
    [InlineData("/proc/self/root/etc/os-release")]
    public async Task Scan_OsReleaseSymlinkOutOfTheRoot_NeverReadsTheHost(string target)
    {
        using var dir = new TempDir();
        var spec = new ImageSpec();
        spec.AddLayer().Dir("etc").Symlink("etc/os-release", target);
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerOci);

        var report = await ScanAsync(built.Path);

        // The host this test runs on has an os-release; the image has none.
        Assert.True(File.Exists("/etc/os-release"));
        Assert.Null(report.Os);
        var warning = Assert.Single(report.Warnings, w => w.StartsWith("etc/os-release:", StringComparison.Ordinal));
        Assert.Contains("not followed", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_AbsoluteSymlinkInsideTheImage_ResolvesAgainstTheImageRoot()
    {
        using var dir = new TempDir();
        var spec = new ImageSpec();
        spec.AddLayer().Dir("etc").Dir("usr/lib").File("usr/lib/os-release", "ID=alpine\nVERSION_ID=3.99.7\n").Symlink("etc/os-release", "/usr/lib/os-release");
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerOci);

        var report = await ScanAsync(built.Path);

        Assert.Equal("alpine", report.Os?.Family);
        Assert.Equal("3.99.7", report.Os?.Version);
        Assert.Empty(report.Warnings);
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("etc/../../../etc/passwd")]
    public async Task Scan_HardlinkOutOfTheRoot_IgnoredWithWarning(string target)
    {
        using var dir = new TempDir();
        var spec = Debian();
        spec.AddLayer().Hardlink("var/lib/dpkg/status.d/evil", target);
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.OciLayoutTar);

        var report = await ScanAsync(built.Path);

        var warning = Assert.Single(report.Warnings);
        Assert.Contains("hardlink 'var/lib/dpkg/status.d/evil' points outside the image root", warning, StringComparison.Ordinal);
        Assert.Equal(["base-files"], Assert.Single(report.Results).Packages.Select(p => p.Name));
    }

    [Fact]
    public async Task Scan_LinksToMissingFiles_WarnAndTheScanGoesOn()
    {
        using var dir = new TempDir();
        var spec = Debian();
        spec.AddLayer().Dir("usr/lib").Symlink("usr/lib/os-release", "../../nowhere/os-release").Hardlink("var/lib/dpkg/status.d/ghost", "var/lib/dpkg/never-written");
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.OciLayoutTar);

        var report = await ScanAsync(built.Path);

        Assert.Equal("debian", report.Os?.Family);
        Assert.Contains(report.Warnings, w => w.StartsWith("usr/lib/os-release: link to '../../nowhere/os-release' is missing", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("var/lib/dpkg/status.d/ghost", StringComparison.Ordinal) && w.Contains("missing", StringComparison.Ordinal));
        Assert.All(report.Warnings, AssertOneLine);
    }

    // --- Truncation ---

    [Theory]
    [InlineData(ArchiveFormat.OciLayoutTar, LayerCompression.Gzip)]
    [InlineData(ArchiveFormat.OciLayoutTar, LayerCompression.Zstd)]
    [InlineData(ArchiveFormat.DockerLegacy, LayerCompression.None)]
    [InlineData(ArchiveFormat.DockerOci, LayerCompression.None)]
    public async Task Scan_TruncatedLayer_FailsWithOneLineError(ArchiveFormat format, LayerCompression compression)
    {
        using var dir = new TempDir();
        var spec = Debian();
        var layer = spec.AddLayer("RUN big");
        layer.Compression = compression;
        layer.File("usr/share/big", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20000).Select(i => $"line {i}\n"))));
        layer.TamperBlob = blob => blob.SetLength(blob.Length / 2);
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), format);

        var ex = await AssertScanFailsAsync<ScanException>(built.Path, dir.File("cache"));

        Assert.Contains("layer 1", ex.Message, StringComparison.Ordinal);
        Assert.Matches("truncated|digest mismatch|corrupt", ex.Message);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip, -6)] // the CRC-32 of the gzip trailer: damage only found after the tar, while draining
    [InlineData(LayerCompression.Gzip, 0)]
    [InlineData(LayerCompression.Zstd, 4)]
    [InlineData(LayerCompression.Zstd, 0)]
    public async Task Scan_CorruptCompressedLayer_FailsWithOneLineError(LayerCompression compression, int offset)
    {
        using var dir = new TempDir();
        var spec = Debian();
        var layer = spec.AddLayer("RUN big");
        layer.Compression = compression;
        layer.File("usr/share/big", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20000).Select(i => $"line {i}\n"))));
        layer.TamperBlob = blob =>
        {
            blob.Position = offset < 0 ? blob.Length + offset : offset == 0 ? blob.Length / 2 : offset;
            var b = blob.ReadByte();
            blob.Position--;
            blob.WriteByte((byte)(b ^ 0x5A));
        };
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.OciLayoutTar);

        var ex = await AssertScanFailsAsync<ScanException>(built.Path);

        Assert.Contains("layer 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ArchiveCutShort_FailsWithOneLineError()
    {
        using var dir = new TempDir();
        var spec = Debian();
        spec.AddLayer("RUN big").File("usr/share/big", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50000).Select(i => $"line {i}\n"))));
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerLegacy);
        using (var file = File.Open(built.Path, FileMode.Open))
        {
            file.SetLength(file.Length * 3 / 4);
        }

        await AssertScanFailsAsync<ScanException>(built.Path);
    }

    [Theory]
    [InlineData("manifest.json")]
    [InlineData(".json")] // the config
    public async Task Open_ArchiveCutInsideAMetadataMember_FailsWithOneLineError(string memberSuffix)
    {
        using var dir = new TempDir();
        var built = ImageBuilder.Write(Debian(), dir.File("image.tar"), ArchiveFormat.DockerLegacy);
        long cut;
        using (var reader = new TarReader(File.OpenRead(built.Path)))
        {
            cut = -1;
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name.EndsWith(memberSuffix, StringComparison.Ordinal) && entry.Name != "manifest.json" == (memberSuffix != "manifest.json"))
                {
                    cut = entry.DataOffset + entry.Length / 2;
                }
            }
        }
        Assert.True(cut > 0);
        using (var file = File.Open(built.Path, FileMode.Open))
        {
            file.SetLength(cut);
        }

        var ex = await AssertScanFailsAsync<ScanException>(built.Path);
        Assert.Contains("not a readable tar archive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_EmptyAndGarbageFiles_FailWithOneLineError()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.tar"), []);
        File.WriteAllBytes(dir.File("garbage.tar"), Encoding.UTF8.GetBytes(new string('z', 5000)));
        await AssertScanFailsAsync<ScanException>(dir.File("empty.tar"));
        await AssertScanFailsAsync<ScanException>(dir.File("garbage.tar"));
        await AssertScanFailsAsync<ScanException>(dir.File("absent.tar"));
    }

    // --- Digest mismatch ---

    [Theory]
    [InlineData(ArchiveFormat.OciLayoutTar)]
    [InlineData(ArchiveFormat.DockerOci)]
    [InlineData(ArchiveFormat.DockerLegacy)]
    [InlineData(ArchiveFormat.OciLayoutDirectory)]
    public async Task Scan_LayerBlobNotMatchingItsDigest_FailsAndIsNotCached(ArchiveFormat format)
    {
        using var dir = new TempDir();
        var spec = Debian();
        var layer = spec.AddLayer("RUN tamper");
        layer.Compression = LayerCompression.None;
        layer.File("var/lib/dpkg/status.d/tampered", DpkgEntry("openssl", "3.0.11-1~deb12u2"));
        // Flip one byte of the file content: the tar still parses, only the digests can tell.
        layer.TamperBlob = blob =>
        {
            var bytes = new byte[blob.Length];
            blob.ReadExactly(bytes);
            var at = Encoding.UTF8.GetString(bytes).IndexOf("3.0.11", StringComparison.Ordinal);
            blob.Position = at;
            blob.WriteByte((byte)'9');
        };
        var built = ImageBuilder.Write(spec, dir.File("image"), format);

        var ex = await AssertScanFailsAsync<DigestMismatchException>(built.Path, dir.File("cache"));

        Assert.Contains("layer 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains(format == ArchiveFormat.DockerLegacy ? built.Layers[1].DiffId : built.Layers[1].BlobDigest, ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(dir.File("cache/layers")) ? Directory.EnumerateFiles(dir.File("cache/layers"), built.Layers[1].DiffId[7..] + "*") : []);
    }

    [Fact]
    public async Task Open_ConfigNotMatchingItsDigest_Fails()
    {
        using var dir = new TempDir();
        var built = ImageBuilder.Write(Debian(), dir.File("layout"), ArchiveFormat.OciLayoutDirectory);
        var config = Path.Combine(built.Path, "blobs", "sha256", built.ConfigDigest[7..]);
        File.WriteAllText(config, File.ReadAllText(config).Replace("amd64", "arm64", StringComparison.Ordinal));

        var ex = await AssertScanFailsAsync<DigestMismatchException>(built.Path);
        Assert.Contains(built.ConfigDigest, ex.Message, StringComparison.Ordinal);
    }

    // --- Size caps ---

    [Fact]
    public async Task Scan_FileOverTheAnalyzerCap_WarnsSkipsItAndKeepsNoContent()
    {
        using var dir = new TempDir();
        var spec = new ImageSpec();
        spec.AddLayer().Dir("etc").File("etc/os-release", DebianOsRelease).ZeroFile("var/lib/dpkg/status", 64L * 1024 * 1024 + 1);
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.OciLayoutTar);

        var report = await ScanAsync(built.Path);
        var tree = await TreeAsync(built.Path);

        Assert.Equal("debian", report.Os?.Family);
        Assert.Empty(report.Results);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal("var/lib/dpkg/status: 67108865 bytes is over the 67108864-byte cap of dpkg; skipped", warning);
        Assert.False(tree.HasContent(tree.Lookup("var/lib/dpkg/status")!));
    }

    // --- Manifests and configs that are not what they claim ---

    [Theory]
    [InlineData(ArchiveFormat.DockerLegacy, "this is not JSON")]
    [InlineData(ArchiveFormat.DockerOci, "{\"Config\": \"x\"}")]
    [InlineData(ArchiveFormat.DockerOci, "[{\"Config\": 5}]")]
    [InlineData(ArchiveFormat.DockerOci, "[{\"Config\": \"x.json\", \"Layers\": [1]}]")]
    [InlineData(ArchiveFormat.DockerLegacy, "[")]
    [InlineData(ArchiveFormat.DockerLegacy, "")]
    [InlineData(ArchiveFormat.DockerLegacy, "\uFEFF\u0000\u0001")]
    [InlineData(ArchiveFormat.OciLayoutTar, "not json either")]
    [InlineData(ArchiveFormat.OciLayoutTar, "{\"schemaVersion\": 1.5, \"manifests\": []}")]
    [InlineData(ArchiveFormat.OciLayoutTar, "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": \"sha256:../../etc/passwd\"}]}")]
    [InlineData(ArchiveFormat.OciLayoutDirectory, "{\"schemaVersion\": 2, \"manifests\": [{\"digest\": 7}]}")]
    [InlineData(ArchiveFormat.OciLayoutDirectory, "{\"schemaVersion\": 2, \"manifests\": {}}")]
    public async Task Open_ManifestNotJsonOrMalformed_FailsWithOneLineError(ArchiveFormat format, string manifest)
    {
        using var dir = new TempDir();
        var spec = Debian();
        spec.ManifestOverride = Encoding.UTF8.GetBytes(manifest);
        var built = ImageBuilder.Write(spec, dir.File("image"), format);

        var ex = await AssertScanFailsAsync<ScanException>(built.Path);
        Assert.StartsWith(built.Path + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_DeeplyNestedManifest_FailsWithOneLineError()
    {
        using var dir = new TempDir();
        var spec = Debian();
        spec.ManifestOverride = Encoding.UTF8.GetBytes(new string('[', 100_000));
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerLegacy);

        await AssertScanFailsAsync<ScanException>(built.Path);
    }

    [Fact]
    public async Task Open_ManifestOverTheSizeCap_FailsWithoutReadingIt()
    {
        using var dir = new TempDir();
        var spec = Debian();
        spec.ManifestOverride = new byte[ManifestDocument.MaxManifestBytes + 1];
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerLegacy);

        var ex = await AssertScanFailsAsync<LimitExceededException>(built.Path);
        Assert.Contains("over the", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("diff_ids", "[1]")]
    [InlineData("diff_ids", "[null]")]
    [InlineData("diff_ids", "[\"md5:abc\"]")]
    [InlineData("history", "[{\"created_by\": 5, \"empty_layer\": \"yes\"}]")]
    [InlineData("architecture", "{\"nested\": true}")]
    public async Task Open_ConfigWithWrongTypes_FailsOrScansButNeverCrashes(string field, string json)
    {
        foreach (var format in new[] { ArchiveFormat.OciLayoutDirectory, ArchiveFormat.DockerLegacy })
        {
            using var dir = new TempDir();
            var spec = Debian();
            spec.EditConfig = config =>
            {
                if (field == "diff_ids")
                {
                    config["rootfs"]!["diff_ids"] = JsonNode.Parse(json);
                }
                else
                {
                    config[field] = JsonNode.Parse(json);
                }
            };
            var built = ImageBuilder.Write(spec, dir.File("image"), format);
            try
            {
                var report = await ScanAsync(built.Path);
                Assert.Equal("debian", report.Os?.Family);
            }
            catch (ScanException ex)
            {
                AssertOneLine(ex.Message);
            }
        }
    }
}
