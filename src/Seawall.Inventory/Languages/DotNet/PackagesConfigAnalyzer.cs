using Seawall.Core.Analysis;
using Seawall.Core.FileTree;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>
/// packages.config of a .NET Framework-era project. Its result type is "nuget", Trivy's name for both this file and
/// packages.lock.json (one nuget analyzer reads the two); developmentDependency packages are kept and marked Dev.
/// </summary>
public sealed class PackagesConfigAnalyzer : IAnalyzer
{
    public string Id => "packages-config";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public bool IsApplicable(string path) => TreePath.FileName(path) == "packages.config";

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        DotNetResults.Report(input, sink, "nuget", PackagesConfigFile.Parse);
        return Task.CompletedTask;
    }
}
