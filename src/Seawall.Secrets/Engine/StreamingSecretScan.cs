using System.Text;

namespace Seawall.Secrets.Engine;

/// <summary>
/// A secret scan of a file seen once, in order, chunk by chunk (a 100 MB log in an image layer, a big file on disk):
/// the text is scanned in windows of about 2 MB that overlap by 64 KB, so a secret split across two chunks is still
/// whole in one window, and each is reported once. Memory stays at a few windows whatever the file's size.
/// </summary>
public sealed class StreamingSecretScan
{
    private const int FlushAt = 2 * 1024 * 1024;

    /// <summary>Tail carried into the next window: a match starting before the cut can end inside it.</summary>
    private const int Overlap = SecretScanner.MultilineSpan;

    /// <summary>Context kept before the first reportable character, so a keyword's line is still whole.</summary>
    private const int KeepBack = 8 * 1024;

    private readonly SecretScanner _scanner;
    private readonly string _path;
    private readonly List<SecretHit> _hits = [];
    private readonly List<string> _warnings = [];
    private char[] _buffer = new char[FlushAt + (1 << 20) + Overlap];
    private int _length;
    private long _bufferStart;
    private long _reported;
    private int _lineAtBufferStart = 1;
    private bool _first = true;
    private bool _binary;

    internal StreamingSecretScan(SecretScanner scanner, string path)
    {
        _scanner = scanner;
        _path = path;
    }

    public void Observe(ReadOnlySpan<byte> chunk)
    {
        if (_binary || chunk.IsEmpty)
        {
            return;
        }
        if (_first)
        {
            _first = false;
            if (SecretScanner.LooksBinary(chunk))
            {
                _binary = true;
                return;
            }
        }
        while (!chunk.IsEmpty)
        {
            var room = _buffer.Length - _length;
            if (room == 0)
            {
                Flush(final: false);
                continue;
            }
            var take = Math.Min(room, chunk.Length);
            _length += Encoding.Latin1.GetChars(chunk[..take], _buffer.AsSpan(_length));
            chunk = chunk[take..];
            if (_length >= FlushAt)
            {
                Flush(final: false);
            }
        }
    }

    public FileScan Finish()
    {
        if (_binary)
        {
            return FileScan.BinaryFile;
        }
        Flush(final: true);
        _buffer = [];
        return new FileScan(_hits, _warnings, false);
    }

    private void Flush(bool final)
    {
        var reportTo = final ? _length : Math.Max(0, _length - Overlap);
        var reportFrom = (int)(_reported - _bufferStart);
        if (reportTo > reportFrom && _hits.Count < SecretScanner.MaxHitsPerFile)
        {
            _scanner.ScanWindow(_path, _buffer.AsSpan(0, _length), _lineAtBufferStart, reportFrom, reportTo, _hits, _warnings);
        }
        _reported = _bufferStart + Math.Max(reportTo, reportFrom);
        if (final)
        {
            return;
        }
        // Drop what no later window needs: everything before the last KeepBack characters of the reported part.
        var keepFrom = Math.Max(0, reportTo - KeepBack);
        _lineAtBufferStart += _buffer.AsSpan(0, keepFrom).Count('\n');
        _buffer.AsSpan(keepFrom, _length - keepFrom).CopyTo(_buffer);
        _length -= keepFrom;
        _bufferStart += keepFrom;
    }
}
