using System.Text;
using Seawall.Core.Model;
using Seawall.Misconfig.Dockerfile;
using Seawall.Scanning;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.Misconfig.Dockerfile;

/// <summary>
/// Bad Dockerfiles (the three: an unterminated heredoc, a 10 MB single-line RUN, invalid UTF-8) end in a
/// warning naming the file and line; what can be judged still is, and a good Dockerfile beside them is scanned.
/// </summary>
public sealed class HostileDockerfileTests : IDisposable
{
    private const string Good = "FROM debian:12.7\nUSER root\n";

    private readonly TempDir dir = new("seawall-dockerfiles-");

    public void Dispose() => dir.Dispose();

    private DockerfileSet Load(string name, byte[] content)
    {
        dir.Write("good/Dockerfile", Good);
        File.WriteAllBytes(dir.File(name), content);
        return DockerfileLoader.Load([dir.Path]);
    }

    private static void AssertGoodStillJudged(DockerfileSet set)
    {
        var good = set.Files.Single(f => f.File.EndsWith("good/Dockerfile", StringComparison.Ordinal));
        Assert.Contains(DockerfileScanner.Run([good], DockerfileCheckCatalog.All), r => r.Check.Info.Id == "dockerfile-root-user" && r.Outcome.Failed);
    }

    [Fact]
    public void Unterminated_heredoc_is_a_warning_and_earlier_instructions_are_judged()
    {
        var set = Load("Dockerfile.bad", Encoding.UTF8.GetBytes("FROM alpine\nUSER root\nRUN <<EOF\napk add curl\necho never closed\n"));
        var warning = Assert.Single(set.Warnings);
        Assert.StartsWith(dir.File("Dockerfile.bad") + ":3:", warning, StringComparison.Ordinal);
        Assert.Contains("unterminated heredoc <<EOF", warning, StringComparison.Ordinal);
        var bad = set.Files.Single(f => f.File.EndsWith("Dockerfile.bad", StringComparison.Ordinal));
        var results = DockerfileScanner.Run([bad], DockerfileCheckCatalog.All).Where(r => r.Outcome.Failed).Select(r => r.Check.Info.Id).ToList();
        Assert.Contains("dockerfile-image-untagged", results);
        Assert.Contains("dockerfile-root-user", results);
        AssertGoodStillJudged(set);
    }

    [Fact]
    public void A_10_mb_single_line_run_is_a_warning_and_the_rest_is_judged_in_bounded_time()
    {
        var text = new StringBuilder("FROM debian:12.7\nRUN echo ");
        text.Append('x', 10 * 1024 * 1024).Append(" && apt-get install -y curl\nUSER root\nCMD run\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var set = Load("big.Dockerfile", Encoding.UTF8.GetBytes(text.ToString()));
        var big = set.Files.Single(f => f.File.EndsWith("big.Dockerfile", StringComparison.Ordinal));
        var results = DockerfileScanner.Run([big], DockerfileCheckCatalog.All).ToList();
        clock.Stop();
        var warning = Assert.Single(set.Warnings);
        Assert.StartsWith(dir.File("big.Dockerfile") + ":2:", warning, StringComparison.Ordinal);
        Assert.Contains("RUN instruction is over 1 MiB", warning, StringComparison.Ordinal);
        var run = big.Final!.Steps[1];
        Assert.True(run.Instruction.Oversized);
        Assert.Empty(run.Instruction.Arguments);
        Assert.Equal(4, big.Final.Steps[3].Line); // instructions after it keep their lines
        Assert.Contains(results, r => r.Check.Info.Id == "dockerfile-root-user" && r.Outcome.Failed && r.Outcome.At!.Line == 3);
        Assert.Contains(results, r => r.Check.Info.Id == "dockerfile-shell-form-cmd" && r.Outcome.Failed && r.Outcome.At!.Line == 4);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        AssertGoodStillJudged(set);
    }

    [Fact]
    public void Invalid_utf8_is_a_warning_with_its_line_and_the_file_is_still_judged()
    {
        var bytes = Encoding.UTF8.GetBytes("FROM alpine:3.20\nLABEL x=\"").Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes("\"\nUSER root\n")).ToArray();
        var set = Load("Containerfile", bytes);
        var warning = Assert.Single(set.Warnings);
        Assert.StartsWith(dir.File("Containerfile") + ":2:", warning, StringComparison.Ordinal);
        Assert.Contains("invalid UTF-8", warning, StringComparison.Ordinal);
        var file = set.Files.Single(f => f.File.EndsWith("Containerfile", StringComparison.Ordinal));
        Assert.Contains(DockerfileScanner.Run([file], DockerfileCheckCatalog.All), r => r.Check.Info.Id == "dockerfile-root-user" && r.Outcome.Failed && r.Outcome.At!.Line == 3);
        AssertGoodStillJudged(set);
    }

    [Fact]
    public void A_file_over_the_limit_is_skipped_unread_with_a_warning()
    {
        dir.Write("good/Dockerfile", Good);
        using (var stream = File.Create(dir.File("huge.Dockerfile")))
        {
            stream.SetLength(DockerfileLoader.MaxFileBytes + 1);
        }
        var set = DockerfileLoader.Load([dir.Path]);
        var warning = Assert.Single(set.Warnings);
        Assert.StartsWith(dir.File("huge.Dockerfile") + ":1: skipped", warning, StringComparison.Ordinal);
        AssertGoodStillJudged(set);
    }

    [Fact]
    public void Instructions_before_from_and_empty_files_do_not_stop_the_scan()
    {
        var warnings = new List<string>();
        var build = DockerfileBuild.Parse("Dockerfile", "RUN echo before\nFROM alpine:3.20\n", warnings);
        Assert.Contains(warnings, w => w.StartsWith("Dockerfile:1: RUN before the first FROM", StringComparison.Ordinal));
        Assert.Single(build.Stages);
        var empty = DockerfileBuild.Parse("Dockerfile", "", warnings);
        Assert.Empty(DockerfileScanner.Run([empty], DockerfileCheckCatalog.All));
    }

    [Fact]
    public async Task Config_scan_reads_dockerfiles_by_name_beside_manifests_and_reports_them_per_file()
    {
        dir.Write("app/Dockerfile", "FROM debian\nRUN apt-get install -y curl\n");
        dir.Write("app/api.Dockerfile", "FROM debian:12.7\nUSER 1000\nHEALTHCHECK CMD [\"true\"]\n");
        dir.Write("app/Dockerfile.dockerignore", "*.md\n");
        dir.Write("app/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  hostNetwork: true\n  containers: [{name: a, image: x:1}]\n");
        var service = new ScanService(new ScanOptions());
        var report = await service.ScanConfigAsync([dir.Path], TestContext.Current.CancellationToken);
        Assert.Empty(report.Warnings);
        var dockerfile = Assert.Single(report.Results, r => r.Target == dir.File("app/Dockerfile"));
        Assert.Equal("dockerfile", dockerfile.Type);
        Assert.Equal(ResultClass.Config, dockerfile.Class);
        var untagged = Assert.Single(dockerfile.Findings, f => f.CheckId == "dockerfile-image-untagged");
        Assert.Equal(new Location(dir.File("app/Dockerfile"), 1, "0", "$.stages[0].instructions[0]"), untagged.Location);
        Assert.Equal("stage 0", untagged.Target);
        Assert.Contains(report.Results, r => r.Type == "kubernetes");
        Assert.All(report.Results.SelectMany(r => r.Findings), f => Assert.Equal(FindingStatus.Fail, f.Status));

        // A Dockerfile named on the command line is not read as YAML.
        var named = await service.ScanConfigAsync([dir.File("app/Dockerfile")], TestContext.Current.CancellationToken);
        Assert.Empty(named.Warnings);
        Assert.Single(named.Results);
    }
}
