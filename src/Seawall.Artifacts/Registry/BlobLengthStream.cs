using Seawall.Artifacts.Streams;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Registry;

/// <summary>
/// Stops a blob download at the size its descriptor names: a hostile registry could otherwise stream
/// forever and the digest check would only fail at an end that never comes.
/// </summary>
internal sealed class BlobLengthStream(Stream inner, long expected, string what) : ReadOnlyWrapperStream(inner)
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Account(int n)
    {
        _read += n;
        if (_read > expected)
        {
            throw new ScanException($"{what}: the registry sent more than the {expected} bytes the manifest names");
        }
        return n;
    }

    public override long Position { get => _read; set => throw new NotSupportedException(); }
}
