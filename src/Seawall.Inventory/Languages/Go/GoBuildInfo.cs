using System.Text;
using Seawall.Inventory.Executables;

namespace Seawall.Inventory.Languages.Go;

/// <summary>
/// What a Go binary says about its build: the toolchain version and the module information text that
/// `go version -m` prints. Raw bytes, exactly as the binary holds them.
/// </summary>
internal sealed record GoBuildInfo(byte[] GoVersion, byte[] ModInfo);

/// <summary>The outcome of looking for build info: found, not a Go binary (Info and Error null), or broken (Error).</summary>
internal readonly record struct GoBuildInfoResult(GoBuildInfo? Info, string? Error)
{
    public static GoBuildInfoResult NotGo => default;
}

/// <summary>
/// Reads the build info the Go linker embeds in every binary (Go 1.13+), as Go's debug/buildinfo does: a 32-byte
/// header starting "\xff Go buildinf:" at a 16-byte boundary near the start of the data (the .go.buildinfo section,
/// else the first writable segment), followed either by two varint-prefixed strings (Go 1.18+) or by two pointers
/// to string headers elsewhere in the binary (older releases).
/// </summary>
/// <remarks>
/// The condensed form an image layer keeps is that same blob, always in the inline layout, at offset 0, so a
/// 80 MB binary becomes a few KB that this reader parses exactly as the original.
/// </remarks>
internal static class GoBuildInfoReader
{
    /// <summary>"\xff Go buildinf:" (the first byte is 0xFF, not a UTF-8 character).</summary>
    public static ReadOnlySpan<byte> Magic => [0xFF, 0x20, 0x47, 0x6F, 0x20, 0x62, 0x75, 0x69, 0x6C, 0x64, 0x69, 0x6E, 0x66, 0x3A];

    /// <summary>Marks a condensed file whose build info could not be read: the rest is the warning.</summary>
    public static ReadOnlySpan<byte> ErrorMarker => "SEAWALL-GO-BUILDINFO-ERROR\n"u8;

    private const int HeaderSize = 32;
    private const int Align = 16;
    private const int SearchWindow = 64 * 1024;
    private const int MaxVersionBytes = 1024;

    /// <summary>Module text past this is refused; real binaries with a thousand modules stay under 200 KB.</summary>
    internal const int MaxModInfoBytes = 8 * 1024 * 1024;

    private const byte FlagBigEndian = 1;
    private const byte FlagInline = 2;

    public static GoBuildInfoResult Read(Stream stream)
    {
        if (StartsWith(stream, ErrorMarker, out var head))
        {
            stream.Position = ErrorMarker.Length;
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            return new GoBuildInfoResult(null, reader.ReadToEnd());
        }
        if (head.AsSpan().StartsWith(Magic))
        {
            // A condensed blob (or a file that is just a blob): no executable around it to resolve pointers in.
            return ReadBlob(stream, 0, null);
        }
        var exe = ExecutableFile.Open(stream);
        if (exe is null)
        {
            return GoBuildInfoResult.NotGo;
        }
        var (offset, size, named) = DataStart(exe);
        if (named is not null && offset < 0)
        {
            return new GoBuildInfoResult(null, $"{Describe(exe)}: section {named} lies outside the file ({exe.Problem})");
        }
        var blob = offset >= 0 ? FindMagic(exe.Read(offset, Math.Min(size, SearchWindow))) : -1;
        if (blob >= 0)
        {
            return ReadBlob(stream, offset + blob, exe);
        }
        if (exe.Problem is null)
        {
            return GoBuildInfoResult.NotGo;
        }
        // Broken headers (a truncated file, a table past the end): look for the blob anywhere before giving up.
        var anywhere = ScanForMagic(stream);
        if (anywhere >= 0)
        {
            return ReadBlob(stream, anywhere, exe);
        }
        return new GoBuildInfoResult(null, $"truncated or malformed {Describe(exe)} ({exe.Problem}); no Go build info found");
    }

    /// <summary>The blob as a condensed file keeps it: inline layout, 8-byte pointers, little endian.</summary>
    public static byte[] Serialize(GoBuildInfo info)
    {
        using var output = new MemoryStream(HeaderSize + info.GoVersion.Length + info.ModInfo.Length + 20);
        output.Write(Magic);
        output.WriteByte(8);
        output.WriteByte(FlagInline);
        output.Write(new byte[HeaderSize - Magic.Length - 2]);
        WriteUvarint(output, (ulong)info.GoVersion.Length);
        output.Write(info.GoVersion);
        WriteUvarint(output, (ulong)info.ModInfo.Length);
        output.Write(info.ModInfo);
        return output.ToArray();
    }

    public static byte[] SerializeError(string message) => [.. ErrorMarker, .. Encoding.UTF8.GetBytes(message)];

    /// <summary>Where Go's own reader looks: the named section, else the first writable, non-executable data.</summary>
    private static (long Offset, long Size, string? Named) DataStart(ExecutableFile exe)
    {
        switch (exe.Format)
        {
            case ExecutableFormat.Elf:
                if (exe.Section(".go.buildinfo") is { } section)
                {
                    return (section.Offset, (long)Math.Min(section.Size, long.MaxValue), section.Name);
                }
                foreach (var segment in exe.Segments)
                {
                    if (segment.Writable && !segment.Executable && segment.Offset >= 0)
                    {
                        return (segment.Offset, (long)Math.Min(segment.FileSize, long.MaxValue), null);
                    }
                }
                break;
            case ExecutableFormat.Pe:
                const uint initializedReadWrite = 0x40 | 0x40000000 | 0x80000000;
                foreach (var s in exe.Sections)
                {
                    if (s.Size != 0 && s.Offset >= 0 && (s.PeCharacteristics & ~0x600000u) == initializedReadWrite)
                    {
                        return (s.Offset, (long)s.Size, null);
                    }
                }
                break;
            case ExecutableFormat.MachO:
                if (exe.Section("__go_buildinfo") is { } goSection)
                {
                    return (goSection.Offset, (long)Math.Min(goSection.Size, long.MaxValue), goSection.Name);
                }
                foreach (var segment in exe.Segments)
                {
                    if (segment.Address != 0 && segment.FileSize != 0 && segment.Offset >= 0 && segment.MachOInitProtection == 3 && segment.MachOMaxProtection == 3)
                    {
                        return (segment.Offset, (long)Math.Min(segment.FileSize, long.MaxValue), null);
                    }
                }
                break;
        }
        return (-1, 0, null);
    }

    private static GoBuildInfoResult ReadBlob(Stream stream, long at, ExecutableFile? exe)
    {
        var header = ReadExactly(stream, at, HeaderSize);
        if (header is null)
        {
            return new GoBuildInfoResult(null, "Go build info header is cut short by the end of the file");
        }
        var pointerSize = header[14];
        var flags = header[15];
        byte[]? version, mod;
        if ((flags & FlagInline) != 0)
        {
            var next = at + HeaderSize;
            if (!ReadVarString(stream, ref next, MaxVersionBytes, "Go version", out version, out var error)
                || !ReadVarString(stream, ref next, MaxModInfoBytes, "module information", out mod, out error))
            {
                return new GoBuildInfoResult(null, error);
            }
        }
        else
        {
            if (exe is null)
            {
                return new GoBuildInfoResult(null, "Go build info in the pre-1.18 pointer layout, outside any executable");
            }
            if (pointerSize is not (4 or 8))
            {
                return new GoBuildInfoResult(null, $"Go build info gives a pointer size of {pointerSize}");
            }
            var bigEndian = (flags & FlagBigEndian) != 0;
            var versionAddress = Pointer(header.AsSpan(16), pointerSize, bigEndian);
            var modAddress = Pointer(header.AsSpan(16 + pointerSize), pointerSize, bigEndian);
            if (!ReadGoString(exe, versionAddress, pointerSize, bigEndian, MaxVersionBytes, "Go version", out version, out var error)
                || !ReadGoString(exe, modAddress, pointerSize, bigEndian, MaxModInfoBytes, "module information", out mod, out error))
            {
                return new GoBuildInfoResult(null, error);
            }
        }
        if (version.Length == 0)
        {
            return new GoBuildInfoResult(null, "Go build info has an empty Go version");
        }
        return new GoBuildInfoResult(new GoBuildInfo(version, mod), null);
    }

    /// <summary>A Go string header (data pointer, length) at an address, and the bytes it points to.</summary>
    private static bool ReadGoString(ExecutableFile exe, ulong address, int pointerSize, bool bigEndian, int max, string what, out byte[] value, out string? error)
    {
        value = [];
        error = null;
        var header = exe.ReadAddress(address, 2 * pointerSize);
        if (header is null || header.Length < 2 * pointerSize)
        {
            error = $"{what}: string header at 0x{address:x} is not in the file";
            return false;
        }
        var data = Pointer(header, pointerSize, bigEndian);
        var length = Pointer(header.AsSpan(pointerSize), pointerSize, bigEndian);
        if (length > (ulong)max)
        {
            error = $"{what} claims {length} bytes, over the {max}-byte cap";
            return false;
        }
        if (length == 0)
        {
            return true;
        }
        var bytes = exe.ReadAddress(data, (long)length);
        if (bytes is null || (ulong)bytes.Length < length)
        {
            error = $"{what}: {length} bytes at 0x{data:x} are not in the file";
            return false;
        }
        value = bytes;
        return true;
    }

    private static bool ReadVarString(Stream stream, ref long at, int max, string what, out byte[] value, out string? error)
    {
        value = [];
        error = null;
        var prefix = ReadUpTo(stream, at, 10);
        if (!TryReadUvarint(prefix, out var length, out var used))
        {
            error = $"{what}: bad length prefix at offset {at}";
            return false;
        }
        if (length > (ulong)max)
        {
            error = $"{what} claims {length} bytes, over the {max}-byte cap";
            return false;
        }
        at += used;
        var bytes = ReadExactly(stream, at, (int)length);
        if (bytes is null)
        {
            error = $"{what} ({length} bytes at offset {at}) runs past the end of the file";
            return false;
        }
        at += (long)length;
        value = bytes;
        return true;
    }

    private static ulong Pointer(ReadOnlySpan<byte> b, int size, bool bigEndian) => size == 8
        ? (bigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b) : System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b))
        : (bigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b));

    private static int FindMagic(byte[]? window)
    {
        if (window is null)
        {
            return -1;
        }
        var from = 0;
        while (from < window.Length)
        {
            var i = window.AsSpan(from).IndexOf(Magic);
            if (i < 0)
            {
                return -1;
            }
            i += from;
            if (i % Align == 0 && window.Length - i >= HeaderSize)
            {
                return i;
            }
            from = i + 1;
        }
        return -1;
    }

    /// <summary>The first aligned magic anywhere in the file, read in chunks that overlap by the magic's length.</summary>
    private static long ScanForMagic(Stream stream)
    {
        const int chunk = 1 << 20;
        var buffer = new byte[chunk + Magic.Length];
        long position = 0;
        while (position < stream.Length)
        {
            var n = ReadUpTo(stream, position, buffer.Length, buffer);
            var span = buffer.AsSpan(0, n);
            var from = 0;
            while (from < span.Length)
            {
                var i = span[from..].IndexOf(Magic);
                if (i < 0)
                {
                    break;
                }
                i += from;
                if ((position + i) % Align == 0)
                {
                    return position + i;
                }
                from = i + 1;
            }
            if (n < buffer.Length)
            {
                break;
            }
            position += chunk;
        }
        return -1;
    }

    private static bool TryReadUvarint(ReadOnlySpan<byte> b, out ulong value, out int used)
    {
        value = 0;
        used = 0;
        var shift = 0;
        foreach (var x in b)
        {
            used++;
            if (shift == 63 && x > 1)
            {
                return false; // overflows 64 bits
            }
            value |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80)
            {
                return true;
            }
            shift += 7;
            if (shift > 63)
            {
                return false;
            }
        }
        return false;
    }

    private static void WriteUvarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }

    private static bool StartsWith(Stream stream, ReadOnlySpan<byte> prefix, out byte[] head)
    {
        head = ReadUpTo(stream, 0, Math.Max(prefix.Length, Magic.Length));
        return head.AsSpan().StartsWith(prefix);
    }

    private static byte[] ReadUpTo(Stream stream, long at, int count)
    {
        var buffer = new byte[count];
        var n = ReadUpTo(stream, at, count, buffer);
        return n == count ? buffer : buffer[..n];
    }

    private static int ReadUpTo(Stream stream, long at, int count, byte[] buffer)
    {
        if (at < 0 || at >= stream.Length)
        {
            return 0;
        }
        stream.Position = at;
        var total = 0;
        while (total < count)
        {
            var n = stream.Read(buffer, total, count - total);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    private static byte[]? ReadExactly(Stream stream, long at, int count)
    {
        if (count == 0)
        {
            return [];
        }
        if (at < 0 || count > stream.Length - at)
        {
            return null;
        }
        var bytes = ReadUpTo(stream, at, count);
        return bytes.Length == count ? bytes : null;
    }

    private static string Describe(ExecutableFile exe) => exe.Format switch
    {
        ExecutableFormat.Elf => "ELF file",
        ExecutableFormat.Pe => "PE file",
        _ => "Mach-O file",
    };
}
