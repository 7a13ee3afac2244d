using System.Text;
using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>pnpm-lock.yaml (lockfile versions 5 to 9) outside node_modules.</summary>
public sealed class PnpmLockAnalyzer : IAnalyzer
{
    public string Id => "pnpm-lock";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public long MaxFileSize => 256L * 1024 * 1024;

    public bool IsApplicable(string path) =>
        ProjectManifests.HasFileName(path, "pnpm-lock.yaml") && !ProjectManifests.InsideNodeModules(path);

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problems = new List<string>();
            IReadOnlyList<Package> packages;
            try
            {
                packages = PnpmLockParser.Parse(Encoding.UTF8.GetString(file.Content), problems);
            }
            catch (NpmLockfileException ex)
            {
                sink.Warn($"{file.Path}: {ex.Message}; skipped");
                continue;
            }
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
                    Type = "pnpm",
                    Packages = [.. packages.Select(p => p with { FilePath = file.Path, Layer = file.Node.Layer })],
                });
            }
        }
        return Task.CompletedTask;
    }
}
