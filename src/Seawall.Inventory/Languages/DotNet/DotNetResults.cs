using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.DotNet;

/// <summary>The shared tail of the .NET analyzers: parse each file, warn on a broken one, report one result per file.</summary>
internal static class DotNetResults
{
    public static void Report(AnalyzerInput input, AnalysisSink sink, string type, Func<byte[], List<string>, List<Package>> parse)
    {
        foreach (var file in input.Files)
        {
            List<Package> packages;
            var warnings = new List<string>();
            try
            {
                packages = parse(file.Content, warnings);
            }
            catch (InvalidDataException ex)
            {
                sink.Warn($"{file.Path}: {ex.Message}; skipped");
                continue;
            }
            foreach (var warning in warnings)
            {
                sink.Warn($"{file.Path}: {warning}");
            }
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult
                {
                    Target = file.Path,
                    Class = ResultClass.LangPackages,
                    Type = type,
                    Packages = [.. packages.Select(p => p with { FilePath = file.Path, Layer = file.Node.Layer })],
                });
            }
        }
    }
}
