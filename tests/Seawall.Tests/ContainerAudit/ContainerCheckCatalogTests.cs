using System.Text;
using System.Text.RegularExpressions;
using Seawall.ContainerAudit.Checks;
using Seawall.Tests.Support;

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
                .Append('\n');
        GeneratedDoc.AppendCheckTable(markdown, ContainerChecks.All);
        GeneratedDoc.AssertCurrent(Path.Combine("docs", "container-checks.md"), markdown.ToString());
    }
}
