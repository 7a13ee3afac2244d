using System.Text;
using System.Text.RegularExpressions;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.HostAudit;

/// <summary>
/// The host check catalog is a contract: users filter, ignore and map findings by these ids and references. Ids are
/// unique and stable in shape, every check says how to fix it and which benchmark it answers to, every finding a
/// group emits is in its catalog, and docs/host-checks.md is generated from it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class HostCheckCatalogTests
{
    [GeneratedRegex("^host-[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdShape();

    [Fact]
    public void Ids_are_unique_well_formed_and_every_check_has_a_fix_and_a_reference()
    {
        var checks = HostCheckCatalog.All().SelectMany(g => g.Checks).ToList();

        Assert.Empty(checks.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(checks.Where(c => !IdShape().IsMatch(c.Id)).Select(c => c.Id));
        Assert.Empty(checks.Where(c => string.IsNullOrWhiteSpace(c.Title) || string.IsNullOrWhiteSpace(c.Remediation)).Select(c => c.Id));
        Assert.Empty(checks.Where(c => c.References.Count == 0).Select(c => c.Id));
    }

    [Fact]
    public void Every_finding_on_a_real_host_root_is_in_its_groups_catalog()
    {
        using var root = new TempDir("seawall-catalog-");
        HostFixture.CopyLiveHost(root.Path);
        using var files = HostFileTree.Open(root.Path);
        var context = new HostContext(files, new Seawall.Core.Model.OsInfo("debian", "12"), []);

        foreach (var group in HostCheckCatalog.All())
        {
            var known = group.Checks.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            var findings = group.Run(context).ToList(); // a group that throws here fails the test
            Assert.Empty(findings.Where(f => !known.Contains(f.CheckId)).Select(f => $"{group.Name}: {f.CheckId}"));
        }
    }

    [Fact]
    public void Docs_host_checks_is_generated_from_the_catalog()
    {
        var markdown = new StringBuilder();
        markdown.Append("# Host checks\n\nGenerated from `src/Seawall.HostAudit/HostCheckCatalog.cs` by `HostCheckCatalogTests` ")
                .Append("(`SEAWALL_UPDATE_GOLDEN=1` rewrites it). `seawall host` lists fail and warn; `--include-passed` adds pass, info and manual.\n");
        foreach (var group in HostCheckCatalog.All())
        {
            markdown.Append("\n## ").Append(group.Name).Append("\n\n");
            GeneratedDoc.AppendCheckTable(markdown, group.Checks);
        }
        GeneratedDoc.AssertCurrent(Path.Combine("docs", "host-checks.md"), markdown.ToString());
    }
}
