using System.Collections;
using Seawall.Core.FileTree;

namespace Seawall.Core.Model;

/// <summary>
/// A package's owned files kept as the package manager wrote them (one rooted path per line, as in a dpkg .list) and
/// split into strings only when someone enumerates them as a list. A Debian image has 100,000 owned paths; a scan
/// asks only whether a few of them are there (<see cref="Paths"/>, no allocation per line), so splitting every list on
/// every warm scan was most of the scan's time.
/// </summary>
public sealed class InstalledFileList : IReadOnlyList<string>
{
    private readonly string _text;
    private readonly bool _md5sums;
    private string[]? _items;

    /// <param name="text">Newline-separated paths ("/usr/bin/x"), or md5sums lines ("&lt;md5&gt;  usr/bin/x") when <paramref name="md5sums"/>.</param>
    public InstalledFileList(string text, bool md5sums = false)
    {
        _text = text;
        _md5sums = md5sums;
    }

    /// <summary>Every path, normalised (no leading slash), without allocating for the already clean ones.</summary>
    public PathEnumerator Paths => new(_text, _md5sums);

    public int Count => Items.Length;

    public string this[int index] => Items[index];

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private string[] Items => _items ??= Materialize();

    private string[] Materialize()
    {
        var items = new List<string>();
        foreach (var path in Paths)
        {
            items.Add(path.ToString());
        }
        return [.. items];
    }

    /// <summary>Enumerates the paths as spans over the text; only a path that needs normalising allocates.</summary>
    public ref struct PathEnumerator
    {
        private ReadOnlySpan<char> _rest;
        private readonly bool _md5sums;

        internal PathEnumerator(string text, bool md5sums)
        {
            _rest = text;
            _md5sums = md5sums;
        }

        public ReadOnlySpan<char> Current { get; private set; }

        public readonly PathEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (!_rest.IsEmpty)
            {
                var newline = _rest.IndexOf('\n');
                var line = newline < 0 ? _rest : _rest[..newline];
                _rest = newline < 0 ? [] : _rest[(newline + 1)..];
                line = line.TrimEnd('\r');
                if (_md5sums)
                {
                    var space = line.IndexOf("  ", StringComparison.Ordinal);
                    line = space < 0 ? [] : line[(space + 2)..];
                }
                if (line.Length > 0 && line[0] == '/')
                {
                    line = line[1..];
                }
                if (line.IsEmpty || line is ".")
                {
                    continue;
                }
                if (!TreePath.IsClean(line))
                {
                    // Rare ("/usr/lib/x/" or "a//b"): normalise through the allocating path.
                    var normalized = TreePath.Normalize(line.ToString());
                    if (string.IsNullOrEmpty(normalized))
                    {
                        continue;
                    }
                    line = normalized;
                }
                Current = line;
                return true;
            }
            return false;
        }
    }
}
