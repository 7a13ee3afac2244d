using System.Text;
using System.Text.RegularExpressions;
using Seawall.Misconfig.Checks;
using Xunit;

namespace Seawall.Tests.Misconfig;

/// <summary>
/// The manifest check catalog is a contract: ids are unique and well formed, every check says how to fix it and which
/// peer ids it answers to, and docs/checks.md is generated from it (with the checkov checks left out and why).
/// </summary>
public sealed partial class ManifestCheckCatalogTests
{
    [GeneratedRegex("^k8s-[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdShape();

    [Fact]
    public void Ids_are_unique_well_formed_and_every_check_has_a_fix_and_a_reference()
    {
        var checks = ManifestCheckCatalog.All.Select(c => c.Info).ToList();
        Assert.Empty(checks.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(checks.Where(c => !IdShape().IsMatch(c.Id)).Select(c => c.Id));
        Assert.Empty(checks.Where(c => string.IsNullOrWhiteSpace(c.Title) || string.IsNullOrWhiteSpace(c.Remediation) || string.IsNullOrWhiteSpace(c.Description)).Select(c => c.Id));
        // The checkov id a check keeps the semantics of is among its references, so users can map findings.
        Assert.Empty(ManifestCheckCatalog.All.Where(c => c.CheckovId is { } id && !c.Info.References.Contains(id)).Select(c => c.Info.Id));
    }

    [Fact]
    public void Docs_checks_is_generated_from_the_catalog()
    {
        var markdown = new StringBuilder();
        markdown.Append("# Manifest checks\n\nGenerated from `src/Seawall.Misconfig/Checks/ManifestCheckCatalog.cs` by `ManifestCheckCatalogTests` ")
                .Append("(`SEAWALL_UPDATE_GOLDEN=1` rewrites it). `seawall checks list [--format json]` prints the same catalog; ")
                .Append("`seawall config PATHS` lists fail findings, `--include-passed` adds passes.\n\n")
                .Append("Each check keeps the semantics of the checkov check it references; `docs/accuracy.md` records how far that holds on checkov's own tests.\n\n")
                .Append("| id | severity | title | references |\n| --- | --- | --- | --- |\n");
        foreach (var check in ManifestCheckCatalog.All)
        {
            markdown.Append("| `").Append(check.Info.Id).Append("` | ").Append(check.Info.Severity.ToString().ToUpperInvariant())
                    .Append(" | ").Append(Cell(check.Info.Title)).Append(" | ").Append(Cell(string.Join(", ", check.Info.References))).Append(" |\n");
        }
        markdown.Append("\n## checkov checks not implemented\n\n| checkov id | what | why |\n| --- | --- | --- |\n");
        foreach (var skipped in ManifestCheckCatalog.NotImplemented)
        {
            markdown.Append("| ").Append(skipped.Id).Append(" | ").Append(Cell(skipped.Title)).Append(" | ").Append(Cell(skipped.Reason)).Append(" |\n");
        }
        markdown.Append("\n## Judged differently from checkov\n\n| checkov id | what | why |\n| --- | --- | --- |\n");
        foreach (var different in ManifestCheckCatalog.JudgedDifferently)
        {
            markdown.Append("| ").Append(different.Id).Append(" | ").Append(Cell(different.Title)).Append(" | ").Append(Cell(different.Reason)).Append(" |\n");
        }
        markdown.Append("\n## Dockerfile checks\n\nGenerated from `src/Seawall.Misconfig/Dockerfile/DockerfileCheckCatalog.cs`. `seawall config PATHS` reads ")
                .Append("`Dockerfile`, `Containerfile`, `*.Dockerfile` and `Dockerfile.*`; each check keeps the meaning of the Hadolint rule (DL id) it references.\n\n")
                .Append("| id | severity | title | references |\n| --- | --- | --- | --- |\n");
        foreach (var check in Seawall.Misconfig.Dockerfile.DockerfileCheckCatalog.All)
        {
            markdown.Append("| `").Append(check.Info.Id).Append("` | ").Append(check.Info.Severity.ToString().ToUpperInvariant())
                    .Append(" | ").Append(Cell(check.Info.Title)).Append(" | ").Append(Cell(string.Join(", ", check.Info.References))).Append(" |\n");
        }
        markdown.Append("\n## Fix patches\n\nA failed finding of these checks carries `fix` (JSON report; SARIF result property `fix`): a strategic merge ")
                .Append("patch in YAML rooted at the object (apiVersion, kind, metadata name and namespace, then the path to the pod spec), ")
                .Append("containers identified by name, every failing container patched. Apply it with ")
                .Append("`kubectl patch KIND NAME [-n NS] --type strategic --patch-file fix.yaml`. Resource requests and limits are placeholders ")
                .Append("(or the counterpart's value) to size first. Probes, image tags and digests, hostPath, hostPort and secrets need a ")
                .Append("person's judgement and get no patch; nor does an ephemeral container (changed only through its subresource).\n\n")
                .Append(string.Join(", ", Seawall.Misconfig.Fixes.WorkloadFixes.CheckIds.Order(StringComparer.Ordinal).Select(id => $"`{id}`"))).Append('\n');
        AppendImageChecks(markdown);
        var path = Path.Combine(RepositoryRoot(), "docs", "checks.md");
        if (Environment.GetEnvironmentVariable("SEAWALL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, markdown.ToString());
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; run the tests with SEAWALL_UPDATE_GOLDEN=1 to generate it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), markdown.ToString());
    }

    /// <summary>The image checks' section (Seawall.Misconfig/Image/ImageCheckCatalog.cs) and the attack surface's verdict rule.</summary>
    private static void AppendImageChecks(StringBuilder markdown)
    {
        markdown.Append("\n## Image checks\n\n`--scanners misconfig` on `seawall image` and `seawall rootfs` (generated from `src/Seawall.Misconfig/Image/ImageCheckCatalog.cs`). ")
                .Append("Results of type `image-config` judge the image config (images only), `image-files` the merged file tree; each finding's location names the path and, in an image, the layer. ")
                .Append("Each check keeps the semantics of the Dockle checkpoint it references.\n\n")
                .Append("| id | severity | title | references |\n| --- | --- | --- | --- |\n");
        foreach (var info in Seawall.Misconfig.Image.ImageCheckCatalog.All)
        {
            markdown.Append("| `").Append(info.Id).Append("` | ").Append(info.Severity.ToString().ToUpperInvariant())
                    .Append(" | ").Append(Cell(info.Title)).Append(" | ").Append(Cell(string.Join(", ", info.References))).Append(" |\n");
        }
        markdown.Append("\n### Dockle checkpoints not implemented\n\n| Dockle id | what | why |\n| --- | --- | --- |\n");
        foreach (var skipped in Seawall.Misconfig.Image.ImageCheckCatalog.NotImplemented)
        {
            markdown.Append("| ").Append(skipped.Id).Append(" | ").Append(Cell(skipped.Title)).Append(" | ").Append(Cell(skipped.Reason)).Append(" |\n");
        }
        markdown.Append("\n### Attack surface\n\nWith `--scanners misconfig`, the report's `attackSurface` lists the shells, package managers, compilers, interpreters and network tools ")
                .Append("found by name in bin, sbin, usr/bin, usr/sbin, usr/local/bin and usr/local/sbin (links followed inside the image; a dangling link is no tool), ")
                .Append("every setuid or setgid file, and world-writable entries under bin, boot, etc, lib*, sbin and usr, each with the layer that last wrote it. The verdict: ")
                .Append(Seawall.Misconfig.Image.AttackSurfaceScanner.Rule).Append('\n');
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
