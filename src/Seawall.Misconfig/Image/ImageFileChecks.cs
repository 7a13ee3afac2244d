using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Misconfig.Image;

/// <summary>
/// The image file checks that need only the tree's entries (path, kind, mode, layer), no content: setuid and setgid
/// files, package manager caches, world-writable directories without the sticky bit, version-control metadata.
/// One metadata pass over the merged tree; the accounts are <see cref="ImageAccountsAnalyzer"/>'s.
/// </summary>
public static class ImageFileChecks
{
    /// <summary>Findings listed per check; past it one more finding says how many were left out (a hostile image can hold millions).</summary>
    public const int MaxFindingsPerCheck = 100;

    private const int SetUid = 0x800;   // 04000
    private const int SetGid = 0x400;   // 02000
    private const int Sticky = 0x200;   // 01000
    private const int OtherWrite = 0x2; // 0002

    /// <summary>Directories whose regular files are a package manager's downloads or index, and files in them that are not.</summary>
    private static readonly (string Dir, string Manager)[] CacheDirs =
    [
        ("var/lib/apt/lists", "apt"),
        ("var/cache/apt/archives", "apt"),
        ("var/cache/apk", "apk"),
        ("etc/apk/cache", "apk"),
        ("var/cache/yum", "yum"),
        ("var/cache/dnf", "dnf"),
        ("var/cache/zypp", "zypper"),
        ("root/.cache/pip", "pip"),
        ("root/.npm/_cacache", "npm"),
        ("usr/local/share/.cache/yarn", "yarn"),
    ];

    private static readonly HashSet<string> VcsDirs = new(StringComparer.Ordinal) { ".git", ".svn", ".hg" };

    public static IReadOnlyList<Finding> Run(IFileTree tree)
    {
        var setuid = new List<FileNode>();
        var writable = new List<FileNode>();
        var caches = new Dictionary<string, (int Files, long Bytes, FileNode Last)>(StringComparer.Ordinal);
        var litter = new SortedDictionary<string, FileNode>(StringComparer.Ordinal);
        foreach (var node in tree.Nodes)
        {
            if (node.Kind is FileKind.Regular or FileKind.Hardlink && (node.Mode & (SetUid | SetGid)) != 0)
            {
                setuid.Add(node);
            }
            if (node.Kind == FileKind.Directory && (node.Mode & OtherWrite) != 0 && (node.Mode & Sticky) == 0)
            {
                writable.Add(node);
            }
            if (node.Kind == FileKind.Regular && CacheDirOf(node.Path) is { } cache)
            {
                caches[cache] = caches.TryGetValue(cache, out var seen)
                    ? (seen.Files + 1, seen.Bytes + node.Size, Later(seen.Last, node))
                    : (1, node.Size, node);
            }
            if (LitterPath(node.Path) is { } top)
            {
                // Keep the entry for the top .git itself when the tar lists it, else the first file under it.
                if (!litter.TryGetValue(top, out var known) || node.Path == top || (known.Path != top && string.CompareOrdinal(node.Path, known.Path) < 0))
                {
                    litter[top] = node;
                }
            }
        }
        var findings = new List<Finding>();
        findings.AddRange(Each(ImageCheckCatalog.SetuidFiles, setuid.OrderBy(n => n.Path, StringComparer.Ordinal),
            n => $"{Bits(n.Mode)} {ModeText(n.Mode)} {n.Path}", n => n.Path, "no setuid or setgid files"));
        findings.AddRange(Each(ImageCheckCatalog.PackageCache, caches.OrderBy(c => c.Key, StringComparer.Ordinal),
            c => $"{c.Value.Files} files ({c.Value.Bytes} bytes) left in {c.Key}/", c => c.Key, c => c.Value.Last.Layer, "no package manager cache left"));
        findings.AddRange(Each(ImageCheckCatalog.WorldWritableDirectory, writable.OrderBy(n => n.Path, StringComparer.Ordinal),
            n => $"{ModeText(n.Mode)} {n.Path}/ is world-writable without the sticky bit", n => n.Path, "no world-writable directory without the sticky bit"));
        findings.AddRange(Each(ImageCheckCatalog.UnnecessaryFiles, litter,
            l => l.Key, l => l.Key, l => l.Value.Layer, "no .git, .svn, .hg or .DS_Store"));
        return findings;
    }

    private static IEnumerable<Finding> Each(CheckInfo check, IEnumerable<FileNode> nodes, Func<FileNode, string> evidence, Func<FileNode, string> path, string pass) =>
        Each(check, nodes, evidence, path, n => n.Layer, pass);

    /// <summary>A finding per item, located at its path and layer, capped; one pass when there is none.</summary>
    private static IEnumerable<Finding> Each<T>(CheckInfo check, IEnumerable<T> items, Func<T, string> evidence, Func<T, string> path, Func<T, LayerRef?> layer, string pass)
    {
        var count = 0;
        foreach (var item in items)
        {
            if (++count <= MaxFindingsPerCheck)
            {
                yield return check.Fail(evidence(item), new Location(path(item)) { Layer = layer(item) });
            }
        }
        if (count > MaxFindingsPerCheck)
        {
            yield return check.Fail($"{count - MaxFindingsPerCheck} more not listed ({count} in all)");
        }
        if (count == 0)
        {
            yield return check.Pass(pass);
        }
    }

    /// <summary>The cache directory a file is in, or null. Lock files and partial downloads are apt's own bookkeeping, not cache.</summary>
    private static string? CacheDirOf(string path)
    {
        foreach (var (dir, _) in CacheDirs)
        {
            if (path.Length > dir.Length + 1 && path.StartsWith(dir, StringComparison.Ordinal) && path[dir.Length] == '/')
            {
                var rest = path.AsSpan(dir.Length + 1);
                if (rest is "lock" || rest.StartsWith("partial/") || rest.StartsWith("auxfiles/"))
                {
                    return null;
                }
                return dir;
            }
        }
        return null;
    }

    /// <summary>The top .git, .svn or .hg directory a path is in (or is), or a .DS_Store file; null otherwise.</summary>
    private static string? LitterPath(string path)
    {
        var start = 0;
        while (start < path.Length)
        {
            var end = path.IndexOf('/', start);
            var segment = end < 0 ? path.AsSpan(start) : path.AsSpan(start, end - start);
            if (segment is ".DS_Store" && end < 0)
            {
                return path;
            }
            if (VcsDirs.GetAlternateLookup<ReadOnlySpan<char>>().Contains(segment))
            {
                return end < 0 ? path : path[..end];
            }
            if (end < 0)
            {
                break;
            }
            start = end + 1;
        }
        return null;
    }

    private static FileNode Later(FileNode a, FileNode b) => (b.Layer?.Index ?? -1) > (a.Layer?.Index ?? -1) ? b : a;

    private static string Bits(int mode) => (mode & SetUid) != 0 && (mode & SetGid) != 0 ? "setuid+setgid" : (mode & SetUid) != 0 ? "setuid" : "setgid";

    internal static string ModeText(int mode) => Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0');
}
