using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Java;

/// <summary>gradle.lockfile and buildscript-gradle.lockfile, the two lockfiles Gradle's dependency locking writes per project.</summary>
public sealed class GradleLockAnalyzer : IAnalyzer
{
    public string Id => "gradle-lock";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => TreePath.FileName(path) is "gradle.lockfile" or "buildscript-gradle.lockfile";

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            var packages = GradleLockfile.Parse(file.Content, out var badLines);
            if (badLines.Count > 0)
            {
                var more = badLines.Count > 1 ? $" (and {badLines.Count - 1} more)" : string.Empty;
                sink.Warn($"{file.Path}: line {badLines[0]}{more} is not group:artifact:version=configurations; skipped");
            }
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult
                {
                    Target = file.Path,
                    Class = ResultClass.LangPackages,
                    Type = "gradle",
                    Packages = [.. packages.Select(p => p with { FilePath = file.Path, Layer = file.Node.Layer }).OrderBy(p => p.Name, StringComparer.Ordinal)],
                });
            }
        }
        return Task.CompletedTask;
    }
}
