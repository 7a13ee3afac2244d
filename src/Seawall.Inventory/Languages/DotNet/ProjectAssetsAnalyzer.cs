using Seawall.Core.Analysis;
using Seawall.Core.FileTree;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>obj/project.assets.json: what NuGet restored for a project, with its declared references and the graph.</summary>
public sealed class ProjectAssetsAnalyzer : IAnalyzer
{
    public string Id => "nuget-assets";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => TreePath.FileName(path) == "project.assets.json";

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        DotNetResults.Report(input, sink, "nuget", ProjectAssetsFile.Parse);
        return Task.CompletedTask;
    }
}
