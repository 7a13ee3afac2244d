using System.IO.Compression;
using ZstdSharp;

namespace Seawall.Artifacts.Streams;

/// <summary>Layers come gzip-, zstd- or un-compressed, whatever the media type claims: sniff the magic bytes.</summary>
public static class Decompression
{
    public static async Task<Stream> OpenAsync(Stream raw, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        var read = 0;
        while (read < head.Length)
        {
            var n = await raw.ReadAsync(head.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        Stream replay = new PrefixedStream(head.AsMemory(0, read), raw);
        if (read >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return new GZipStream(replay, CompressionMode.Decompress);
        }
        if (read >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
        {
            return new DecompressionStream(replay);
        }
        return replay;
    }
}

/// <summary>Replays bytes already read, then the rest of the inner stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ReadOnlyWrapperStream(inner)
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_prefix.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }
        return Inner.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_prefix.IsEmpty)
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        return Inner.ReadAsync(buffer, cancellationToken);
    }
}
