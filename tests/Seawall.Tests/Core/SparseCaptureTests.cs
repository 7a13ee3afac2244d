using Seawall.Core.Analysis;

namespace Seawall.Tests.Core;

public sealed class SparseCaptureTests
{
    private static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 + i / 251))];

    /// <summary>Streams the file through the capture in chunks, letting <paramref name="onChunk"/> ask for ranges on the way.</summary>
    private static SparseFileStream Stream(byte[] file, int chunkSize, Action<long, SparseCapture> onChunk)
    {
        var capture = new SparseCapture(file.Length);
        for (var offset = 0; offset < file.Length; offset += chunkSize)
        {
            onChunk(offset, capture);
            capture.Fill(file.AsSpan(offset, Math.Min(chunkSize, file.Length - offset)));
        }
        return capture.ToStream();
    }

    [Fact]
    public void Read_RangesAskedBeforeTheirBytes_AreServedAtTheirOffsets()
    {
        var file = Bytes(10_000);
        using var sparse = Stream(file, 1000, (offset, capture) =>
        {
            if (offset == 0)
            {
                capture.Request(0, 100);
                capture.Request(2500, 3000); // spans three chunks
            }
        });
        var buffer = new byte[3000];
        sparse.Position = 2500;
        sparse.ReadExactly(buffer);
        Assert.Equal(file.AsSpan(2500, 3000).ToArray(), buffer);
        sparse.Position = 10;
        Assert.Equal(file[10], (byte)sparse.ReadByte());
        Assert.Equal(file.Length, sparse.Length);
    }

    [Fact]
    public void Request_JustBehindTheChunk_IsFilledFromTheLookback()
    {
        var file = Bytes(4000);
        using var sparse = Stream(file, 1000, (offset, capture) =>
        {
            if (offset == 2000)
            {
                Assert.True(capture.Request(2000 - 20, 100)); // a signature that began in the previous chunk
                Assert.False(capture.Request(2000 - SparseCapture.Lookback - 1, 10)); // further back: gone
            }
        });
        var buffer = new byte[100];
        sparse.Position = 1980;
        sparse.ReadExactly(buffer);
        Assert.Equal(file.AsSpan(1980, 100).ToArray(), buffer);
    }

    [Fact]
    public void Read_AcrossOverlappingRanges_IsServedWhole()
    {
        var file = Bytes(5000);
        using var sparse = Stream(file, 700, (offset, capture) =>
        {
            if (offset == 0)
            {
                capture.Request(100, 1000);
                capture.Request(900, 1000);
                capture.Request(1900, 100); // touches the previous one
            }
        });
        var buffer = new byte[1900];
        sparse.Position = 100;
        sparse.ReadExactly(buffer);
        Assert.Equal(file.AsSpan(100, 1900).ToArray(), buffer);
    }

    [Fact]
    public void Read_OfBytesNobodyAskedFor_Throws()
    {
        var file = Bytes(3000);
        using var sparse = Stream(file, 1000, (offset, capture) =>
        {
            if (offset == 0)
            {
                capture.Request(0, 10);
            }
        });
        sparse.Position = 1500;
        var ex = Assert.Throws<UncapturedRegionException>(() => sparse.ReadByte());
        Assert.Equal(1500, ex.Offset);
        // A read that starts inside a range stops at its end rather than inventing bytes.
        sparse.Position = 5;
        var buffer = new byte[100];
        Assert.Equal(5, sparse.Read(buffer));
    }

    [Fact]
    public void Request_PastTheCap_IsRefused()
    {
        var capture = new SparseCapture(long.MaxValue / 2);
        Assert.True(capture.Request(0, SparseCapture.MaxCaptured - 1));
        Assert.False(capture.Request(SparseCapture.MaxCaptured, 2));
    }
}
