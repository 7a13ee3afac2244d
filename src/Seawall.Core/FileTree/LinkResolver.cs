namespace Seawall.Core.FileTree;

/// <summary>
/// Symlink resolution the way the kernel does it inside a chroot, with one difference on purpose:
/// a relative link that climbs above the root is refused (null) instead of being clamped at '/',
/// because such a link in an image is either a mistake or an attack, and we report it.
/// </summary>
public static class LinkResolver
{
    public const int MaxHops = 40; // the kernel's MAXSYMLINKS

    /// <param name="lookupExact">Finds the entry at an exact, already resolved path.</param>
    /// <param name="path">Root-relative path.</param>
    /// <param name="followLast">Whether a symlink in the last component is followed.</param>
    public static FileNode? Resolve(Func<string, FileNode?> lookupExact, string path, bool followLast)
    {
        var pending = new Stack<string>();
        PushComponents(pending, path);
        var resolved = new List<string>();
        var hops = 0;
        FileNode? current = null;
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
                current = null;
                continue;
            }
            var candidate = resolved.Count == 0 ? part : string.Join('/', resolved) + "/" + part;
            var node = lookupExact(candidate);
            if (node is null)
            {
                return null;
            }
            var isLast = pending.Count == 0;
            if ((node.Kind == FileKind.Symlink && (followLast || !isLast)) || node.Kind == FileKind.Hardlink)
            {
                if (++hops > MaxHops || string.IsNullOrEmpty(node.LinkTarget))
                {
                    return null;
                }
                var target = node.LinkTarget!;
                if (node.Kind == FileKind.Hardlink || target.StartsWith('/'))
                {
                    // Hardlink targets are tree paths; absolute symlinks are relative to the image root.
                    resolved.Clear();
                }
                PushComponents(pending, target);
                current = null;
                continue;
            }
            resolved.Add(part);
            current = node;
        }
        if (resolved.Count == 0)
        {
            return null;
        }
        return current ?? lookupExact(string.Join('/', resolved));
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
