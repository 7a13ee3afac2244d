using System.Text;
using Seawall.Artifacts.Layers;
using Seawall.Core.Errors;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.Tests.Artifacts.Layers;
using Seawall.Tests.Support;
using static Seawall.Tests.Artifacts.ImageScan;

namespace Seawall.Tests.Artifacts;

/// <summary>Runs the tests that measure the process's allocations alone: other tests running beside them would blur the figures.</summary>
[CollectionDefinition(nameof(MemoryMeasuringCollection), DisableParallelization = true)]
public sealed class MemoryMeasuringCollection;

/// <summary>
/// Bounded memory on hostile input (issue 2): a decompression bomb is streamed and refused, a 100,000-file layer
/// keeps metadata only, and tar headers claiming gigabytes are refused before anything is allocated for them.
/// </summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class MemoryBoundTests
{
    private static readonly LayerRef Layer = new(2, "sha256:" + new string('a', 64), "RUN x");

    private static void AssertOneLine(string message) => Assert.DoesNotContain('\n', message);

    private static async Task<T> AssertScanFailsAsync<T>(string path, string? cacheDir = null) where T : ScanException
    {
        var ex = await Assert.ThrowsAnyAsync<ScanException>(() => ScanAsync(path, cacheDir));
        AssertOneLine(ex.Message);
        return Assert.IsType<T>(ex);
    }

    private static ImageSpec Debian()
    {
        var spec = new ImageSpec();
        spec.AddLayer("ADD rootfs").Dir("etc").File("etc/os-release", DebianOsRelease)
            .Dir("var/lib/dpkg").File("var/lib/dpkg/status", DpkgEntry("base-files", "12.4+deb12u5"));
        return spec;
    }

    [Fact]
    public async Task Scan_LayerInflatingPastTheCap_RefusedAsDecompressionBomb()
    {
        using var dir = new TempDir();
        var spec = Debian();
        // 600 MiB of zeros gzip to well under 1 MiB: over 600:1, past the 512 MiB floor and the 100:1 ratio.
        var bomb = spec.AddLayer("RUN bomb");
        bomb.Level = System.IO.Compression.CompressionLevel.Optimal;
        bomb.ZeroFile("var/lib/dpkg/status.d/bomb", 600L * 1024 * 1024);
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.OciLayoutTar);
        Assert.True(built.Layers[1].BlobSize < 1024 * 1024, $"bomb blob is {built.Layers[1].BlobSize} bytes");
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = await AssertScanFailsAsync<LimitExceededException>(built.Path, dir.File("cache"));

        Assert.Contains("layer 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("decompression bomb", ex.Message, StringComparison.Ordinal);
        // The inflated bytes were streamed, never held: far less than 600 MiB was allocated.
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 128L * 1024 * 1024);
        // A refused layer is never cached.
        Assert.False(Directory.Exists(dir.File("cache/layers")) && Directory.EnumerateFiles(dir.File("cache/layers"), "*" + built.Layers[1].DiffId[7..] + "*").Any());
    }

    [Fact]
    public async Task Scan_LayerOf100000TinyFiles_ScansWithBoundedMemoryAndKeepsNoContentNoAnalyzerWants()
    {
        using var dir = new TempDir();
        var spec = Debian();
        spec.AddLayer("RUN touch many").ManyFiles("usr/share/many", 100_000, 64);
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.OciLayoutTar);
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var tree = await TreeAsync(built.Path);
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;

        var many = tree.Nodes.Where(n => n.Path.StartsWith("usr/share/many/", StringComparison.Ordinal) && n.Kind == FileKind.Regular).ToList();
        Assert.Equal(100_000, many.Count);
        Assert.All(many, n => Assert.False(tree.HasContent(n)));
        Assert.Equal(1, many[0].Layer?.Index);
        // Entries cost their metadata only (about 0.5 KB each here, with the tree's indexes); 64-byte contents would add 10 MB more.
        Assert.True(retained < 96L * 1024 * 1024, $"tree of 100,000 files retains {retained / 1024 / 1024} MiB");
        GC.KeepAlive(tree);

        var report = await ScanAsync(built.Path);
        Assert.Equal(["base-files"], Assert.Single(report.Results).Packages.Select(p => p.Name));
    }

    [Theory]
    [InlineData('x')]
    [InlineData('L')]
    public async Task LayerReader_MetadataHeaderClaimingAGigabyte_AllocatesNothingForIt(char type)
    {
        var tar = (byte[])[.. TarHeaderGuardTests.Prelude(), .. TarHeaderGuardTests.Header("bomb", type, (1L << 30) - 1), .. new byte[4096]];
        var before = GC.GetTotalAllocatedBytes(precise: true);

        await Assert.ThrowsAsync<LimitExceededException>(() => LayerReader.ReadAsync(new MemoryStream(tar), Layer, (_, _, _) => 1 << 20, Token));

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64L * 1024 * 1024, $"{(GC.GetTotalAllocatedBytes(true) - before) >> 20} MiB allocated");
    }

    [Fact]
    public async Task ReadAsync_PaxHeaderClaimingGigabytes_RefusedWithoutAllocatingThem()
    {
        // A PAX extended header whose size field claims 4 GiB: a reader that buffers headers whole would try to hold it.
        using var ms = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(ms, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "f", new Dictionary<string, string> { ["comment"] = "x" }));
        }
        var header = ms.ToArray()[..512];
        Assert.Equal((byte)'x', header[156]);
        Encoding.ASCII.GetBytes("07777777777\0").CopyTo(header, 124); // octal: 1 GiB
        Array.Fill(header, (byte)' ', 148, 8);
        Encoding.ASCII.GetBytes(Convert.ToString(header.Sum(b => b), 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        // Followed by endless "a=b" records, as a bomb would inflate them.
        var stream = new ConcatStream(header, new RepeatingStream("9 a=bbbb\n"u8.ToArray(), 6L * 1024 * 1024 * 1024));
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = await Assert.ThrowsAsync<LimitExceededException>(() => LayerReader.ReadAsync(stream, Layer, (_, _, _) => -1, TestContext.Current.CancellationToken));
        Assert.Contains("a tar PAX header claims 1073741823 bytes", ex.Message, StringComparison.Ordinal);

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 256L * 1024 * 1024, $"{(GC.GetTotalAllocatedBytes(true) - before) >> 20} MiB allocated");
    }

    private sealed class RepeatingStream(byte[] pattern, long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = pattern[(_position + i) % pattern.Length];
            }
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ConcatStream(byte[] head, Stream tail) : Stream
    {
        private int _headPosition;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_headPosition < head.Length)
            {
                var n = Math.Min(count, head.Length - _headPosition);
                Array.Copy(head, _headPosition, buffer, offset, n);
                _headPosition += n;
                return n;
            }
            return tail.Read(buffer, offset, count);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
