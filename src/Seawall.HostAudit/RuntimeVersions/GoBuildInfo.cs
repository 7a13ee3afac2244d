using System.Buffers.Binary;
using System.Text;

namespace Seawall.HostAudit.RuntimeVersions;

/// <summary>
/// What a Go binary says about its build, as `go version -m` prints it: the toolchain, the main package path, the main
/// module's version and the build settings (-ldflags among them, where releases stamp their version).
/// </summary>
internal sealed record GoBinaryInfo(string GoVersion, string? Path, string? ModuleVersion, IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    /// <summary>The value a "-X name=value" in -ldflags gave a variable, or null.</summary>
    public string? LinkerVariable(string name)
    {
        var ldflags = Settings.FirstOrDefault(s => s.Key == "-ldflags").Value;
        return ldflags is null ? null : GoBuildInfo.LinkerVariables(ldflags).LastOrDefault(v => v.Key == name).Value;
    }
}

/// <summary>
/// A small reader of the build information the Go linker embeds (Go 1.18 and later), for the runtime binaries the
/// host audit versions (runc, containerd, dockerd) when no OS package owns them. It follows Go's debug/buildinfo:
/// the 32-byte header "\xff Go buildinf:" at a 16-byte boundary at the start of the ELF section .go.buildinfo (else
/// of the first writable, non-executable segment), then the Go version and the module text as length-prefixed
/// strings. The full reader (every executable format, pre-1.18 pointer layout, condensed layer blobs) lives in
/// Seawall.Inventory's GoBuildInfoReader, which HostAudit does not reference (it depends on Core only); a binary
/// in the pre-1.18 layout reads here as "no build info", and its version is reported unknown.
/// </summary>
internal static class GoBuildInfo
{
    private static ReadOnlySpan<byte> Magic => [0xFF, 0x20, 0x47, 0x6F, 0x20, 0x62, 0x75, 0x69, 0x6C, 0x64, 0x69, 0x6E, 0x66, 0x3A];

    private const int HeaderSize = 32;
    private const int SearchWindow = 64 * 1024;
    private const int MaxModInfo = 4 * 1024 * 1024;
    private const byte FlagInline = 2;

    /// <summary>The build info of an ELF Go binary; null when the stream is no ELF file, no Go binary, or a pre-1.18 one.</summary>
    public static GoBinaryInfo? Read(Stream stream)
    {
        var start = DataStart(stream);
        if (start is not { } region)
        {
            return null;
        }
        var window = ReadAt(stream, region.Offset, (int)Math.Min(region.Size, SearchWindow));
        var at = -1;
        for (var from = 0; from + HeaderSize <= window.Length;)
        {
            var i = window.AsSpan(from).IndexOf(Magic);
            if (i < 0)
            {
                break;
            }
            i += from;
            if (i % 16 == 0 && i + HeaderSize <= window.Length)
            {
                at = i;
                break;
            }
            from = i + 1;
        }
        if (at < 0 || (window[at + 15] & FlagInline) == 0)
        {
            return null;
        }
        var position = region.Offset + at + HeaderSize;
        var version = ReadVarString(stream, ref position, 1024);
        var mod = ReadVarString(stream, ref position, MaxModInfo);
        if (version is null || mod is null || version.Length == 0)
        {
            return null;
        }
        return Parse(Encoding.UTF8.GetString(version), Encoding.UTF8.GetString(mod));
    }

    /// <summary>The module text ("path\t...", "mod\t...", "build\tkey=value" lines) between Go's 16-byte sentinels.</summary>
    internal static GoBinaryInfo Parse(string goVersion, string modInfo)
    {
        if (modInfo.Length >= 33 && modInfo[^17] == '\n')
        {
            modInfo = modInfo[16..^16];
        }
        string? path = null;
        string? moduleVersion = null;
        var settings = new List<KeyValuePair<string, string>>();
        foreach (var line in modInfo.Split('\n'))
        {
            var fields = line.Split('\t');
            switch (fields[0])
            {
                case "path" when fields.Length > 1:
                    path = fields[1];
                    break;
                case "mod" when fields.Length > 2:
                    moduleVersion = fields[2];
                    break;
                case "build" when fields.Length > 1:
                    var setting = string.Join('\t', fields[1..]);
                    var eq = setting.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0)
                    {
                        settings.Add(new(setting[..eq], Unquote(setting[(eq + 1)..])));
                    }
                    break;
            }
        }
        return new GoBinaryInfo(goVersion, path, moduleVersion, settings);
    }

    /// <summary>"-X name=value" pairs of an -ldflags value, its words split as the go command splits them (quotes group).</summary>
    internal static IEnumerable<KeyValuePair<string, string>> LinkerVariables(string ldflags)
    {
        var words = Words(ldflags);
        for (var i = 0; i < words.Count; i++)
        {
            string? assignment = null;
            if (words[i] is "-X" or "--X" && i + 1 < words.Count)
            {
                assignment = words[++i];
            }
            else if (words[i].StartsWith("-X=", StringComparison.Ordinal) || words[i].StartsWith("--X=", StringComparison.Ordinal))
            {
                assignment = words[i][(words[i].IndexOf('=', StringComparison.Ordinal) + 1)..];
            }
            var eq = assignment?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            if (eq > 0)
            {
                yield return new(assignment![..eq], assignment[(eq + 1)..]);
            }
        }
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
                continue;
            }
            if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
                continue;
            }
            current.Append(c);
            inWord = true;
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        return words;
    }

    /// <summary>A build setting's value as Go writes it: quoted with strconv.Quote when it holds spaces, quotes or tabs.</summary>
    private static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }
        var result = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] != '\\' || i + 1 >= value.Length - 1)
            {
                result.Append(value[i]);
                continue;
            }
            var next = value[++i];
            result.Append(next switch
            {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                _ => next,
            });
        }
        return result.ToString();
    }

    /// <summary>Where Go's reader looks: the .go.buildinfo section, else the first writable, non-executable PT_LOAD segment.</summary>
    private static (long Offset, long Size)? DataStart(Stream stream)
    {
        var ident = ReadAt(stream, 0, 64);
        if (ident.Length < 52 || ident[0] != 0x7F || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F')
        {
            return null;
        }
        var is64 = ident[4] == 2;
        var bigEndian = ident[5] == 2;
        if (is64 && ident.Length < 64)
        {
            return null;
        }
        ulong Word(ReadOnlySpan<byte> b, int at, int size) => size == 8
            ? (bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b[at..]) : BinaryPrimitives.ReadUInt64LittleEndian(b[at..]))
            : size == 4 ? (bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[at..]))
            : (bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(b[at..]));
        var addr = is64 ? 8 : 4;
        var phoff = (long)Word(ident, is64 ? 32 : 28, addr);
        var shoff = (long)Word(ident, is64 ? 40 : 32, addr);
        var phentsize = (int)Word(ident, is64 ? 54 : 42, 2);
        var phnum = (int)Word(ident, is64 ? 56 : 44, 2);
        var shentsize = (int)Word(ident, is64 ? 58 : 46, 2);
        var shnum = (int)Word(ident, is64 ? 60 : 48, 2);
        var shstrndx = (int)Word(ident, is64 ? 62 : 50, 2);

        if (shoff > 0 && shnum is > 0 and < 10_000 && shentsize >= (is64 ? 64 : 40) && shentsize <= 256 && shstrndx < shnum)
        {
            var sections = ReadAt(stream, shoff, shnum * shentsize);
            if (sections.Length == shnum * shentsize)
            {
                (long Offset, long Size) Section(int index)
                {
                    var s = sections.AsSpan(index * shentsize, shentsize);
                    return is64 ? ((long)Word(s, 24, 8), (long)Word(s, 32, 8)) : ((long)Word(s, 16, 4), (long)Word(s, 20, 4));
                }
                var names = Section(shstrndx);
                var nameTable = ReadAt(stream, names.Offset, (int)Math.Min(names.Size, 1 << 20));
                for (var i = 0; i < shnum; i++)
                {
                    var nameAt = (int)Word(sections.AsSpan(i * shentsize, shentsize), 0, 4);
                    if (nameAt < nameTable.Length && nameTable.AsSpan(nameAt).StartsWith(".go.buildinfo\0"u8))
                    {
                        return Section(i);
                    }
                }
            }
        }
        if (phoff > 0 && phnum is > 0 and < 10_000 && phentsize >= (is64 ? 56 : 32) && phentsize <= 256)
        {
            var headers = ReadAt(stream, phoff, phnum * phentsize);
            for (var i = 0; i + 1 <= phnum && (i + 1) * phentsize <= headers.Length; i++)
            {
                var p = headers.AsSpan(i * phentsize, phentsize);
                const uint load = 1, writable = 2, executable = 1;
                var type = (uint)Word(p, 0, 4);
                var flags = (uint)Word(p, is64 ? 4 : 24, 4);
                if (type == load && (flags & writable) != 0 && (flags & executable) == 0)
                {
                    return is64 ? ((long)Word(p, 8, 8), (long)Word(p, 32, 8)) : ((long)Word(p, 4, 4), (long)Word(p, 16, 4));
                }
            }
        }
        return null;
    }

    private static byte[]? ReadVarString(Stream stream, ref long position, int max)
    {
        var prefix = ReadAt(stream, position, 10);
        ulong length = 0;
        var shift = 0;
        var used = 0;
        foreach (var b in prefix)
        {
            used++;
            length |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
            shift += 7;
            if (shift > 63)
            {
                return null;
            }
        }
        if (used == 0 || length > (ulong)max)
        {
            return null;
        }
        position += used;
        var bytes = ReadAt(stream, position, (int)length);
        position += (long)length;
        return bytes.Length == (int)length ? bytes : null;
    }

    private static byte[] ReadAt(Stream stream, long offset, int count)
    {
        if (offset < 0 || count <= 0 || offset >= stream.Length)
        {
            return [];
        }
        count = (int)Math.Min(count, stream.Length - offset);
        var buffer = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }
}
