using Seawall.Core.Analysis;
using Seawall.Core.FileTree;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>packages.lock.json, NuGet's lockfile: every package restored for the project, direct or transitive, with the graph.</summary>
public sealed class NuGetLockAnalyzer : IAnalyzer
{
    public string Id => "nuget-lock";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => TreePath.FileName(path) == "packages.lock.json";

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        DotNetResults.Report(input, sink, "nuget", (content, _) => NuGetLockFile.Parse(content));
        return Task.CompletedTask;
    }
}
