using System.Text;
using Seawall.Artifacts.Layers;
using Seawall.Core.Errors;
using Seawall.Core.Model;
using Seawall.Tests.Support;

namespace Seawall.Tests.Artifacts.Layers;

/// <summary>Damaged layer tars fed to LayerReader: whatever the damage, the result is a snapshot or a ScanException, nothing else.</summary>
public sealed class LayerReaderFuzzTests
{
    private static readonly LayerRef Layer = new(0, "sha256:" + new string('0', 64), "RUN fuzz");

    private static byte[] SampleTar()
    {
        var layer = new LayerSpec();
        layer.Dir("etc").File("etc/os-release", "ID=debian\n").Symlink("etc/alias", "os-release").Hardlink("etc/hard", "etc/os-release")
            .File("var/lib/dpkg/status", "Package: a\nVersion: 1\nStatus: install ok installed\n\n")
            .File(new string('p', 150) + "/long-name-needs-pax", "x").Whiteout("opt/gone").Opaque("srv");
        return ImageBuilder.LayerTar(layer);
    }

    [Fact]
    public async Task ReadAsync_RandomByteDamage_GivesASnapshotOrAScanException()
    {
        var tar = SampleTar();
        var random = new Random(20240601);
        var outcomes = new Dictionary<string, int>();
        for (var round = 0; round < 1500; round++)
        {
            var damaged = (byte[])tar.Clone();
            var flips = random.Next(1, 8);
            for (var i = 0; i < flips; i++)
            {
                // Mostly in headers, where parsing happens.
                var at = random.Next(4) == 0 ? random.Next(damaged.Length) : random.Next(Math.Min(damaged.Length, 4096));
                damaged[at] = random.Next(3) switch { 0 => (byte)random.Next(256), 1 => (byte)'9', _ => 0 };
            }
            if (random.Next(5) == 0)
            {
                damaged = damaged[..random.Next(damaged.Length)];
            }
            string outcome;
            try
            {
                var snapshot = await LayerReader.ReadAsync(new MemoryStream(damaged), Layer, p => 1 << 20, TestContext.Current.CancellationToken);
                outcome = "snapshot";
                Assert.All(snapshot.Nodes, n => Assert.False(n.Path.StartsWith('/') || n.Path.Split('/').Contains("..")));
            }
            catch (ScanException ex)
            {
                outcome = "scan-exception";
                Assert.DoesNotContain('\n', ex.Message);
            }
            catch (Exception ex)
            {
                Assert.Fail($"round {round}: {ex.GetType().Name}: {ex.Message}");
                return;
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        Assert.True(outcomes.GetValueOrDefault("scan-exception") > 100, string.Join(", ", outcomes));
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

        var ex = await Assert.ThrowsAsync<LimitExceededException>(() => LayerReader.ReadAsync(stream, Layer, p => -1, TestContext.Current.CancellationToken));
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
