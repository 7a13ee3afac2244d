using Seawall.Core.Errors;

namespace Seawall.Artifacts.Streams;

/// <summary>
/// Sits under a TarReader and looks at each tar header before the reader acts on it. System.Formats.Tar
/// allocates a PAX extended header or GNU long name whole, at the size its header claims (up to 2 GiB) before
/// reading it, so a few compressed bytes could make it allocate a gigabyte. Those metadata blocks are refused
/// above <see cref="MaxMetadataBytes"/>; real ones are a few hundred bytes.
/// </summary>
/// <remarks>
/// The caller says where the next header starts (after each entry: data start + length rounded to 512), the
/// same arithmetic the tar reader uses (System.Formats.Tar refuses a non-zero size on entries without data);
/// PAX and GNU metadata headers chain to the header they describe on their own.
/// </remarks>
public sealed class TarHeaderGuardStream : Stream
{
    public const long MaxMetadataBytes = 1024 * 1024;

    private const int Block = 512;
    private readonly Stream inner;
    private readonly string what;
    private readonly byte[] _header = new byte[Block];
    private int _headerFill;
    private long _position;
    private long _expectAt;

    /// <param name="inner">The tar, at the start of its first header; left open when the guard is disposed.</param>
    /// <param name="what">What to call it in errors.</param>
    public TarHeaderGuardStream(Stream inner, string what)
    {
        this.inner = inner;
        this.what = what;
        // Positions are the inner stream's own when it has them (TarReader reports DataOffset in them).
        _position = inner.CanSeek ? inner.Position : 0;
        _expectAt = _position;
    }

    /// <summary>The next tar header starts at this offset of the stream (the first one at 0).</summary>
    public void ExpectHeaderAt(long offset)
    {
        _expectAt = offset;
        _headerFill = 0;
    }

    /// <summary>Where the header after an entry starts: its data start plus its length, rounded up to the 512-byte block.</summary>
    public static long NextHeader(long dataStart, long length) => dataStart + ((length + Block - 1) / Block * Block);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Inspect(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Inspect(ReadOnlySpan<byte> data)
    {
        var start = _position;
        _position += data.Length;
        while (_expectAt >= 0)
        {
            var want = _expectAt + _headerFill; // the next header byte not yet seen
            if (want < start)
            {
                _expectAt = -1; // the reader seeked past the header without reading it: nothing to inspect
                return;
            }
            if (want >= _position)
            {
                return;
            }
            var take = (int)Math.Min(Block - _headerFill, _position - want);
            data.Slice((int)(want - start), take).CopyTo(_header.AsSpan(_headerFill));
            _headerFill += take;
            if (_headerFill < Block)
            {
                return;
            }
            var headerStart = _expectAt;
            _headerFill = 0;
            _expectAt = -1;
            // No checksum test: a block the tar reader would take as a header must be judged the same way, and
            // refusing one it would refuse anyway costs nothing.
            var type = (char)_header[156];
            if (type is 'x' or 'X' or 'g' or 'L' or 'K')
            {
                var size = Size();
                if (size < 0 || size > MaxMetadataBytes)
                {
                    var kind = type is 'L' or 'K' ? "GNU long name" : "PAX";
                    throw new LimitExceededException($"{what}: a tar {kind} header claims {(size < 0 ? "an unreadable number of" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, over the {MaxMetadataBytes}-byte cap; refusing it");
                }
                if (type != 'g')
                {
                    // The metadata describes the header right after it, which the reader reads in the same call.
                    // (Global headers come back as entries of their own; the caller sets the next expectation.)
                    _expectAt = NextHeader(headerStart + Block, size);
                }
            }
        }
    }

    /// <summary>The size field: octal digits (leading spaces or zeros, ending in NUL or space), or base-256 when the high bit is set.</summary>
    private long Size()
    {
        var field = _header.AsSpan(124, 12);
        if ((field[0] & 0x80) != 0)
        {
            long value = 0;
            for (var i = 1; i < field.Length; i++)
            {
                if (value > (long.MaxValue >> 8))
                {
                    return long.MaxValue;
                }
                value = (value << 8) | field[i];
            }
            return (field[0] & 0x40) != 0 ? long.MaxValue : value; // negative sizes are nonsense: refuse
        }
        return ParseOctal(field);
    }

    private static long ParseOctal(ReadOnlySpan<byte> field)
    {
        var text = field.Trim((byte)' ').TrimStart((byte)'0');
        var end = text.IndexOfAny((byte)0, (byte)' ');
        if (end >= 0)
        {
            text = text[..end];
        }
        long value = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'7' || value > (long.MaxValue >> 3))
            {
                return -1;
            }
            value = (value << 3) | (long)(c - '0');
        }
        return value;
    }

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        _position = inner.Seek(offset, origin);
        return _position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // The inner stream is the caller's: a layer stream is drained and verified after its tar was read.
}
