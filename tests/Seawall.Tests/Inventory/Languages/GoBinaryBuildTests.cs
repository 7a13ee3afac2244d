using Seawall.Inventory.Languages.Go;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>The Go build info reader as the host audit uses it (<see cref="GoBinaryBuild"/>) against `go version -m` (the oracle) on this machine's real binaries.</summary>
public class GoBinaryBuildTests
{
    public static TheoryData<string> RealBinaries => ["/usr/sbin/dockerd", "/usr/bin/containerd", "/usr/sbin/runc", "/usr/bin/containerd-shim-runc-v2", "/usr/local/bin/docker", "/usr/bin/docker-registry"];

    [Theory]
    [MemberData(nameof(RealBinaries))]
    public void Read_RealBinary_MatchesGoVersionM(string path)
    {
        Assert.SkipUnless(File.Exists(path), $"{path} is not on this machine");
        Assert.SkipWhen(GoBuildFixture.Go is null, "the Go toolchain (`go version -m`, the oracle) is not installed");
        var oracle = ExternalTool.Run(GoBuildFixture.Go!, "/", null, "version", "-m", path).Split('\n');

        using var stream = File.OpenRead(path);
        var info = GoBinaryBuild.Read(stream);

        Assert.NotNull(info);
        Assert.Equal(oracle[0][(path.Length + 2)..].Trim(), info.GoVersion);
        var pathLine = oracle.FirstOrDefault(l => l.StartsWith("\tpath\t", StringComparison.Ordinal));
        Assert.Equal(pathLine?.Split('\t')[2], info.Path);
        var ldflags = oracle.FirstOrDefault(l => l.StartsWith("\tbuild\t-ldflags=", StringComparison.Ordinal));
        var ours = info.Settings.FirstOrDefault(s => s.Key == "-ldflags").Value;
        if (ldflags is null)
        {
            Assert.Null(ours);
        }
        else
        {
            Assert.NotNull(ours);
            // go version -m prints the value quoted as it is stored; the reader unquotes it.
            Assert.Equal(ldflags["\tbuild\t-ldflags=".Length..].Trim('"').Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal), ours);
        }
    }

    [Fact]
    public void LinkerVariable_DebianDockerd_GivesTheStampedVersion()
    {
        const string path = "/usr/sbin/dockerd";
        Assert.SkipUnless(File.Exists(path), $"{path} is not on this machine");
        Assert.SkipWhen(GoBuildFixture.Go is null, "the Go toolchain (`go version -m`, the oracle) is not installed");
        var oracle = ExternalTool.Run(GoBuildFixture.Go!, "/", null, "version", "-m", path);
        var stamped = System.Text.RegularExpressions.Regex.Match(oracle, "dockerversion\\.Version=([^\\\\\" ]+)").Groups[1].Value;
        Assert.SkipWhen(stamped.Length == 0, "this dockerd carries no dockerversion.Version stamp");

        using var stream = File.OpenRead(path);

        Assert.Equal(stamped, GoBinaryBuild.Read(stream)!.LinkerVariable("github.com/docker/docker/dockerversion.Version"));
    }

    [Theory]
    [InlineData("-s -w -X main.version=1.1.12 -X main.gitCommit=51d5e946", "main.version", "1.1.12")]
    [InlineData(" \t\t-w \t-X \"github.com/docker/docker/dockerversion.Version=20.10.24+dfsg1\" \t-X \"github.com/docker/docker/dockerversion.GitCommit=5d6db84\"", "github.com/docker/docker/dockerversion.Version", "20.10.24+dfsg1")]
    [InlineData("-X=github.com/containerd/containerd/version.Version=v1.7.22", "github.com/containerd/containerd/version.Version", "v1.7.22")]
    [InlineData("-X 'main.version=1.2.0 rc'", "main.version", "1.2.0 rc")]
    public void LinkerVariables_Forms(string ldflags, string name, string value) =>
        Assert.Equal(value, GoLdflagsVersion.LinkerVariables(ldflags).Last(v => v.Key == name).Value);

    [Fact]
    public void Read_NotElf_Null()
    {
        using var stream = new MemoryStream("#!/bin/sh\necho hi\n"u8.ToArray());

        Assert.Null(GoBinaryBuild.Read(stream));
    }

    [Fact]
    public void Read_TruncatedElf_NullNotThrow()
    {
        const string path = "/usr/sbin/runc";
        Assert.SkipUnless(File.Exists(path), $"{path} is not on this machine");
        var head = new byte[4096];
        using (var file = File.OpenRead(path))
        {
            file.ReadExactly(head);
        }

        using var stream = new MemoryStream(head);

        Assert.Null(GoBinaryBuild.Read(stream));
    }
}
