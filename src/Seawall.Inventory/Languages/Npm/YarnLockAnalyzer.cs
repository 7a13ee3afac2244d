using System.Text;
using System.Text.RegularExpressions;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>
/// yarn.lock (classic v1 and berry v2+) outside node_modules. The lockfile does not say which packages the project
/// asked for or which are dev-only; the package.json beside it, and those of its workspaces, do.
/// </summary>
public sealed class YarnLockAnalyzer : IAnalyzer
{
    public string Id => "yarn-lock";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public long MaxFileSize => 256L * 1024 * 1024;

    public bool IsApplicable(string path) =>
        ProjectManifests.HasFileName(path, "yarn.lock") && !ProjectManifests.InsideNodeModules(path);

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            var yarnLock = YarnLockParser.Read(Encoding.UTF8.GetString(file.Content));
            var directory = ProjectManifests.DirectoryOf(file.Path);
            var manifests = await ManifestsAsync(input.Tree, directory, yarnLock, cancellationToken).ConfigureAwait(false);
            var problems = new List<string>(yarnLock.Problems);
            var packages = YarnLockParser.Packages(yarnLock, manifests, problems).ToPackages();
            if (problems.Count > 0)
            {
                sink.Warn($"{file.Path}: {problems[0]}" + (problems.Count > 1 ? $" (and {problems.Count - 1} more problems)" : string.Empty));
            }
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult
                {
                    Target = file.Path,
                    Class = ResultClass.LangPackages,
                    Type = "yarn",
                    Packages = [.. packages.Select(p => p with { FilePath = file.Path, Layer = file.Node.Layer })],
                });
            }
        }
    }

    /// <summary>The project's package.json and its workspaces', keyed by folder relative to the lockfile ("" the project).</summary>
    private static async Task<Dictionary<string, PackageManifest>> ManifestsAsync(IFileTree tree, string directory, YarnLock yarnLock, CancellationToken ct)
    {
        var manifests = new Dictionary<string, PackageManifest>(StringComparer.Ordinal);
        if (await ProjectManifests.ReadAsync(tree, directory, ct).ConfigureAwait(false) is { } root)
        {
            manifests[string.Empty] = root;
        }
        var folders = yarnLock.Berry
            ? yarnLock.WorkspacePaths.Where(p => p != "." && IsInside(p))
            : manifests.TryGetValue(string.Empty, out var project) && project.Workspaces.Count > 0 ? ExpandWorkspaces(tree, directory, project.Workspaces) : [];
        foreach (var folder in folders)
        {
            var full = directory.Length == 0 ? folder : directory + "/" + folder;
            if (await ProjectManifests.ReadAsync(tree, full, ct).ConfigureAwait(false) is { } manifest)
            {
                manifests[folder] = manifest;
            }
        }
        return manifests;
    }

    /// <summary>A workspace path must stay below the project: "../x" or "/x" from a hostile lockfile is not read.</summary>
    private static bool IsInside(string folder) =>
        folder.Length > 0 && !folder.StartsWith('/') && !folder.Split('/').Any(s => s == "..");

    /// <summary>Classic workspaces are globs in package.json ("packages/*"): the folders below the project holding a package.json that match.</summary>
    private static List<string> ExpandWorkspaces(IFileTree tree, string directory, IReadOnlyList<string> globs)
    {
        var patterns = globs.Select(g => g.Trim().TrimStart('.', '/').TrimEnd('/')).Where(g => g.Length > 0 && IsInside(g)).Select(ToRegex).ToList();
        var prefix = directory.Length == 0 ? string.Empty : directory + "/";
        var found = new List<string>();
        foreach (var node in tree.Nodes)
        {
            var path = node.Path;
            if (!path.StartsWith(prefix, StringComparison.Ordinal) || !ProjectManifests.HasFileName(path, "package.json") || ProjectManifests.InsideNodeModules(path))
            {
                continue;
            }
            var folder = ProjectManifests.DirectoryOf(path[prefix.Length..]);
            if (folder.Length > 0 && patterns.Exists(p => p.IsMatch(folder)))
            {
                found.Add(folder);
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static Regex ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                sb.Append(".*");
                i++;
            }
            else if (glob[i] == '*')
            {
                sb.Append("[^/]*");
            }
            else
            {
                sb.Append(Regex.Escape(glob[i].ToString()));
            }
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
