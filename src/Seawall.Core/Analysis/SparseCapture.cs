namespace Seawall.Core.Analysis;

/// <summary>
/// Sees a file too large to hold whole, once, in order, chunk by chunk, and asks for the byte ranges its analyzer will
/// read (headers, a section table, a block found by its signature). Ranges can only be asked for at or after the bytes
/// being seen (or in the last <see cref="SparseCapture.Lookback"/> bytes before them): a forward pass cannot go back.
/// </summary>
public interface ISparseCollector
{
    void Observe(long offset, ReadOnlySpan<byte> chunk, SparseCapture capture);
}

/// <summary>
/// The byte ranges collectors asked for, filled as the file streams past, then read back through
/// <see cref="SparseFileStream"/> at their real offsets: an analyzer parses the capture exactly as it parses the file,
/// and a read of a byte nobody asked for fails with <see cref="UncapturedRegionException"/> instead of a wrong answer.
/// </summary>
public sealed class SparseCapture(long length)
{
    /// <summary>How far back a request may start: enough for a signature split across two chunks.</summary>
    public const int Lookback = 64;

    /// <summary>Bytes a file's capture may hold in all; requests past it are refused (a hostile file's many "signatures").</summary>
    public const long MaxCaptured = 32L * 1024 * 1024;

    private readonly List<(long Offset, byte[] Bytes)> _ranges = [];
    private readonly byte[] _lookback = new byte[Lookback];
    private int _lookbackLength;
    private long _position;
    private long _captured;

    public long Length { get; } = length;

    /// <summary>Asks for [offset, offset + count) (clamped to the file). False when it starts too far back or the cap is spent.</summary>
    public bool Request(long offset, long count)
    {
        if (offset < 0 || offset >= Length || count <= 0)
        {
            return false;
        }
        count = Math.Min(count, Length - offset);
        var earliest = _position - _lookbackLength;
        if (offset < earliest || _captured + count > MaxCaptured)
        {
            return false;
        }
        foreach (var (start, bytes) in _ranges)
        {
            if (offset >= start && offset + count <= start + bytes.Length)
            {
                return true; // already asked for
            }
        }
        var range = new byte[count];
        _captured += count;
        // Bytes already seen come from the lookback window.
        if (offset < _position)
        {
            var seen = (int)Math.Min(_position - offset, count);
            _lookback.AsSpan(_lookbackLength - (int)(_position - offset), seen).CopyTo(range);
        }
        _ranges.Add((offset, range));
        return true;
    }

    /// <summary>Copies a chunk into every range it overlaps, then moves past it. Chunks must come in order.</summary>
    public void Fill(ReadOnlySpan<byte> chunk)
    {
        var chunkStart = _position;
        var chunkEnd = _position + chunk.Length;
        foreach (var (start, bytes) in _ranges)
        {
            var from = Math.Max(start, chunkStart);
            var to = Math.Min(start + bytes.Length, chunkEnd);
            if (from < to)
            {
                chunk.Slice((int)(from - chunkStart), (int)(to - from)).CopyTo(bytes.AsSpan((int)(from - start)));
            }
        }
        _position = chunkEnd;
        if (chunk.Length >= Lookback)
        {
            chunk[^Lookback..].CopyTo(_lookback);
            _lookbackLength = Lookback;
        }
        else
        {
            // Keep the newest Lookback bytes across a short chunk.
            var keep = Math.Min(_lookbackLength, Lookback - chunk.Length);
            _lookback.AsSpan(_lookbackLength - keep, keep).CopyTo(_lookback);
            chunk.CopyTo(_lookback.AsSpan(keep));
            _lookbackLength = keep + chunk.Length;
        }
    }

    /// <summary>The captured ranges as a seekable stream of the file's length (call once the whole file went through Fill).</summary>
    public SparseFileStream ToStream()
    {
        _ranges.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        // Overlapping or touching ranges merge, so a read that crosses from one into the next is served whole.
        var merged = new List<(long Offset, byte[] Bytes)>();
        foreach (var (offset, bytes) in _ranges)
        {
            if (merged.Count > 0 && merged[^1].Offset + merged[^1].Bytes.Length >= offset)
            {
                var (lastOffset, lastBytes) = merged[^1];
                var end = Math.Max(lastOffset + lastBytes.Length, offset + bytes.Length);
                if (end > lastOffset + lastBytes.Length)
                {
                    var combined = new byte[end - lastOffset];
                    lastBytes.CopyTo(combined, 0);
                    bytes.AsSpan((int)(lastOffset + lastBytes.Length - offset)).CopyTo(combined.AsSpan(lastBytes.Length));
                    merged[^1] = (lastOffset, combined);
                }
            }
            else
            {
                merged.Add((offset, bytes));
            }
        }
        return new SparseFileStream(Length, merged);
    }
}

/// <summary>A read-only, seekable view of a file of which only some ranges are held (see <see cref="SparseCapture"/>).</summary>
public sealed class SparseFileStream : Stream
{
    private readonly IReadOnlyList<(long Offset, byte[] Bytes)> _ranges;
    private long _position;

    internal SparseFileStream(long length, IReadOnlyList<(long Offset, byte[] Bytes)> ranges)
    {
        Length = length;
        _ranges = ranges;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= Length || buffer.Length == 0)
        {
            return 0;
        }
        foreach (var (start, bytes) in _ranges)
        {
            if (_position >= start && _position < start + bytes.Length)
            {
                var n = (int)Math.Min(buffer.Length, start + bytes.Length - _position);
                bytes.AsSpan((int)(_position - start), n).CopyTo(buffer);
                _position += n;
                return n;
            }
        }
        throw new UncapturedRegionException(_position, Length);
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>An analyzer read a byte of a streamed file that its collector did not ask for.</summary>
public sealed class UncapturedRegionException(long offset, long length)
    : Exception($"needs bytes at offset {offset} of {length} that a single streamed pass did not keep")
{
    public long Offset { get; } = offset;
}
