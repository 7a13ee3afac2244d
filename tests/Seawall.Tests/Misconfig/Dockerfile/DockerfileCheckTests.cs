using System.Text.RegularExpressions;
using Seawall.Misconfig.Dockerfile;
using Xunit;

namespace Seawall.Tests.Misconfig.Dockerfile;

/// <summary>
/// Every Dockerfile check has two fixtures of its own in Fixtures/&lt;check id&gt;/: fires.Dockerfile fails exactly on
/// the lines its `# expect-lines:` comment names, passes.Dockerfile does not fail it. Heredocs, the escape directive,
/// multi-stage builds and ARG-in-FROM appear across them.
/// </summary>
public sealed partial class DockerfileCheckTests
{
    internal static string FixturePath(string name, [System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", name);

    public static TheoryData<string> CheckIds() => [.. DockerfileCheckCatalog.All.Select(c => c.Info.Id)];

    [GeneratedRegex(@"^# expect-lines:(?<lines>( \d+)+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectLines();

    private static List<DockerfileResult> Judge(string path, string checkId, List<string> warnings)
    {
        var build = DockerfileLoader.LoadFile(path, warnings) ?? throw new InvalidOperationException(path + " not read");
        return [.. DockerfileScanner.Run([build], DockerfileCheckCatalog.All.Where(c => c.Info.Id == checkId).ToList())];
    }

    [GeneratedRegex("^dockerfile-[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdShape();

    [Fact]
    public void Ids_are_unique_well_formed_and_every_check_has_a_fix_and_a_reference()
    {
        var checks = DockerfileCheckCatalog.All.Select(c => c.Info).ToList();
        Assert.Empty(checks.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(checks.Where(c => !IdShape().IsMatch(c.Id)).Select(c => c.Id));
        Assert.Empty(checks.Where(c => string.IsNullOrWhiteSpace(c.Title) || string.IsNullOrWhiteSpace(c.Remediation) || string.IsNullOrWhiteSpace(c.Description) || c.References.Count == 0).Select(c => c.Id));
        // No id clashes with the manifest catalog: `seawall checks list` prints both.
        Assert.Empty(checks.Select(c => c.Id).Intersect(Seawall.Misconfig.Checks.ManifestCheckCatalog.All.Select(c => c.Info.Id)));
    }

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void Fires_exactly_on_the_expected_lines(string checkId)
    {
        var path = FixturePath(Path.Combine(checkId, "fires.Dockerfile"));
        Assert.True(File.Exists(path), $"{checkId} has no fires.Dockerfile fixture");
        var expected = ExpectLines().Match(File.ReadAllText(path)).Groups["lines"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        Assert.NotEmpty(expected);
        var warnings = new List<string>();
        var failed = Judge(path, checkId, warnings).Where(r => r.Outcome.Failed).Select(r => r.ToFinding().Location!.Line!.Value).Order().ToList();
        Assert.Empty(warnings);
        Assert.Equal(expected, failed);
    }

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void Does_not_fire_on_the_passing_fixture(string checkId)
    {
        var path = FixturePath(Path.Combine(checkId, "passes.Dockerfile"));
        Assert.True(File.Exists(path), $"{checkId} has no passes.Dockerfile fixture");
        var warnings = new List<string>();
        var results = Judge(path, checkId, warnings);
        Assert.Empty(warnings);
        Assert.Empty(results.Where(r => r.Outcome.Failed).Select(r => $"line {r.ToFinding().Location!.Line}: {r.Outcome.Evidence}"));
    }

    [Fact]
    public void Findings_carry_file_line_instruction_path_stage_and_references()
    {
        var path = FixturePath(Path.Combine("dockerfile-root-user", "fires.Dockerfile"));
        var finding = Assert.Single(Judge(path, "dockerfile-root-user", [])).ToFinding();
        Assert.Equal(Seawall.Core.Model.FindingStatus.Fail, finding.Status);
        Assert.Equal(new Seawall.Core.Model.Location(path, 4, "0", "$.stages[1].instructions[1]"), finding.Location);
        Assert.Equal("stage 1", finding.Target);
        Assert.Contains("DL3002", finding.References);
        Assert.Contains("CIS-Docker-4.1", finding.References);
        Assert.Equal("final stage runs as root", finding.Evidence);
    }

    [Fact]
    public void No_user_at_all_fails_at_the_final_from_and_a_variable_user_without_value_is_not_judged()
    {
        var none = DockerfileBuild.Parse("Dockerfile", "FROM debian:12.7 AS build\nUSER app\nFROM build AS test\nFROM scratch\nCOPY --from=build /x /x\n", []);
        var result = Assert.Single(DockerfileScanner.Run([none], [Check("dockerfile-root-user")]));
        Assert.True(result.Outcome.Failed);
        Assert.Equal(4, result.Outcome.At!.Line);
        Assert.Contains("scratch", result.Outcome.Evidence, StringComparison.Ordinal);

        var unknown = DockerfileBuild.Parse("Dockerfile", "FROM debian:12.7\nUSER ${RUNTIME_USER}\n", []);
        Assert.Empty(DockerfileScanner.Run([unknown], [Check("dockerfile-root-user")]));

        var inherited = DockerfileBuild.Parse("Dockerfile", "FROM debian:12.7 AS base\nUSER 1000:1000\nFROM base\nRUN true\n", []);
        Assert.False(Assert.Single(DockerfileScanner.Run([inherited], [Check("dockerfile-root-user")])).Outcome.Failed);
    }

    [Fact]
    public void Healthcheck_none_fails_where_it_disables_the_check()
    {
        var build = DockerfileBuild.Parse("Dockerfile", "FROM nginx:1.27 AS base\nHEALTHCHECK CMD curl -f http://localhost/\nFROM base\nHEALTHCHECK NONE\n", []);
        var result = Assert.Single(DockerfileScanner.Run([build], [Check("dockerfile-no-healthcheck")]));
        Assert.True(result.Outcome.Failed);
        Assert.Equal(4, result.Outcome.At!.Line);
    }

    [Fact]
    public void Secret_evidence_never_repeats_the_value()
    {
        var build = DockerfileBuild.Parse("Dockerfile", "FROM alpine:3.20\nENV API_TOKEN=s3cr3t-value-123 URL=https://u:p4ss@h.example/x\n", []);
        var failures = DockerfileScanner.Run([build], [Check("dockerfile-secret-in-env-arg")]).Where(r => r.Outcome.Failed).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.DoesNotContain("s3cr3t", f.Outcome.Evidence, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain("p4ss", f.Outcome.Evidence, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("777", true)]
    [InlineData("0777", true)]
    [InlineData("666", true)]
    [InlineData("1777", false)]
    [InlineData("755", false)]
    [InlineData("o+w", true)]
    [InlineData("a=rwx", true)]
    [InlineData("u+x,go-w", false)]
    [InlineData("+w", false)]
    public void World_writable_modes(string mode, bool expected) => Assert.Equal(expected, DockerfileChecks.IsWorldWritable(mode));

    [Fact]
    public void A_hardened_multi_stage_dockerfile_fails_nothing()
    {
        var warnings = new List<string>();
        var build = DockerfileLoader.LoadFile(FixturePath("hardened.Dockerfile"), warnings)!;
        Assert.Empty(warnings);
        var results = DockerfileScanner.Run([build], DockerfileCheckCatalog.All).ToList();
        Assert.Empty(results.Where(r => r.Outcome.Failed).Select(r => $"{r.Check.Info.Id} line {r.Outcome.At?.Line}: {r.Outcome.Evidence}"));
        Assert.True(results.Count >= 15, $"only {results.Count} checks applied");
    }

    private static DockerfileCheck Check(string id) => DockerfileCheckCatalog.All.Single(c => c.Info.Id == id);
}
