using System.Buffers.Binary;
using Seawall.Core.Analysis;

namespace Seawall.Inventory.Executables;

/// <summary>
/// What a binary analyzer keeps of a large executable streaming past once: the headers, what they locate (ELF section
/// table and the names before it, writable segments, PE and Mach-O sections) and blocks found by the analyzer's own
/// signature (<see cref="ExecutableAnalyzer.FindSignatures"/>). The analyzer then reads the capture as it reads a file.
/// </summary>
internal sealed class ExecutableCollector(ExecutableAnalyzer analyzer) : ISparseCollector
{
    /// <summary>ELF, PE and Mach-O headers, PE section tables and Mach-O load commands fit here in real files.</summary>
    private const int HeadSize = 64 * 1024;

    /// <summary>Kept before an ELF section table: section names (.shstrtab) and small tail sections sit just before it.</summary>
    private const int SectionNamesWindow = 1024 * 1024;

    /// <summary>Kept from the start of each section and writable segment the headers locate (Go looks at the first 64 KB).</summary>
    private const int SectionWindow = 1024 * 1024;

    private bool _sawHead;

    /// <summary>What the head told about the file, for the analyzer's signature search.</summary>
    private ExecutableLayout _layout = ExecutableLayout.Unknown;

    public void Observe(long offset, ReadOnlySpan<byte> chunk, SparseCapture capture)
    {
        if (!_sawHead)
        {
            _sawHead = true;
            capture.Request(0, HeadSize);
            if (offset == 0 && chunk.Length >= HeadSize)
            {
                _layout = RequestFromHeaders(chunk[..HeadSize], capture);
            }
        }
        analyzer.FindSignatures(offset, chunk, capture, _layout);
    }

    private static ExecutableLayout RequestFromHeaders(ReadOnlySpan<byte> head, SparseCapture capture)
    {
        if (head.StartsWith("\u007fELF"u8))
        {
            return RequestElf(head, capture);
        }
        // PE and Mach-O keep their section tables in the head: read them through a capture holding only the head.
        var headOnly = new SparseCapture(capture.Length);
        headOnly.Request(0, head.Length);
        headOnly.Fill(head);
        try
        {
            using var stream = headOnly.ToStream();
            if (ExecutableFile.Open(stream) is not { } exe)
            {
                return ExecutableLayout.Unknown;
            }
            foreach (var section in exe.Sections)
            {
                capture.Request(section.Offset, (long)Math.Min(section.Size, SectionWindow));
            }
            foreach (var segment in exe.Segments)
            {
                if (segment.Writable && !segment.Executable)
                {
                    capture.Request(segment.Offset, (long)Math.Min(segment.FileSize, SectionWindow));
                }
            }
        }
        catch (UncapturedRegionException)
        {
            // Headers larger than the head: the signature search still finds what it can.
        }
        return ExecutableLayout.Unknown;
    }

    /// <summary>ELF keeps its section table at the end: ask for it (and the names before it) and for the writable segments.</summary>
    private static ExecutableLayout RequestElf(ReadOnlySpan<byte> head, SparseCapture capture)
    {
        long loadedEnd = 0;
        var go = false;
        var is64 = head[4] == 2;
        var bigEndian = head[5] == 2;
        var shoff = Word(head, is64 ? 0x28 : 0x20, is64, bigEndian);
        var shentsize = Half(head, is64 ? 0x3A : 0x2E, bigEndian);
        var shnum = Half(head, is64 ? 0x3C : 0x30, bigEndian);
        if (shoff > 0 && shoff < (ulong)capture.Length)
        {
            var start = (long)shoff - Math.Min((long)shoff, SectionNamesWindow);
            capture.Request(start, (long)shoff - start + (long)shentsize * shnum);
            // Go's own linker writes the table first, in the head, and the names last: ask for the names where they are.
            var shstrndx = Half(head, is64 ? 0x3E : 0x32, bigEndian);
            var names = shoff + (ulong)shstrndx * shentsize;
            if (shentsize >= (is64 ? 64 : 40) && names + shentsize <= (ulong)head.Length)
            {
                var entry = (int)names;
                var offset = Word(head, entry + (is64 ? 0x18 : 0x10), is64, bigEndian);
                var size = Word(head, entry + (is64 ? 0x20 : 0x14), is64, bigEndian);
                capture.Request((long)Math.Min(offset, long.MaxValue), (long)Math.Min(size, SectionWindow));
            }
        }
        var phoff = Word(head, is64 ? 0x20 : 0x1C, is64, bigEndian);
        var phentsize = Half(head, is64 ? 0x36 : 0x2A, bigEndian);
        var phnum = Half(head, is64 ? 0x38 : 0x2C, bigEndian);
        for (var i = 0; i < phnum; i++)
        {
            var at = phoff + (ulong)i * phentsize;
            if (phentsize < (is64 ? 56 : 32) || at + phentsize > (ulong)head.Length)
            {
                break; // program headers past the head: rare, and the signature search still runs
            }
            var entry = (int)at;
            var type = (uint)Word(head, entry, wide: false, bigEndian);
            var flags = (uint)Word(head, entry + (is64 ? 4 : 24), wide: false, bigEndian);
            var offset = Word(head, entry + (is64 ? 8 : 4), is64, bigEndian);
            var fileSize = Word(head, entry + (is64 ? 32 : 16), is64, bigEndian);
            const uint load = 1, note = 4, execute = 1, write = 2;
            if (type == load && offset < (ulong)capture.Length)
            {
                loadedEnd = Math.Max(loadedEnd, (long)Math.Min(offset + fileSize, (ulong)capture.Length));
                if ((flags & write) != 0 && (flags & execute) == 0)
                {
                    capture.Request((long)offset, (long)Math.Min(fileSize, SectionWindow));
                }
            }
            else if (type == note && offset < (ulong)head.Length)
            {
                go |= HasGoNote(head[(int)offset..(int)Math.Min(offset + fileSize, (ulong)head.Length)], bigEndian);
            }
        }
        return new ExecutableLayout(go, loadedEnd);
    }

    /// <summary>The Go linker's build-id note (name "Go", type 4): the file is a Go binary.</summary>
    private static bool HasGoNote(ReadOnlySpan<byte> notes, bool bigEndian)
    {
        while (notes.Length >= 12)
        {
            var nameSize = (int)Math.Min(Word(notes, 0, wide: false, bigEndian), int.MaxValue - 8);
            var descSize = (int)Math.Min(Word(notes, 4, wide: false, bigEndian), int.MaxValue - 8);
            var type = Word(notes, 8, wide: false, bigEndian);
            var nameEnd = 12 + ((nameSize + 3) & ~3);
            if (nameEnd > notes.Length)
            {
                return false;
            }
            if (type == 4 && notes.Slice(12, nameSize).SequenceEqual("Go\0"u8))
            {
                return true;
            }
            var next = nameEnd + ((descSize + 3) & ~3);
            if (next <= 0 || next > notes.Length)
            {
                return false;
            }
            notes = notes[next..];
        }
        return false;
    }

    private static ulong Word(ReadOnlySpan<byte> head, int at, bool wide, bool bigEndian) => wide
        ? (bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(head[at..]) : BinaryPrimitives.ReadUInt64LittleEndian(head[at..]))
        : (bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(head[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(head[at..]));

    private static ushort Half(ReadOnlySpan<byte> head, int at, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(head[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(head[at..]);
}

/// <summary>What an executable's head tells a signature search: a Go binary, and where the loaded (allocated) bytes end.</summary>
/// <param name="LoadedEnd">End of the last loaded segment in the file: after it lie only sections the loader ignores
/// (.comment, .symtab, cargo-auditable's .dep-v0...); 0 when unknown.</param>
internal readonly record struct ExecutableLayout(bool GoBinary, long LoadedEnd)
{
    public static ExecutableLayout Unknown => new(false, 0);
}
