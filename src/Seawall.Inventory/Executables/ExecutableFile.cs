using System.Buffers.Binary;
using System.Text;

namespace Seawall.Inventory.Executables;

public enum ExecutableFormat
{
    Elf,
    Pe,
    MachO,
}

/// <summary>A named section: where it sits in memory and in the file (Offset is -1 when it has no bytes in the file).</summary>
public sealed record ExecutableSection(string Name, ulong Address, long Offset, ulong Size, bool Writable, bool Executable)
{
    /// <summary>PE section characteristics (IMAGE_SCN_*); 0 for other formats.</summary>
    public uint PeCharacteristics { get; init; }
}

/// <summary>A loaded segment (ELF program header, Mach-O segment): the bytes the loader maps at Address.</summary>
public sealed record ExecutableSegment(ulong Address, long Offset, ulong FileSize, ulong MemorySize, bool Writable, bool Executable)
{
    /// <summary>Mach-O vm_prot_t values (1 read, 2 write, 4 execute); 0 for other formats.</summary>
    public int MachOMaxProtection { get; init; }

    public int MachOInitProtection { get; init; }
}

/// <summary>
/// The headers of an ELF, PE or Mach-O file read from a seekable stream, without loading the file: binary analyzers
/// find the few bytes they need (Go build info, cargo-auditable's .dep-v0) in files that can be hundreds of MB.
/// Every offset and count is checked against the file: a hostile header yields <see cref="Problem"/>, never an exception.
/// </summary>
public sealed class ExecutableFile
{
    /// <summary>Section and load-command tables larger than this are refused (real ones are a few KB).</summary>
    private const int MaxTableBytes = 16 * 1024 * 1024;

    private readonly Stream _stream;

    private ExecutableFile(Stream stream, ExecutableFormat format)
    {
        _stream = stream;
        Format = format;
    }

    public ExecutableFormat Format { get; }

    public bool BigEndian { get; private set; }

    /// <summary>4 or 8.</summary>
    public int PointerSize { get; private set; } = 8;

    public long Length => _stream.Length;

    public IReadOnlyList<ExecutableSection> Sections { get; private set; } = [];

    public IReadOnlyList<ExecutableSegment> Segments { get; private set; } = [];

    /// <summary>What was wrong with the headers (a table past the end of the file), or null when they read cleanly.</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads the headers, or returns null when the stream does not start like an executable this reader knows.</summary>
    public static ExecutableFile? Open(Stream stream)
    {
        Span<byte> magic = stackalloc byte[4];
        if (stream.Length < 64 || ReadAt(stream, 0, magic) < 4)
        {
            return null;
        }
        ExecutableFile? file = null;
        if (magic.SequenceEqual("\u007fELF"u8))
        {
            file = new ExecutableFile(stream, ExecutableFormat.Elf);
            file.ReadElf();
        }
        else if (magic[0] == 'M' && magic[1] == 'Z')
        {
            file = new ExecutableFile(stream, ExecutableFormat.Pe);
            if (!file.ReadPe())
            {
                return null;
            }
        }
        else
        {
            var le = BinaryPrimitives.ReadUInt32LittleEndian(magic);
            var be = BinaryPrimitives.ReadUInt32BigEndian(magic);
            // Thin Mach-O only (as Go's debug/buildinfo): 0xfeedface/0xfeedfacf in either byte order.
            if (le is 0xfeedface or 0xfeedfacf || be is 0xfeedface or 0xfeedfacf)
            {
                file = new ExecutableFile(stream, ExecutableFormat.MachO);
                file.ReadMachO(bigEndian: be is 0xfeedface or 0xfeedfacf, is64: le == 0xfeedfacf || be == 0xfeedfacf);
            }
        }
        return file;
    }

    public ExecutableSection? Section(string name)
    {
        foreach (var section in Sections)
        {
            if (section.Name == name)
            {
                return section;
            }
        }
        return null;
    }

    /// <summary>Reads up to count bytes at a file offset; fewer at the end of the file, null when the offset is outside it.</summary>
    public byte[]? Read(long offset, long count)
    {
        if (offset < 0 || offset >= Length || count < 0)
        {
            return null;
        }
        var n = (int)Math.Min(Math.Min(count, Length - offset), int.MaxValue - 64);
        var buffer = new byte[n];
        var got = ReadAt(_stream, offset, buffer);
        return got == n ? buffer : buffer[..got];
    }

    /// <summary>
    /// Reads up to count bytes at a virtual address, from the segment (or, for PE, the section) that maps it,
    /// never past that segment's bytes in the file. Null when no segment maps the address.
    /// </summary>
    public byte[]? ReadAddress(ulong address, long count)
    {
        foreach (var (start, offset, size) in Mappings())
        {
            if (address >= start && address - start < size)
            {
                var skip = address - start;
                return Read(offset + (long)skip, (long)Math.Min((ulong)count, size - skip));
            }
        }
        return null;
    }

    private IEnumerable<(ulong Address, long Offset, ulong Size)> Mappings()
    {
        if (Format == ExecutableFormat.Pe)
        {
            foreach (var s in Sections)
            {
                if (s.Offset >= 0)
                {
                    yield return (s.Address, s.Offset, s.Size);
                }
            }
            yield break;
        }
        foreach (var s in Segments)
        {
            if (s.Offset >= 0 && s.FileSize > 0)
            {
                yield return (s.Address, s.Offset, s.FileSize);
            }
        }
    }

    // ---- ELF ----

    private void ReadElf()
    {
        var ident = Read(0, 64)!;
        var is64 = ident[4] == 2;
        BigEndian = ident[5] == 2;
        PointerSize = is64 ? 8 : 4;
        if (ident[4] is not (1 or 2) || ident[5] is not (1 or 2))
        {
            Problem = "unknown ELF class or byte order";
            return;
        }
        ulong phoff, shoff;
        int phentsize, phnum, shentsize, shnum, shstrndx;
        if (is64)
        {
            phoff = U64(ident, 0x20);
            shoff = U64(ident, 0x28);
            phentsize = U16(ident, 0x36);
            phnum = U16(ident, 0x38);
            shentsize = U16(ident, 0x3A);
            shnum = U16(ident, 0x3C);
            shstrndx = U16(ident, 0x3E);
        }
        else
        {
            phoff = U32(ident, 0x1C);
            shoff = U32(ident, 0x20);
            phentsize = U16(ident, 0x2A);
            phnum = U16(ident, 0x2C);
            shentsize = U16(ident, 0x2E);
            shnum = U16(ident, 0x30);
            shstrndx = U16(ident, 0x32);
        }
        Segments = ReadElfSegments(phoff, phentsize, phnum, is64);
        Sections = ReadElfSections(shoff, shentsize, shnum, shstrndx, is64);
    }

    private List<ExecutableSegment> ReadElfSegments(ulong phoff, int entsize, int count, bool is64)
    {
        var result = new List<ExecutableSegment>();
        if (count == 0)
        {
            return result;
        }
        var table = Table(phoff, entsize, count, is64 ? 56 : 32, "program header table");
        if (table is null)
        {
            return result;
        }
        for (var i = 0; i < count; i++)
        {
            var e = i * entsize;
            uint type, flags;
            ulong offset, vaddr, filesz, memsz;
            if (is64)
            {
                type = U32(table, e);
                flags = U32(table, e + 4);
                offset = U64(table, e + 8);
                vaddr = U64(table, e + 16);
                filesz = U64(table, e + 32);
                memsz = U64(table, e + 40);
            }
            else
            {
                type = U32(table, e);
                offset = U32(table, e + 4);
                vaddr = U32(table, e + 8);
                filesz = U32(table, e + 16);
                memsz = U32(table, e + 20);
                flags = U32(table, e + 24);
            }
            if (type != 1)
            {
                continue; // PT_LOAD only
            }
            result.Add(new ExecutableSegment(vaddr, FileOffset(offset, filesz, "segment"), filesz, memsz, (flags & 2) != 0, (flags & 1) != 0));
        }
        return result;
    }

    private List<ExecutableSection> ReadElfSections(ulong shoff, int entsize, int count, int shstrndx, bool is64)
    {
        var result = new List<ExecutableSection>();
        if (shoff == 0)
        {
            return result; // stripped of its section table (sstrip): segments still tell where the data is
        }
        var minEntry = is64 ? 64 : 40;
        if (count == 0 || shstrndx == 0xFFFF)
        {
            // Extended numbering: the real count and string-table index live in section 0.
            var first = Table(shoff, Math.Max(entsize, minEntry), 1, minEntry, "section header table");
            if (first is null)
            {
                return result;
            }
            if (count == 0)
            {
                count = (int)Math.Min(is64 ? U64(first, 32) : U32(first, 20), 1_000_000);
            }
            if (shstrndx == 0xFFFF)
            {
                shstrndx = (int)U32(first, is64 ? 40 : 24);
            }
            if (count == 0)
            {
                return result;
            }
        }
        var table = Table(shoff, entsize, count, minEntry, "section header table");
        if (table is null)
        {
            return result;
        }
        byte[]? names = null;
        if (shstrndx < count)
        {
            var e = shstrndx * entsize;
            var (nameOffset, nameSize) = is64 ? (U64(table, e + 24), U64(table, e + 32)) : (U32(table, e + 16), U32(table, e + 20));
            if (nameSize > MaxTableBytes || FileOffset(nameOffset, nameSize, "section name table") < 0 || (ulong)Length - nameOffset < nameSize)
            {
                return result;
            }
            names = Read((long)nameOffset, (long)nameSize);
        }
        for (var i = 0; i < count; i++)
        {
            var e = i * entsize;
            var nameIndex = U32(table, e);
            var type = U32(table, e + 4);
            ulong flags, addr, offset, size;
            if (is64)
            {
                flags = U64(table, e + 8);
                addr = U64(table, e + 16);
                offset = U64(table, e + 24);
                size = U64(table, e + 32);
            }
            else
            {
                flags = U32(table, e + 8);
                addr = U32(table, e + 12);
                offset = U32(table, e + 16);
                size = U32(table, e + 20);
            }
            var name = names is null ? string.Empty : CString(names, nameIndex);
            // SHT_NOBITS (.bss) occupies no bytes in the file.
            var fileOffset = type == 8 ? -1 : FileOffset(offset, size, $"section {name}");
            result.Add(new ExecutableSection(name, addr, fileOffset, size, (flags & 1) != 0, (flags & 4) != 0));
        }
        return result;
    }

    // ---- PE ----

    private bool ReadPe()
    {
        var dos = Read(0, 64)!;
        var peOffset = BinaryPrimitives.ReadUInt32LittleEndian(dos.AsSpan(0x3C));
        var coff = peOffset < Length ? Read(peOffset, 24) : null;
        if (coff is null || coff.Length < 24 || !coff.AsSpan(0, 4).SequenceEqual("PE\0\0"u8))
        {
            return false; // an MZ file that is not PE (a DOS program, or just text starting with MZ)
        }
        var sectionCount = U16(coff, 6);
        var optionalSize = U16(coff, 20);
        var optional = Read(peOffset + 24, optionalSize) ?? [];
        ulong imageBase = 0;
        if (optional.Length >= 32 && U16(optional, 0) == 0x20B)
        {
            imageBase = U64(optional, 24);
        }
        else if (optional.Length >= 32 && U16(optional, 0) == 0x10B)
        {
            imageBase = U32(optional, 28);
            PointerSize = 4;
        }
        var table = Table(peOffset + 24 + (ulong)optionalSize, 40, sectionCount, 40, "section table");
        var sections = new List<ExecutableSection>();
        for (var i = 0; table is not null && i < sectionCount; i++)
        {
            var e = i * 40;
            var name = CString(table.AsSpan(e, 8).ToArray(), 0);
            var virtualSize = U32(table, e + 8);
            var virtualAddress = U32(table, e + 12);
            var rawSize = U32(table, e + 16);
            var rawOffset = U32(table, e + 20);
            var characteristics = U32(table, e + 36);
            // Bytes past SizeOfRawData are zero-filled by the loader and not in the file.
            var size = Math.Min(virtualSize == 0 ? rawSize : virtualSize, rawSize);
            sections.Add(new ExecutableSection(name, imageBase + virtualAddress, rawSize == 0 ? -1 : FileOffset(rawOffset, size, $"section {name}"),
                size, (characteristics & 0x80000000) != 0, (characteristics & 0x20000000) != 0)
            {
                PeCharacteristics = characteristics,
            });
        }
        Sections = sections;
        return true;
    }

    // ---- Mach-O ----

    private void ReadMachO(bool bigEndian, bool is64)
    {
        BigEndian = bigEndian;
        PointerSize = is64 ? 8 : 4;
        var header = Read(0, 32)!;
        var commandCount = U32(header, 16);
        var commandBytes = U32(header, 20);
        var start = is64 ? 32UL : 28UL;
        if (commandBytes > MaxTableBytes || FileOffset(start, commandBytes, "load commands") < 0 || (ulong)Length - start < commandBytes)
        {
            return;
        }
        var commands = Read((long)start, commandBytes)!;
        var segments = new List<ExecutableSegment>();
        var sections = new List<ExecutableSection>();
        var at = 0;
        for (var i = 0; i < commandCount && at + 8 <= commands.Length; i++)
        {
            var cmd = U32(commands, at);
            var size = (int)Math.Min(U32(commands, at + 4), int.MaxValue);
            if (size < 8 || at + size > commands.Length)
            {
                Problem = "load command runs past the command area";
                break;
            }
            var segment64 = cmd == 0x19 && size >= 72;
            var segment32 = cmd == 0x1 && size >= 56;
            if (segment64 || segment32)
            {
                var c = at + 24; // after cmd, cmdsize, segname[16]
                ulong vmaddr, vmsize, fileoff, filesize;
                int maxprot, initprot, nsects, header0, sectionSize;
                if (segment64)
                {
                    (vmaddr, vmsize, fileoff, filesize) = (U64(commands, c), U64(commands, c + 8), U64(commands, c + 16), U64(commands, c + 24));
                    (maxprot, initprot, nsects) = ((int)U32(commands, c + 32), (int)U32(commands, c + 36), (int)U32(commands, c + 40));
                    (header0, sectionSize) = (72, 80);
                }
                else
                {
                    (vmaddr, vmsize, fileoff, filesize) = (U32(commands, c), U32(commands, c + 4), U32(commands, c + 8), U32(commands, c + 12));
                    (maxprot, initprot, nsects) = ((int)U32(commands, c + 16), (int)U32(commands, c + 20), (int)U32(commands, c + 24));
                    (header0, sectionSize) = (56, 68);
                }
                segments.Add(new ExecutableSegment(vmaddr, filesize == 0 ? -1 : FileOffset(fileoff, filesize, "segment"), filesize, vmsize, (initprot & 2) != 0, (initprot & 4) != 0)
                {
                    MachOMaxProtection = maxprot,
                    MachOInitProtection = initprot,
                });
                for (var s = 0; s < nsects && at + header0 + (s + 1) * sectionSize <= at + size; s++)
                {
                    var e = at + header0 + s * sectionSize;
                    var name = CString(commands.AsSpan(e, 16).ToArray(), 0);
                    ulong addr, sectSize;
                    uint offset, flags;
                    if (segment64)
                    {
                        (addr, sectSize, offset, flags) = (U64(commands, e + 32), U64(commands, e + 40), U32(commands, e + 48), U32(commands, e + 64));
                    }
                    else
                    {
                        (addr, sectSize, offset, flags) = (U32(commands, e + 32), U32(commands, e + 36), U32(commands, e + 40), U32(commands, e + 56));
                    }
                    // S_ZEROFILL (1) and friends have no bytes in the file.
                    var zeroFill = (flags & 0xFF) is 1 or 0xC or 0x12;
                    sections.Add(new ExecutableSection(name, addr, zeroFill || offset == 0 ? -1 : FileOffset(offset, sectSize, $"section {name}"), sectSize, (initprot & 2) != 0, (initprot & 4) != 0));
                }
            }
            at += size;
        }
        Segments = segments;
        Sections = sections;
    }

    // ---- helpers ----

    /// <summary>A table of count entries of entsize bytes at offset, or null (with a problem noted) when it does not fit the file.</summary>
    private byte[]? Table(ulong offset, int entsize, int count, int minEntry, string what)
    {
        if (entsize < minEntry)
        {
            Problem ??= $"{what} entries are {entsize} bytes, less than the {minEntry} the format needs";
            return null;
        }
        var bytes = (long)entsize * count;
        if (bytes > MaxTableBytes)
        {
            Problem ??= $"{what} is larger than {MaxTableBytes} bytes";
            return null;
        }
        if (FileOffset(offset, (ulong)bytes, what) < 0 || (ulong)Length - offset < (ulong)bytes)
        {
            return null; // a table cut short is not trusted: its last entries would be garbage
        }
        return Read((long)offset, bytes);
    }

    /// <summary>
    /// The offset when the range starts in the file, else -1. A range that runs past the end (a truncated file) is kept,
    /// since reads stop at the end and what is there may be enough; either way the first such problem is kept.
    /// </summary>
    private long FileOffset(ulong offset, ulong size, string what)
    {
        var length = (ulong)Length;
        if (offset > length || size > length - offset)
        {
            Problem ??= $"{what} at offset {offset} ({size} bytes) lies past the end of the {length}-byte file";
        }
        return offset > length ? -1 : (long)offset;
    }

    private ushort U16(byte[] b, int at) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    private uint U32(byte[] b, int at) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    private ulong U64(byte[] b, int at) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));

    private static string CString(byte[] b, uint at)
    {
        if (at >= b.Length)
        {
            return string.Empty;
        }
        var span = b.AsSpan((int)at);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    private static int ReadAt(Stream stream, long offset, Span<byte> buffer)
    {
        stream.Position = offset;
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
