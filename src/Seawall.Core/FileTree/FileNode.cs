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
}
