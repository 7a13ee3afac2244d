using Seawall.Core.Analysis;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>
/// *.deps.json of a built or published .NET app. Read in every scan, as Trivy's dotnet-core analyzer is: it is both
/// what an installed app carries and what a project's build output records.
/// </summary>
public sealed class DepsJsonAnalyzer : IAnalyzer
{
    public string Id => "dotnet-deps";

    public int Version => 1;

    public PackageSources Sources => PackageSources.All;

    public bool IsApplicable(string path) => path.EndsWith(".deps.json", StringComparison.Ordinal);

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        DotNetResults.Report(input, sink, "dotnet-core", DepsJsonFile.Parse);
        return Task.CompletedTask;
    }
}
