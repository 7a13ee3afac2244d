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

    private string? Locate(string path)
    {
        var normalized = TreePath.Normalize(path);
        if (string.IsNullOrEmpty(normalized))
        {
            return null;
        }
        var full = Path.GetFullPath(Path.Combine(_root, normalized));
        if (!full.StartsWith(_root, StringComparison.Ordinal))
        {
            return null;
        }
        // Follow links ourselves and check where they land.
        var info = new FileInfo(full);
        if (info.LinkTarget is not null)
        {
            var final = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (final is null || !final.StartsWith(_root, StringComparison.Ordinal))
            {
                return null;
            }
            return final;
        }
        return full;
    }

    public void Dispose() { }
}
