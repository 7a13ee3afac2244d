using System.Text;
using System.Text.RegularExpressions;
using Seawall.ContainerAudit.Checks;

namespace Seawall.Tests.ContainerAudit;

/// <summary>
/// The container check catalog is a contract like the host's: unique, well-formed ids, a fix and a reference for
/// each runtime check, and docs/container-checks.md generated from it.
/// </summary>
public sealed partial class ContainerCheckCatalogTests
{
    [GeneratedRegex("^container-[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdShape();

    [Fact]
    public void Ids_AreUniqueAndWellFormed_EveryCheckHasAFix_RuntimeChecksAReference()
    {
        var checks = ContainerChecks.All;
        Assert.Empty(checks.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(checks.Where(c => !IdShape().IsMatch(c.Id)).Select(c => c.Id));
        Assert.Empty(checks.Where(c => string.IsNullOrWhiteSpace(c.Title) || string.IsNullOrWhiteSpace(c.Remediation)).Select(c => c.Id));
        // Kernel-view checks are Seawall's own (no peer compares /proc with the runtime); the rest answer to a benchmark.
        Assert.Empty(checks.Where(c => !c.Id.StartsWith("container-kernel-", StringComparison.Ordinal) && c.References.Count == 0).Select(c => c.Id));
    }

    [Fact]
    public void Docs_container_checks_is_generated_from_the_catalog()
    {
        var markdown = new StringBuilder();
        markdown.Append("# Container checks\n\nGenerated from `src/Seawall.ContainerAudit/Checks/ContainerChecks.cs` by `ContainerCheckCatalogTests` ")
                .Append("(`SEAWALL_UPDATE_GOLDEN=1` rewrites it). `seawall containers` and `seawall host --containers` list fail and warn; `--include-passed` adds the passes with their evidence.\n")
                .Append("\n| id | severity | title | references |\n| --- | --- | --- | --- |\n");
        foreach (var check in ContainerChecks.All)
        {
            markdown.Append("| `").Append(check.Id).Append("` | ").Append(check.Severity.ToString().ToUpperInvariant())
                    .Append(" | ").Append(Cell(check.Title)).Append(" | ").Append(Cell(string.Join(", ", check.References))).Append(" |\n");
        }
        var path = Path.Combine(RepositoryRoot(), "docs", "container-checks.md");
        if (Environment.GetEnvironmentVariable("SEAWALL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, markdown.ToString());
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; run the tests with SEAWALL_UPDATE_GOLDEN=1 to generate it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), markdown.ToString());
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        var dir = Path.GetDirectoryName(source);
        while (dir is not null && !File.Exists(Path.Combine(dir, "Seawall.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("Seawall.slnx not found above " + source);
    }
}
