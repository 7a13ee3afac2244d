namespace Seawall.Core.FileTree;

/// <summary>
/// A directory on disk seen as a root file system (rootfs, fs, a host mounted at /host).
/// The walk never follows symlinks; links are resolved against the walked index, so a link cannot lead out of the root.
/// Content is read lazily, only for the files analyzers ask for.
/// </summary>
public sealed class DirectoryFileTree : IFileTree
{
    private readonly string _root;
    private readonly Dictionary<string, FileNode> _nodes = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    private DirectoryFileTree(string root)
    {
        _root = Path.GetFullPath(root);
    }

    /// <param name="root">The directory to scan.</param>
    /// <param name="skipDirectory">Relative directory paths not to descend into (for example proc, sys).</param>
    /// <param name="maxEntries">A cap on the walk; past it the tree is cut short with a warning.</param>
    public static DirectoryFileTree Walk(string root, Func<string, bool>? skipDirectory = null, int maxEntries = 5_000_000)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"no such directory: {root}");
        }
        var tree = new DirectoryFileTree(root);
        var pending = new Stack<(string Full, string Rel)>();
        pending.Push((tree._root, string.Empty));
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = true,
            AttributesToSkip = 0,
            ReturnSpecialDirectories = false,
        };
        while (pending.Count > 0)
        {
            var (full, rel) = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(full).EnumerateFileSystemInfos("*", options);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                tree._warnings.Add($"{rel}: cannot list ({ex.Message})");
                continue;
            }
            foreach (var info in entries)
            {
                if (tree._nodes.Count >= maxEntries)
                {
                    tree._warnings.Add($"more than {maxEntries} entries under {root}; the rest is not scanned");
                    return tree;
                }
                var path = TreePath.Combine(rel, info.Name);
                FileNode node;
                if (info.LinkTarget is { } linkTarget)
                {
                    node = new FileNode(path, FileKind.Symlink, 0, 0, linkTarget, null);
                }
                else if (info is DirectoryInfo)
                {
                    // The mode lets the image file checks see world-writable directories in a rootfs.
                    node = new FileNode(path, FileKind.Directory, 0, OperatingSystem.IsWindows() ? 0 : (int)info.UnixFileMode, null, null);
                    if (skipDirectory?.Invoke(path) != true)
                    {
                        pending.Push((info.FullName, path));
                    }
                }
                else if (info is FileInfo file && (file.Attributes & FileAttributes.Device) == 0)
                {
                    long size;
                    try
                    {
                        size = file.Length;
                    }
                    catch (IOException)
                    {
                        size = 0;
                    }
                    // The mode tells binary analyzers which files are programs.
                    var mode = OperatingSystem.IsWindows() ? 0 : (int)file.UnixFileMode;
                    node = new FileNode(path, FileKind.Regular, size, mode, null, null);
                }
                else
                {
                    node = new FileNode(path, FileKind.Other, 0, 0, null, null);
                }
                tree._nodes[path] = node;
            }
        }
        return tree;
    }

    public IEnumerable<FileNode> Nodes => _nodes.Values;

    public IReadOnlyList<FileNode> DeletedNodes => [];

    public IReadOnlyList<string> Warnings => _warnings;

    // No lexical clean-up of the path first: "link/.." must follow the link before going up, as the kernel does.
    public FileNode? Lookup(string path) => LinkResolver.Resolve(Exact, path, followLast: false);

    public FileNode? Resolve(string path) => LinkResolver.Resolve(Exact, path, followLast: true);

    public bool HasContent(FileNode node) => node.Kind == FileKind.Regular;

    public async ValueTask<byte[]?> ReadAllBytesAsync(FileNode node, long maxBytes, CancellationToken cancellationToken)
    {
        if (node.Kind != FileKind.Regular)
        {
            return null;
        }
        var full = Path.Combine(_root, node.Path);
        try
        {
            // The node came from our own walk, which saw no symlink on this path; refuse if one appeared since.
            var info = new FileInfo(full);
            if (info.LinkTarget is not null || info.Length > maxBytes)
            {
                return null;
            }
            return await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public Stream? OpenRead(FileNode node)
    {
        if (node.Kind != FileKind.Regular)
        {
            return null;
        }
        var full = Path.Combine(_root, node.Path);
        try
        {
            // As for ReadAllBytesAsync: refuse a symlink that appeared on this path since the walk.
            if (new FileInfo(full).LinkTarget is not null)
            {
                return null;
            }
            return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.RandomAccess);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private FileNode? Exact(string path) => _nodes.GetValueOrDefault(path);
}
