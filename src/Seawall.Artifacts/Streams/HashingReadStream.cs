using System.Security.Cryptography;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Streams;

/// <summary>
/// Hashes what passes through and, when the inner stream ends, checks it against the expected digest
/// ("sha256:hex"). A mismatch throws, so a tampered blob can never be read to its end unnoticed.
/// </summary>
public sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly string? _expected;
    private readonly string _what;
    private readonly bool _leaveOpen;
    private bool _done;

    public HashingReadStream(Stream inner, string? expectedDigest, string what, bool leaveOpen = false)
    {
        _inner = inner;
        _expected = expectedDigest;
        _what = what;
        _leaveOpen = leaveOpen;
        if (expectedDigest is not null && !expectedDigest.StartsWith("sha256:", StringComparison.Ordinal))
        {
            throw new ScanException($"{what}: unsupported digest algorithm in '{expectedDigest}'");
        }
    }

    /// <summary>The digest of everything read so far, once the end was reached.</summary>
    public string? ActualDigest { get; private set; }

    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        Account(buffer[..n], buffer.IsEmpty);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n], buffer.IsEmpty);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <param name="zeroByteRead">The caller asked for nothing: 0 then says nothing about the end of the stream.</param>
    private void Account(ReadOnlySpan<byte> data, bool zeroByteRead)
    {
        if (data.Length > 0)
        {
            _hash.AppendData(data);
            BytesRead += data.Length;
            return;
        }
        if (_done || zeroByteRead)
        {
            return;
        }
        _done = true;
        ActualDigest = "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (_expected is not null && !string.Equals(ActualDigest, _expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new DigestMismatchException($"{_what}: digest mismatch, expected {_expected} but content hashes to {ActualDigest}");
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
