using System.Text.Json;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>
/// Installed JavaScript packages: every package.json with a name and a version, one package each (Trivy's node-pkg),
/// in images and root file systems. A project's own package.json, the one with a node_modules folder beside it, is
/// the application rather than something it installed, and is left out; package.json files elsewhere (a tool
/// unpacked under /opt, a global install) are packages. Dependencies are resolved the way Node loads them.
/// </summary>
public sealed class NodeModulesAnalyzer : IAnalyzer
{
    private const string NodeModules = "node_modules/";
    private const string Manifest = "package.json";

    public string Id => "node-pkg";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Installed;

    public long MaxFileSize => 8L * 1024 * 1024;

    public bool IsApplicable(string path) => ProjectManifests.HasFileName(path, Manifest);

    /// <summary>Layers keep only name, version, licence and dependency fields: an image can hold tens of thousands of these.</summary>
    public byte[] Condense(string path, byte[] content) => PackageManifest.Condense(content);

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        // Folders that have packages installed below them: their own package.json is the project's.
        var projects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in input.Files)
        {
            var first = file.Path.StartsWith(NodeModules, StringComparison.Ordinal) ? 0 : file.Path.IndexOf("/" + NodeModules, StringComparison.Ordinal);
            if (first >= 0)
            {
                projects.Add(file.Path[..first]);
            }
        }

        var installed = new Dictionary<string, (Package Package, PackageManifest Manifest)>(StringComparer.Ordinal);
        foreach (var file in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var directory = ProjectManifests.DirectoryOf(file.Path);
            if (!ProjectManifests.InsideNodeModules(file.Path) && projects.Contains(directory))
            {
                continue;
            }
            PackageManifest? manifest;
            try
            {
                manifest = PackageManifest.Parse(file.Content);
            }
            catch (JsonException ex)
            {
                sink.Warn($"{file.Path}: not valid JSON (line {(ex.LineNumber ?? 0) + 1}); skipped");
                continue;
            }
            // Name and version are optional in package.json (private projects, test fixtures): without both it is no package.
            if (manifest is not { Name: { Length: > 0 } name, Version: { Length: > 0 } version })
            {
                continue;
            }
            installed[file.Path] = (new Package
            {
                Name = name,
                Version = version,
                Ecosystem = "npm",
                Licenses = manifest.Licenses,
                FilePath = file.Path,
                Layer = file.Node.Layer,
            }, manifest);
        }

        var packages = new List<Package>(installed.Count);
        foreach (var (path, (package, manifest)) in installed)
        {
            var dependsOn = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var dependency in manifest.Dependencies.Keys.Concat(manifest.OptionalDependencies.Keys).Concat(manifest.PeerDependencies.Keys))
            {
                if (Resolve(input.Tree, installed, ProjectManifests.DirectoryOf(path), dependency) is { } target && target != package)
                {
                    dependsOn.Add($"{target.Name}@{target.Version}");
                }
            }
            packages.Add(dependsOn.Count == 0 ? package : package with { DependsOn = [.. dependsOn] });
        }
        if (packages.Count > 0)
        {
            packages.Sort((a, b) =>
            {
                var byName = string.CompareOrdinal(a.Name, b.Name);
                return byName != 0 ? byName : string.CompareOrdinal(a.FilePath, b.FilePath);
            });
            sink.AddResult(new ScanResult { Target = "Node.js", Class = ResultClass.LangPackages, Type = "node-pkg", Packages = packages });
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Node's lookup from a package folder: &lt;dir&gt;/node_modules/&lt;name&gt;, then each parent's node_modules. pnpm links
    /// node_modules/&lt;name&gt; to its store folder, so a miss is retried through the tree's links.
    /// </summary>
    private static Package? Resolve(IFileTree tree, Dictionary<string, (Package Package, PackageManifest Manifest)> installed, string directory, string name)
    {
        var dir = directory;
        while (true)
        {
            if (!dir.EndsWith("/node_modules", StringComparison.Ordinal) && dir != "node_modules")
            {
                var candidate = (dir.Length == 0 ? NodeModules : dir + "/" + NodeModules) + name + "/" + Manifest;
                if (installed.TryGetValue(candidate, out var found))
                {
                    return found.Package;
                }
                if (tree.Resolve(candidate) is { } linked && linked.Path != candidate && installed.TryGetValue(linked.Path, out found))
                {
                    return found.Package;
                }
            }
            if (dir.Length == 0)
            {
                return null;
            }
            var slash = dir.LastIndexOf('/');
            dir = slash < 0 ? string.Empty : dir[..slash];
        }
    }
}
