namespace Seawall.Core.FileTree;

/// <summary>Path normalisation for file trees: hostile archives use "./", "//", ".." and absolute names.</summary>
public static class TreePath
{
    /// <summary>
    /// Normalises an archive entry name to a root-relative path. Returns null when the name climbs out
    /// of the root ("../x", "a/../../x"): such entries are refused, never clamped, so nothing lands outside.
    /// A leading '/' is dropped: absolute names in a layer tar are relative to the image root.
    /// </summary>
    public static string? Normalize(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }
        // Most names (every line of a dpkg .list, most tar entries) are already clean: return them without splitting.
        var start = name[0] == '/' ? 1 : 0;
        var end = name.Length > start && name[^1] == '/' ? name.Length - 1 : name.Length;
        if (end > start && IsClean(name.AsSpan(start, end - start)))
        {
            return start == 0 && end == name.Length ? name : name[start..end];
        }
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>
    /// Folds "." and ".." lexically the way the kernel resolves a path at "/": ".." at the root stays at the root.
    /// For paths a host's own configuration names (an Include, an #includedir), where climbing is not hostile but
    /// simply ends at "/"; archive entries go through <see cref="Normalize"/>, which refuses them instead.
    /// </summary>
    public static string FoldAtRoot(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }

    /// <summary>No empty, "." or ".." segment.</summary>
    internal static bool IsClean(ReadOnlySpan<char> path)
    {
        while (true)
        {
            var slash = path.IndexOf('/');
            var segment = slash < 0 ? path : path[..slash];
            if (segment.Length == 0 || segment is "." || segment is "..")
            {
                return false;
            }
            if (slash < 0)
            {
                return true;
            }
            path = path[(slash + 1)..];
        }
    }

    public static string Parent(string path)
    {
        var i = path.LastIndexOf('/');
        return i < 0 ? string.Empty : path[..i];
    }

    public static string FileName(string path)
    {
        var i = path.LastIndexOf('/');
        return i < 0 ? path : path[(i + 1)..];
    }

    public static string Combine(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;

    /// <summary>True when path is dir itself or lies below it.</summary>
    public static bool IsUnder(string path, string dir) =>
        dir.Length == 0 || path == dir || (path.Length > dir.Length && path[dir.Length] == '/' && path.StartsWith(dir, StringComparison.Ordinal));
}
