using Seawall.Core.Errors;

namespace Seawall.Artifacts.Streams;

/// <summary>Throws once more than Limit bytes come through: the guard against decompression bombs.</summary>
public sealed class LimitedReadStream(Stream inner, long limit, string what) : ReadOnlyWrapperStream(inner)
{
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Account(int n)
    {
        BytesRead += n;
        if (BytesRead > limit)
        {
            throw new LimitExceededException($"{what}: expands past {limit} bytes; refusing it as a possible decompression bomb");
        }
        return n;
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
}
