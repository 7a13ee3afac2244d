using Seawall.Core.Model;

namespace Seawall.Core.FileTree;

public enum FileKind
{
    Regular,
    Directory,
    Symlink,
    Hardlink,
    Other,
}

/// <summary>
/// One entry of a file tree. Path is relative to the tree's root, '/'-separated, without a leading slash.
/// LinkTarget is the symlink target as written, or the hardlink's tree path.
/// </summary>
public sealed record FileNode(string Path, FileKind Kind, long Size, int Mode, string? LinkTarget, LayerRef? Layer)
{
    public bool IsRegular => Kind == FileKind.Regular;

    /// <summary>Owner, where the tree knows it (a live host; the host audit checks who owns docker.sock and daemon.json).</summary>
    public int? Uid { get; init; }

    public int? Gid { get; init; }

    /// <summary>A Unix socket (Kind is Other): the host audit looks for the runtime daemons' sockets.</summary>
    public bool IsSocket { get; init; }
}
