using System.IO.Compression;
using Seawall.Core.Analysis;
using System.Text;
using System.Text.Json;
using Seawall.Inventory.Executables;

namespace Seawall.Inventory.Languages.Rust;

/// <summary>One crate of a cargo-auditable dependency list.</summary>
internal sealed record AuditableCrate(string Name, string Version, string? Source, string Kind, bool Root, IReadOnlyList<int> Dependencies);

/// <summary>The outcome of looking for a .dep-v0 section: its zlib bytes, nothing (not such a binary), or an error.</summary>
internal readonly record struct DepSectionResult(byte[]? Compressed, string? Error);

/// <summary>
/// Binaries built with cargo-auditable carry their dependency tree as zlib-compressed JSON in a section named
/// ".dep-v0" (ELF, PE and Mach-O alike): {"packages":[{"name","version","source","kind","dependencies","root"}]}.
/// </summary>
/// <remarks>The condensed form an image layer keeps is a marker followed by the section's compressed bytes.</remarks>
internal static class CargoAuditableInfo
{
    public static ReadOnlySpan<byte> Marker => "SEAWALL-DEP-V0\n"u8;

    public static ReadOnlySpan<byte> ErrorMarker => "SEAWALL-DEP-V0-ERROR\n"u8;

    /// <summary>The section's compressed bytes and the JSON inside are each capped at 8 MiB, as go-rustaudit caps them.</summary>
    internal const int MaxBytes = 8 * 1024 * 1024;

    /// <summary>Candidates tested per streamed file; a hostile file of zlib headers cannot make the pass slow.</summary>
    private const int MaxCandidates = 1_000_000;

    /// <summary>Bytes of a candidate inflated to test it.</summary>
    private const int ProbeBytes = 64;

    /// <summary>
    /// Asks the capture to keep every place in the chunk where a zlib stream starts that inflates to a JSON object (the
    /// shape of a .dep-v0 section), so the section table read at the end can find the section's bytes.
    /// </summary>
    public static void FindCandidates(long offset, ReadOnlySpan<byte> chunk, SparseCapture capture)
    {
        var tested = 0;
        var from = 0;
        while (from < chunk.Length && tested < MaxCandidates)
        {
            var at = chunk[from..].IndexOf((byte)0x78);
            if (at < 0)
            {
                return;
            }
            var i = from + at;
            from = i + 1;
            if (i + 2 >= chunk.Length)
            {
                capture.Request(offset + i, MaxBytes); // too near the chunk's end to test: keep it
                return;
            }
            // zlib header: CM 8 with a 32K window (0x78), check bits making it a multiple of 31, no preset dictionary;
            // then a deflate block that is stored, fixed or dynamic (type 3 is invalid).
            var flags = chunk[i + 1];
            if ((0x7800 | flags) % 31 != 0 || (flags & 0x20) != 0 || ((chunk[i + 2] >> 1) & 3) == 3)
            {
                continue;
            }
            tested++;
            if (i + ProbeBytes > chunk.Length || InflatesToJsonObject(chunk.Slice(i, ProbeBytes)))
            {
                capture.Request(offset + i, MaxBytes);
            }
        }
    }

    private static bool InflatesToJsonObject(ReadOnlySpan<byte> probe)
    {
        Span<byte> start = stackalloc byte[2];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(probe.ToArray(), writable: false), CompressionMode.Decompress);
            var n = 0;
            while (n < start.Length)
            {
                var got = zlib.Read(start[n..]);
                if (got == 0)
                {
                    return false;
                }
                n += got;
            }
            return start[0] == '{' && start[1] == '"';
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    public static DepSectionResult FindSection(Stream stream)
    {
        var head = new byte[Math.Min(ErrorMarker.Length, stream.Length)];
        stream.Position = 0;
        stream.ReadExactly(head);
        if (head.AsSpan().StartsWith(ErrorMarker))
        {
            return new DepSectionResult(null, Encoding.UTF8.GetString(ReadRest(stream, ErrorMarker.Length)));
        }
        if (head.AsSpan().StartsWith(Marker))
        {
            return new DepSectionResult(ReadRest(stream, Marker.Length), null);
        }
        var exe = ExecutableFile.Open(stream);
        if (exe?.Section(".dep-v0") is not { } section)
        {
            return default;
        }
        if (section.Offset < 0)
        {
            return new DepSectionResult(null, $"section .dep-v0 lies outside the file ({exe.Problem})");
        }
        if (section.Size > MaxBytes)
        {
            return new DepSectionResult(null, $"section .dep-v0 is {section.Size} bytes, over the {MaxBytes}-byte cap");
        }
        return new DepSectionResult(exe.Read(section.Offset, (long)section.Size) ?? [], null);
    }

    public static byte[] Serialize(DepSectionResult result) =>
        result.Compressed is { } bytes ? [.. Marker, .. bytes]
        : result.Error is { } error ? [.. ErrorMarker, .. Encoding.UTF8.GetBytes(error)]
        : [];

    /// <summary>Inflates and parses the section; a hostile one gives an exception with a one-line message.</summary>
    public static IReadOnlyList<AuditableCrate> Parse(byte[] compressed)
    {
        byte[] json;
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = zlib.Read(buffer)) > 0)
            {
                if (output.Length + n > MaxBytes)
                {
                    throw new InvalidDataException($"dependency list inflates past the {MaxBytes}-byte cap");
                }
                output.Write(buffer, 0, n);
            }
            json = output.ToArray();
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith("dependency list", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"section .dep-v0 is not zlib data ({ex.Message})", ex);
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("packages", out var packages) || packages.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("dependency list has no \"packages\" array");
            }
            var result = new List<AuditableCrate>(packages.GetArrayLength());
            foreach (var p in packages.EnumerateArray())
            {
                if (p.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException("a \"packages\" entry is not an object");
                }
                var dependencies = new List<int>();
                if (p.TryGetProperty("dependencies", out var deps) && deps.ValueKind == JsonValueKind.Array)
                {
                    foreach (var d in deps.EnumerateArray())
                    {
                        if (d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var index))
                        {
                            dependencies.Add(index);
                        }
                    }
                }
                result.Add(new AuditableCrate(
                    String(p, "name") ?? string.Empty,
                    String(p, "version") ?? string.Empty,
                    String(p, "source"),
                    // "runtime" is the default and is left out of the JSON.
                    String(p, "kind") ?? "runtime",
                    p.TryGetProperty("root", out var root) && root.ValueKind == JsonValueKind.True,
                    dependencies));
            }
            return result;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"dependency list is not valid JSON ({ex.Message.Split('\n')[0]})", ex);
        }
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static byte[] ReadRest(Stream stream, int from)
    {
        stream.Position = from;
        var rest = new byte[Math.Min(stream.Length - from, MaxBytes)];
        stream.ReadExactly(rest);
        return rest;
    }
}
