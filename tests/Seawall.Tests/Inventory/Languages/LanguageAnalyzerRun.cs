using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>Runs one analyzer on chosen files of a directory tree, as the analyzer host would hand them over.</summary>
internal static class LanguageAnalyzerRun
{
    public static async Task<AnalysisSink> RunAsync(IAnalyzer analyzer, string root, params string[] relativePaths)
    {
        var tree = DirectoryFileTree.Walk(root);
        var files = new List<AnalyzerFile>();
        foreach (var path in relativePaths)
        {
            var node = tree.Resolve(path) ?? throw new FileNotFoundException($"not in tree: {path}");
            var content = analyzer.Condense(path, await File.ReadAllBytesAsync(Path.Combine(root, path), TestContext.Current.CancellationToken));
            files.Add(new AnalyzerFile(path, node, content));
        }
        var sink = new AnalysisSink();
        await analyzer.AnalyzeAsync(new AnalyzerInput(files, tree), sink, TestContext.Current.CancellationToken);
        return sink;
    }

    /// <summary>Runs the analyzer host over a whole directory with these analyzers (what `seawall fs` does before reporting).</summary>
    public static Task<AnalysisSink> RunHostAsync(string root, params IAnalyzer[] analyzers) =>
        new AnalyzerHost(analyzers).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);

    public static IReadOnlyList<Package> Packages(AnalysisSink sink) => [.. sink.Results.SelectMany(r => r.Packages)];
}
