namespace Seawall.Core.FileTree;

/// <summary>
/// A read-only view of a root file system: an image's merged layers, a directory, a host root.
/// Every path is resolved inside the root; nothing reached through a tree is outside it.
/// </summary>
public interface IFileTree
{
    /// <summary>Every visible entry, in no particular order.</summary>
    IEnumerable<FileNode> Nodes { get; }

    /// <summary>The entry at exactly this path, without following a final symlink. Intermediate symlinks are followed.</summary>
    FileNode? Lookup(string path);

    /// <summary>
    /// Follows symlinks (and hardlinks) inside the root and returns the final entry, or null when the path is missing,
    /// loops, or a link climbs out of the root.
    /// </summary>
    FileNode? Resolve(string path);

    /// <summary>Whether the content of this regular file can be read (image trees keep only the files analyzers asked for).</summary>
    bool HasContent(FileNode node);

    /// <summary>Reads the content of a regular file (after <see cref="Resolve"/>), at most maxBytes, or null when unavailable.</summary>
    ValueTask<byte[]?> ReadAllBytesAsync(FileNode node, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// A seekable stream over a regular file's content where the tree reads files from disk, so a reader that needs a
    /// few bytes of a large file need not load it; null where the tree holds content in memory (read it with
    /// <see cref="ReadAllBytesAsync"/>) or the file cannot be opened.
    /// </summary>
    Stream? OpenRead(FileNode node) => null;

    /// <summary>
    /// Earlier versions of a file that lower layers held and a later layer replaced, oldest first, with content
    /// where it was kept. Package analyzers use them to tell which layer brought each package in.
    /// </summary>
    IReadOnlyList<FileNode> EarlierVersions(string path) => [];

    /// <summary>
    /// True when the content this tree holds already went through the analyzers' Condense (image layers are condensed
    /// as they are read and cached); false when content is read raw from disk, and the analyzer host condenses it.
    /// </summary>
    bool ContentIsCondensed => false;

    /// <summary>Entries deleted by a later layer (whiteouts); empty for trees without layers.</summary>
    IReadOnlyList<FileNode> DeletedNodes { get; }

    /// <summary>The layer whose whiteout or rewrite deleted one of <see cref="DeletedNodes"/>; null where unknown.</summary>
    Model.LayerRef? DeletedBy(FileNode node) => null;

    /// <summary>Problems met while building the tree (a link out of the root, a refused entry).</summary>
    IReadOnlyList<string> Warnings { get; }
}
