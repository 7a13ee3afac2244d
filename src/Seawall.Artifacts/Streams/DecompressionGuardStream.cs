using Seawall.Core.Errors;

namespace Seawall.Artifacts.Streams;

/// <summary>
/// Turns what decompressors throw on damaged input (InvalidDataException from gzip, ZstdException from zstd)
/// into a one-line ScanException naming the layer. Without it, damage found while draining a layer after its
/// tar (a bad gzip CRC, say) reached the CLI as an unexpected exception.
/// </summary>
internal sealed class DecompressionGuardStream(Stream inner, string what) : ReadOnlyWrapperStream(inner)
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Inner.Read(buffer);
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
            return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or ZstdSharp.ZstdException)
        {
            throw Corrupt(ex);
        }
    }

    private ScanException Corrupt(Exception ex) => new($"{what}: corrupt or truncated compressed data ({ex.Message})", ex);
}
