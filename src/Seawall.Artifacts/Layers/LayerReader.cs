using System.Formats.Tar;
using Seawall.Artifacts.Streams;
using Seawall.Core.Errors;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Artifacts.Layers;

/// <summary>
/// Reads one layer tar in a single pass into a <see cref="LayerSnapshot"/>. Nothing is written to disk;
/// only files some analyzer wants are kept, each under its analyzer's size cap.
/// </summary>
public static class LayerReader
{
    /// <summary>Entries per layer; a layer past this is refused (the 100,000-tiny-files test stays well inside).</summary>
    public const int MaxEntries = 2_000_000;

    /// <summary>Warnings kept per layer, so a hostile layer cannot fill memory with them.</summary>
    private const int MaxWarnings = 100;

    /// <summary>
    /// Files over this size that every wanting analyzer can read from a single forward pass (binaries) are streamed
    /// rather than held: before, a layer of large binaries cost a buffer the size of its largest one. 4 MB keeps the reused
    /// buffer of each layer read in parallel small (peak 157 -> 136 MB on the 1.3 GB bench) at no measurable time cost.
    /// </summary>
    public const long StreamingThreshold = 4L * 1024 * 1024;

    /// <summary>What a streamed file may hold at most while it is condensed (its captured ranges).</summary>
    private const long SparseCaptureCost = Core.Analysis.SparseCapture.MaxCaptured;

    /// <summary>Linux's PATH_MAX: no real file has a longer path or symlink target, and link resolution cost stays bounded.</summary>
    public const int MaxPathLength = 4096;

    /// <param name="maxSizeFor">The largest size any analyzer wants of a regular file (path, mode, size), or -1 when none wants it.</param>
    /// <param name="budget">Bytes of content the whole image may keep in memory; files past it are listed but not kept.</param>
    /// <param name="condense">Reduces a file to what its analyzers read (path, mode, content), as soon as it is read: each
    /// file passes through one reused buffer, so a layer of large binaries costs its largest file, not their sum.</param>
    /// <param name="condenseStreaming">For a file over <see cref="StreamingThreshold"/>: condenses it in one pass over the
    /// entry's own stream (path, mode, stream, size), or returns null, without reading, when it must be held whole.</param>
    public static async Task<LayerSnapshot> ReadAsync(Stream tar, LayerRef layer, Func<string, int, long, long> maxSizeFor, CancellationToken ct,
        ContentBudget? budget = null, Func<string, int, Stream, byte[]>? condense = null,
        Func<string, int, Stream, long, byte[]?>? condenseStreaming = null)
    {
        var snapshot = new LayerSnapshot { Layer = layer };
        var what = Describe(layer);
        var hardlinks = new List<(string Path, string Target, int Mode)>();
        byte[]? buffer = null;
        try
        {
            // The guard sees each header before TarReader allocates what it claims (see TarHeaderGuardStream).
            using var guard = new TarHeaderGuardStream(tar, what);
            using var reader = new TarReader(guard, leaveOpen: true);
            var count = 0;
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                // The entry's data, padded to 512 bytes, starts where the reader stopped (or at DataOffset on a
                // seekable stream, which it may have skipped ahead on). A global PAX header's data was read with it.
                guard.ExpectHeaderAt(entry.EntryType == TarEntryType.GlobalExtendedAttributes
                    ? TarHeaderGuardStream.NextHeader(guard.Position, 0)
                    : TarHeaderGuardStream.NextHeader(entry.DataOffset >= 0 ? entry.DataOffset : guard.Position, entry.Length));
                if (++count > MaxEntries)
                {
                    throw new LimitExceededException($"{what}: more than {MaxEntries} entries; refusing the layer");
                }
                var path = TreePath.Normalize(entry.Name);
                if (path is null)
                {
                    Warn(snapshot, $"entry '{Printable(entry.Name)}' leaves the image root; ignored");
                    continue;
                }
                if (path.Length > MaxPathLength || entry.LinkName.Length > MaxPathLength)
                {
                    Warn(snapshot, $"entry '{Printable(entry.Name)}' has a name or link target over {MaxPathLength} characters; ignored");
                    continue;
                }
                if (path.Length == 0)
                {
                    continue; // "./" itself
                }
                var name = TreePath.FileName(path);
                if (name.StartsWith(".wh.", StringComparison.Ordinal))
                {
                    var dir = TreePath.Parent(path);
                    if (name == ".wh..wh..opq")
                    {
                        snapshot.OpaqueDirs.Add(dir);
                    }
                    else if (name.Length > 4)
                    {
                        snapshot.Whiteouts.Add(TreePath.Combine(dir, name[4..]));
                    }
                    continue;
                }
                var mode = (int)entry.Mode;
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        snapshot.Nodes.Add(new FileNode(path, FileKind.Directory, 0, mode, null, layer));
                        break;
                    case TarEntryType.SymbolicLink:
                        snapshot.Nodes.Add(new FileNode(path, FileKind.Symlink, 0, mode, entry.LinkName, layer));
                        break;
                    case TarEntryType.HardLink:
                        var target = TreePath.Normalize(entry.LinkName);
                        if (target is null || target.Length == 0)
                        {
                            Warn(snapshot, $"hardlink '{path}' points outside the image root ('{Printable(entry.LinkName)}'); ignored");
                            break;
                        }
                        snapshot.Nodes.Add(new FileNode(path, FileKind.Hardlink, 0, mode, target, layer));
                        hardlinks.Add((path, target, mode));
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        var size = entry.Length;
                        snapshot.Nodes.Add(new FileNode(path, FileKind.Regular, size, mode, null, layer));
                        var max = maxSizeFor(path, mode, size);
                        // A file over every analyzer's cap is not kept; the analyzer host warns about it if it is still visible.
                        if (max >= 0 && size <= max && entry.DataStream is { } data)
                        {
                            if (size > StreamingThreshold && condenseStreaming is not null
                                && (budget is null || budget.TryTake(SparseCaptureCost)))
                            {
                                // A large binary streams through a 1 MB chunk instead of a buffer its own size.
                                var streamed = condenseStreaming(path, mode, data, size);
                                if (streamed is not null)
                                {
                                    snapshot.Contents[path] = streamed;
                                    budget?.Take(streamed.Length - SparseCaptureCost);
                                    break;
                                }
                                budget?.Take(-SparseCaptureCost);
                            }
                            if (budget is null || budget.TryTake(size))
                            {
                                if (condense is null)
                                {
                                    snapshot.Contents[path] = await ReadExactlyAsync(data, size, what, path, ct).ConfigureAwait(false);
                                }
                                else
                                {
                                    // Grown in powers of two, so the buffers left behind add up to less than the one in use.
                                    if (buffer is null || buffer.Length < size)
                                    {
                                        buffer = new byte[Math.Min(Math.Max(1L << 20, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)size)), Array.MaxLength)];
                                    }
                                    await ReadExactlyAsync(data, buffer.AsMemory(0, (int)size), what, path, ct).ConfigureAwait(false);
                                    // Publicly visible, so an analyzer that reads the whole file (secrets) scans the buffer without a copy.
                                    using var view = new MemoryStream(buffer, 0, (int)size, writable: false, publiclyVisible: true);
                                    var kept = condense(path, mode, view);
                                    snapshot.Contents[path] = kept;
                                    budget?.Take(kept.Length - size); // give back what condensing freed
                                }
                            }
                            else
                            {
                                snapshot.Incomplete = true;
                                Warn(snapshot, $"{path} not analyzed: the image's {budget.Limit}-byte budget for file content held in memory is spent");
                            }
                        }
                        break;
                    default:
                        // Devices, fifos, GNU sparse headers: present in the tree, never read.
                        snapshot.Nodes.Add(new FileNode(path, FileKind.Other, 0, mode, null, layer));
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or FormatException or ArgumentException or IOException or InvalidOperationException)
        {
            // InvalidOperationException: System.Formats.Tar's answer to some impossible header sizes.
            throw new ScanException($"{what}: truncated or corrupt layer tar ({ex.Message})");
        }

        // A hardlink to a file we kept shares its content, so an analyzer can ask for either name.
        foreach (var (path, target, mode) in hardlinks)
        {
            if (snapshot.Contents.TryGetValue(target, out var bytes) && maxSizeFor(path, mode, long.MaxValue) >= 0)
            {
                snapshot.Contents[path] = bytes;
            }
        }
        return snapshot;
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream data, long size, string what, string path, CancellationToken ct)
    {
        var buffer = new byte[size];
        await ReadExactlyAsync(data, buffer, what, path, ct).ConfigureAwait(false);
        return buffer;
    }

    private static async Task ReadExactlyAsync(Stream data, Memory<byte> buffer, string what, string path, CancellationToken ct)
    {
        try
        {
            await data.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new ScanException($"{what}: truncated layer tar (file {path} ends early)");
        }
    }

    private static void Warn(LayerSnapshot snapshot, string message)
    {
        if (snapshot.Warnings.Count < MaxWarnings)
        {
            snapshot.Warnings.Add(message);
        }
        else if (snapshot.Warnings.Count == MaxWarnings)
        {
            snapshot.Warnings.Add("further warnings for this layer suppressed");
        }
    }

    internal static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;

    /// <summary>"layer 3 (sha256:0123456789ab)": how messages name a layer.</summary>
    internal static string Describe(LayerRef layer) => $"layer {layer.Index} ({Short(layer.DiffId)})";

    private static string Printable(string s) => new([.. s.Take(200).Select(c => char.IsControl(c) ? '?' : c)]);
}
