using Seawall.Core.Errors;

namespace Seawall.Artifacts.Streams;

/// <summary>
/// Turns what decompressors throw on damaged input (InvalidDataException from gzip, ZstdException from zstd)
/// into a one-line ScanException naming the layer. Without it, damage found while draining a layer after its
/// tar (a bad gzip CRC, say) reached the CLI as an unexpected exception.
/// </summary>
internal sealed class DecompressionGuardStream(Stream inner, string what) : Stream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception ex) when (ex is InvalidDataException or ZstdSharp.ZstdException)
        {
            throw Corrupt(ex);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or ZstdSharp.ZstdException)
        {
            throw Corrupt(ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private ScanException Corrupt(Exception ex) => new($"{what}: corrupt or truncated compressed data ({ex.Message})", ex);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
