using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>npm lockfiles of a project: package-lock.json (v1, v2, v3) and npm-shrinkwrap.json, outside node_modules.</summary>
public sealed class NpmLockAnalyzer : IAnalyzer
{
    public string Id => "npm-lock";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public long MaxFileSize => 256L * 1024 * 1024;

    public bool IsApplicable(string path) =>
        (ProjectManifests.HasFileName(path, "package-lock.json") || ProjectManifests.HasFileName(path, "npm-shrinkwrap.json"))
        && !ProjectManifests.InsideNodeModules(path);

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            var manifest = await ProjectManifests.ReadAsync(input.Tree, ProjectManifests.DirectoryOf(file.Path), cancellationToken).ConfigureAwait(false);
            IReadOnlyList<Package> packages;
            try
            {
                packages = NpmLockParser.Parse(file.Content, manifest);
            }
            catch (NpmLockfileException ex)
            {
                sink.Warn($"{file.Path}: {ex.Message}; skipped");
                continue;
            }
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult
                {
                    Target = file.Path,
                    Class = ResultClass.LangPackages,
                    Type = "npm",
                    Packages = [.. packages.Select(p => p with { FilePath = file.Path, Layer = file.Node.Layer })],
                });
            }
        }
    }
}
