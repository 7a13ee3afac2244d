using System.IO.Compression;
using System.Security.Cryptography;
using Seawall.Artifacts.Image;
using Seawall.Artifacts.Streams;
using Seawall.Core.Errors;

namespace Seawall.Tests.Artifacts.Streams;

/// <summary>The verified, bounded layer stream every source hands out (LayerStreams.OpenAsync and the streams under it).</summary>
public sealed class LayerStreamTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Digest(byte[] b) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(b));

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }
        return ms.ToArray();
    }

    private static byte[] Zstd(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZstdSharp.CompressionStream(ms, 3, leaveOpen: true))
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    private static byte[] Payload(int size)
    {
        var data = new byte[size];
        new Random(42).NextBytes(data.AsSpan(0, size / 2)); // half random, half zeros: compressible but not trivially
        return data;
    }

    private static async Task ReadAllAsync(LayerStream layer)
    {
        await layer.Tar.CopyToAsync(Stream.Null, Token);
        await layer.DrainAndVerifyAsync(Token);
    }

    [Fact]
    public async Task HashingReadStream_ZeroByteReadBeforeTheEnd_IsNotTakenForTheEnd()
    {
        var data = Payload(10_000);
        using var stream = new HashingReadStream(new MemoryStream(data), Digest(data), "blob");

        Assert.Equal(0, stream.Read([], 0, 0));
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty, Token));
        await stream.CopyToAsync(Stream.Null, Token);

        Assert.Equal(Digest(data), stream.ActualDigest);
        Assert.Equal(10_000, stream.BytesRead);
    }

    [Fact]
    public async Task HashingReadStream_WrongDigest_ThrowsAtTheEndWithBothDigests()
    {
        var data = Payload(1000);
        var wrong = Digest([1, 2, 3]);
        using var stream = new HashingReadStream(new MemoryStream(data), wrong, "layer 3 blob");

        var ex = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null, Token));
        Assert.Equal($"layer 3 blob: digest mismatch, expected {wrong} but content hashes to {Digest(data)}", ex.Message);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zstd")]
    [InlineData("none")]
    public async Task OpenAsync_EachCompression_VerifiesBlobAndDiffId(string compression)
    {
        var tar = Payload(50_000);
        var blob = compression switch { "gzip" => Gzip(tar), "zstd" => Zstd(tar), _ => tar };

        var layer = await LayerStreams.OpenAsync(new MemoryStream(blob), Digest(blob), Digest(tar), blob.Length, "layer 0", Token);
        await using (layer)
        {
            var copy = new MemoryStream();
            await layer.Tar.CopyToAsync(copy, Token);
            await layer.DrainAndVerifyAsync(Token);
            Assert.Equal(tar, copy.ToArray());
        }
    }

    [Theory]
    [InlineData("gzip", 3)]
    [InlineData("gzip", -6)] // the CRC-32 in the gzip trailer: found only while draining after the tar
    [InlineData("zstd", 3)]
    [InlineData("zstd", 4)] // the frame header, just after the magic
    public async Task OpenAsync_CorruptCompressedData_ThrowsScanException(string compression, int where)
    {
        var tar = Payload(200_000);
        var blob = compression == "gzip" ? Gzip(tar) : Zstd(tar);
        var start = where switch { 3 => blob.Length / 3, < 0 => blob.Length + where, _ => where };
        for (var i = start; i < Math.Min(blob.Length, start + (where == 3 ? 64 : 2)); i++)
        {
            blob[i] ^= 0x5A;
        }

        var ex = await Assert.ThrowsAnyAsync<ScanException>(async () =>
        {
            var layer = await LayerStreams.OpenAsync(new MemoryStream(blob), Digest(blob), Digest(tar), blob.Length, "layer 0", Token);
            await using (layer)
            {
                await ReadAllAsync(layer);
            }
        });
        Assert.StartsWith("layer 0", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public async Task OpenAsync_TruncatedCompressedData_ThrowsScanException(string compression)
    {
        var tar = Payload(200_000);
        var full = compression == "gzip" ? Gzip(tar) : Zstd(tar);
        var blob = full[..(full.Length / 2)];

        var ex = await Assert.ThrowsAnyAsync<ScanException>(async () =>
        {
            // The manifest names the whole blob; what arrives is half of it.
            var layer = await LayerStreams.OpenAsync(new MemoryStream(blob), Digest(full), Digest(tar), full.Length, "layer 0", Token);
            await using (layer)
            {
                await ReadAllAsync(layer);
            }
        });
        Assert.StartsWith("layer 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_SmallBlobInflatingPastTheFloor_IsRefusedAsABomb()
    {
        // 4 MiB of compressed zeros inflating without end: the cap is max(512 MiB floor, 100 x compressed size).
        var zeros = new byte[1 << 20];
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var i = 0; i < 520; i++)
            {
                gz.Write(zeros);
            }
        }
        var blob = ms.ToArray();

        var layer = await LayerStreams.OpenAsync(new MemoryStream(blob), null, Digest([]), blob.Length, "layer 7", Token);
        await using (layer)
        {
            var ex = await Assert.ThrowsAsync<LimitExceededException>(() => layer.Tar.CopyToAsync(Stream.Null, Token));
            Assert.Equal($"layer 7: expands past {LayerStreams.RatioFloorBytes} bytes; refusing it as a possible decompression bomb", ex.Message);
        }
    }

    [Fact]
    public async Task OpenAsync_EmptyBlob_FailsTheDiffIdCheck()
    {
        var diffId = Digest(Payload(10));
        var layer = await LayerStreams.OpenAsync(new MemoryStream([]), null, diffId, 0, "layer 0", Token);
        await using (layer)
        {
            await Assert.ThrowsAsync<DigestMismatchException>(() => ReadAllAsync(layer));
        }
    }
}
