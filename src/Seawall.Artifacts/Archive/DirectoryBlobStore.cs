using Seawall.Core.Errors;
using Seawall.Core.FileTree;

namespace Seawall.Artifacts.Archive;

/// <summary>An OCI layout (or unpacked archive) directory. A path, or a link on it, that leads outside the directory is refused.</summary>
public sealed class DirectoryBlobStore(string root) : IBlobStore
{
    private readonly string _root = Path.GetFullPath(root).TrimEnd('/') + "/";

    public string Description => root;

    public bool Exists(string path) => Locate(path) is { } full && File.Exists(full);

    public long SizeOf(string path) => Locate(path) is { } full && File.Exists(full) ? new FileInfo(full).Length : -1;

    public Stream Open(string path)
    {
        var full = Locate(path);
        if (full is null || !File.Exists(full))
        {
            throw new ScanException($"{root}: no file '{path}' inside the layout");
        }
        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    /// <summary>
    /// The on-disk path of a layout member, with every symlink on the way resolved by hand and checked: a link
    /// anywhere on the path (blobs/ itself, say) that leads out of the layout makes the member missing.
    /// </summary>
    private string? Locate(string path)
    {
        var normalized = TreePath.Normalize(path);
        if (string.IsNullOrEmpty(normalized))
        {
            return null;
        }
        var pending = new Stack<string>();
        Push(pending, normalized);
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count == 0)
                {
                    return null;
                }
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var full = _root + string.Join('/', resolved.Append(part));
            string? link;
            try
            {
                link = new FileInfo(full).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            if (link is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++hops > LinkResolver.MaxHops)
            {
                return null;
            }
            if (Path.IsPathRooted(link))
            {
                var absolute = Path.GetFullPath(link);
                if (!absolute.StartsWith(_root, StringComparison.Ordinal))
                {
                    return null;
                }
                resolved.Clear();
                link = absolute[_root.Length..];
            }
            Push(pending, link);
        }
        return resolved.Count == 0 ? null : _root + string.Join('/', resolved);
    }

    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    public void Dispose() { }
}
