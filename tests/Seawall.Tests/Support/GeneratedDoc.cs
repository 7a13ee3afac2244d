using System.Runtime.CompilerServices;
using System.Text;
using Seawall.Core.Model;

namespace Seawall.Tests.Support;

/// <summary>
/// Documentation generated from code (the check catalogs): a test renders it and compares it with the committed
/// file; SEAWALL_UPDATE_GOLDEN=1 rewrites the file instead.
/// </summary>
internal static class GeneratedDoc
{
    public static void AssertCurrent(string relativePath, string content)
    {
        var path = Path.Combine(RepositoryRoot(), relativePath);
        if (Environment.GetEnvironmentVariable("SEAWALL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, content);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; run the tests with SEAWALL_UPDATE_GOLDEN=1 to generate it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), content);
    }

    /// <summary>A markdown table of checks: id, severity, title, references.</summary>
    public static void AppendCheckTable(StringBuilder markdown, IEnumerable<CheckInfo> checks)
    {
        markdown.Append("| id | severity | title | references |\n| --- | --- | --- | --- |\n");
        foreach (var check in checks)
        {
            markdown.Append("| `").Append(check.Id).Append("` | ").Append(check.Severity.ToString().ToUpperInvariant())
                    .Append(" | ").Append(Cell(check.Title)).Append(" | ").Append(Cell(string.Join(", ", check.References))).Append(" |\n");
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    public static string RepositoryRoot([CallerFilePath] string source = "")
    {
        var dir = Path.GetDirectoryName(source);
        while (dir is not null && !File.Exists(Path.Combine(dir, "Seawall.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("Seawall.slnx not found above " + source);
    }
}
