using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Java;

/// <summary>
/// pom.xml of a Maven project: its declared dependencies, versions resolved from local properties, local parent POMs
/// (relativePath, by default ../pom.xml, as Maven looks them up) and dependencyManagement.
/// </summary>
public sealed class PomAnalyzer : IAnalyzer
{
    private const int MaxParentDepth = 10;
    private const long MaxPomBytes = 16L * 1024 * 1024;

    public string Id => "pom";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public long MaxFileSize => MaxPomBytes;

    public bool IsApplicable(string path) => TreePath.FileName(path) == "pom.xml";

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            PomFile pom;
            try
            {
                pom = PomFile.Parse(file.Content);
            }
            catch (InvalidDataException ex)
            {
                sink.Warn($"{file.Path}: {ex.Message}; skipped");
                continue;
            }
            var parents = await LocalParentsAsync(input.Tree, file.Path, pom, sink, cancellationToken).ConfigureAwait(false);
            var packages = PomResolver.Resolve(pom, parents, out var unresolved);
            if (unresolved.Count > 0)
            {
                sink.Warn($"{file.Path}: no version for {string.Join(", ", unresolved)} without fetching remote POMs; reported without one");
            }
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult
                {
                    Target = file.Path,
                    Class = ResultClass.LangPackages,
                    Type = "pom",
                    Packages = [.. packages.Select(p => p with { FilePath = file.Path, Layer = file.Node.Layer }).OrderBy(p => p.Name, StringComparer.Ordinal)],
                });
            }
        }
    }

    /// <summary>
    /// The parent chain found in the tree, nearest first. Like Maven and Trivy, a candidate counts only when its
    /// artifactId is the one the child names; a chain stops at the first parent that is not here (it would be in a repository).
    /// </summary>
    internal static async Task<List<PomFile>> LocalParentsAsync(IFileTree tree, string path, PomFile pom, AnalysisSink sink, CancellationToken ct)
    {
        var parents = new List<PomFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { path };
        var current = pom;
        var currentPath = path;
        while (current.HasParent && parents.Count < MaxParentDepth)
        {
            // An empty <relativePath/> tells Maven not to look on disk.
            var relative = current.ParentRelativePath ?? "../pom.xml";
            if (relative.Length == 0 || TreePath.Normalize(TreePath.Combine(TreePath.Parent(currentPath), relative)) is not { Length: > 0 } candidate)
            {
                break;
            }
            if (!candidate.EndsWith(".xml", StringComparison.Ordinal) && !candidate.EndsWith(".pom", StringComparison.Ordinal))
            {
                candidate = TreePath.Combine(candidate, "pom.xml");
            }
            if (!seen.Add(candidate) || tree.Resolve(candidate) is not { Kind: FileKind.Regular } node || !tree.HasContent(node) || node.Size > MaxPomBytes)
            {
                break;
            }
            var content = await tree.ReadAllBytesAsync(node, MaxPomBytes, ct).ConfigureAwait(false);
            if (content is null)
            {
                break;
            }
            PomFile parent;
            try
            {
                parent = PomFile.Parse(content);
            }
            catch (InvalidDataException ex)
            {
                sink.Warn($"{path}: parent {candidate}: {ex.Message}; not used");
                break;
            }
            if (parent.ArtifactId != current.ParentArtifactId)
            {
                break;
            }
            parents.Add(parent);
            current = parent;
            currentPath = candidate;
        }
        return parents;
    }
}
