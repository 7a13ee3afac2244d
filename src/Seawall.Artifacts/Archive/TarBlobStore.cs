using System.Formats.Tar;
using Seawall.Artifacts.Streams;
using Seawall.Core.Errors;
using Seawall.Core.FileTree;

namespace Seawall.Artifacts.Archive;

/// <summary>
/// An archive tar (docker save, OCI layout tar) indexed once by header: each member is then read in place
/// through a window on the file, so layers are never copied out or held in memory.
/// </summary>
public sealed class TarBlobStore : IBlobStore
{
    private readonly string _path;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);

    private sealed record Member(long Offset, long Size, string? LinkTarget);

    public const int MaxMembers = 1_000_000;

    public TarBlobStore(string path)
    {
        _path = path;
        Description = path;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            // The guard sees each header before TarReader allocates what it claims (see TarHeaderGuardStream).
            using var guard = new TarHeaderGuardStream(file, path);
            using var reader = new TarReader(guard, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                guard.ExpectHeaderAt(entry.EntryType == TarEntryType.GlobalExtendedAttributes
                    ? TarHeaderGuardStream.NextHeader(guard.Position, 0)
                    : TarHeaderGuardStream.NextHeader(entry.DataOffset, entry.Length));
                if (_members.Count >= MaxMembers)
                {
                    throw new LimitExceededException($"{path}: more than {MaxMembers} members; not an image archive");
                }
                var name = TreePath.Normalize(entry.Name);
                if (string.IsNullOrEmpty(name))
                {
                    continue;
                }
                switch (entry.EntryType)
                {
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        // DataOffset is where the member's bytes start in the archive (seekable streams only).
                        _members[name] = new Member(entry.DataOffset, entry.Length, null);
                        break;
                    case TarEntryType.SymbolicLink:
                        // docker save links repeated layers to their first copy.
                        var target = TreePath.Normalize(entry.LinkName.StartsWith('/') ? entry.LinkName : TreePath.Combine(TreePath.Parent(name), entry.LinkName));
                        if (target is not null)
                        {
                            _members[name] = new Member(0, 0, target);
                        }
                        break;
                    case TarEntryType.HardLink:
                        var hard = TreePath.Normalize(entry.LinkName);
                        if (hard is not null)
                        {
                            _members[name] = new Member(0, 0, hard);
                        }
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new ScanException($"{path}: not a readable tar archive ({ex.Message})");
        }
        if (_members.Count == 0)
        {
            throw new ScanException($"{path}: empty or not a tar archive");
        }
    }

    public string Description { get; }

    public bool Exists(string path) => Find(path) is not null;

    public long SizeOf(string path) => Find(path)?.Size ?? -1;

    public Stream Open(string path)
    {
        var member = Find(path) ?? throw new ScanException($"{_path}: no member '{path}'");
        return new SubReadStream(_path, member.Offset, member.Size);
    }

    private Member? Find(string path)
    {
        var name = TreePath.Normalize(path);
        for (var hops = 0; name is not null && hops < 8; hops++)
        {
            if (!_members.TryGetValue(name, out var member))
            {
                return null;
            }
            if (member.LinkTarget is null)
            {
                return member;
            }
            name = member.LinkTarget;
        }
        return null;
    }

    public void Dispose() { }
}
