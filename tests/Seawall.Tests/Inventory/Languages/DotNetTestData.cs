using System.Runtime.CompilerServices;
using System.Text.Json;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>Where the .NET test files are: the repo's TestData (found from this source file) and the scalibr corpus.</summary>
internal static class DotNetTestData
{
    public const string ScalibrDotNet = "scalibr-os-dotnet-fixtures/extractor/filesystem/language/dotnet";

    public static string Repo(string relative, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "../../TestData/DotNet", relative);

    /// <summary>The want-values of one scalibr Go test: (case name, fixture path, expected name@version list or null for an error).</summary>
    public static List<(string Name, string Path, List<string>? Packages)> ScalibrCases(string goTest)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Require("scalibr-os-dotnet-fixtures/expected-packages.json")));
        var cases = new List<(string, string, List<string>?)>();
        foreach (var test in doc.RootElement.GetProperty("tests").GetProperty($"extractor/filesystem/language/dotnet/{goTest}").EnumerateArray())
        {
            var folder = goTest[..goTest.IndexOf('/', StringComparison.Ordinal)];
            var path = Path.Combine(SharedData.Root!, ScalibrDotNet, folder, test.GetProperty("path").GetString()!);
            List<string>? packages = test.TryGetProperty("want_error", out _)
                ? null
                : [.. test.GetProperty("packages").EnumerateArray().Select(p => $"{p.GetProperty("Name").GetString()}@{p.GetProperty("Version").GetString()}")];
            cases.Add((test.GetProperty("name").GetString()!, path, packages));
        }
        return cases;
    }
}
