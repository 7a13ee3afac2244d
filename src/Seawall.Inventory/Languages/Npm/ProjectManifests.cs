using System.Text.Json;
using Seawall.Core.FileTree;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>
/// Reads a project's package.json next to its lockfile straight from the tree: it names the direct, dev and
/// optional dependencies that yarn.lock and v1 package-lock.json do not record.
/// </summary>
internal static class ProjectManifests
{
    private const long MaxManifestSize = 8L * 1024 * 1024;

    /// <summary>The package.json in a folder, or null when it is missing, unreadable or not JSON (the lockfile still parses).</summary>
    public static async Task<PackageManifest?> ReadAsync(IFileTree tree, string directory, CancellationToken cancellationToken)
    {
        var path = directory.Length == 0 ? "package.json" : directory + "/package.json";
        var node = tree.Resolve(path);
        if (node is null || !node.IsRegular || node.Size > MaxManifestSize || !tree.HasContent(node))
        {
            return null;
        }
        var content = await tree.ReadAllBytesAsync(node, MaxManifestSize, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return null;
        }
        try
        {
            return PackageManifest.Parse(content);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string DirectoryOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }

    /// <summary>Lockfiles that packages ship inside node_modules describe how they were developed, not what is installed.</summary>
    public static bool InsideNodeModules(string path) =>
        path.StartsWith("node_modules/", StringComparison.Ordinal) || path.Contains("/node_modules/", StringComparison.Ordinal);

    /// <summary>Whether the path's file name is exactly this name (path-only, no allocation).</summary>
    public static bool HasFileName(string path, string name) =>
        path.EndsWith(name, StringComparison.Ordinal) && (path.Length == name.Length || path[path.Length - name.Length - 1] == '/');
}
