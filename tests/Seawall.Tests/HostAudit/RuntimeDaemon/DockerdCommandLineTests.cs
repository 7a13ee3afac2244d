using Seawall.HostAudit.RuntimeDaemon;

namespace Seawall.Tests.HostAudit.RuntimeDaemon;

public class DockerdCommandLineTests
{
    [Fact]
    public void Parse_EveryFlagForm_ValuesAsDockerdReadsThem()
    {
        var line = DockerdCommandLine.Parse(
        [
            "/usr/bin/dockerd", "-H", "fd://", "-Htcp://0.0.0.0:2375", "--host=unix:///run/alt.sock", "--containerd=/run/containerd/containerd.sock",
            "--icc", "--iptables=false", "-D", "--log-level", "warn", "--insecure-registry", "a:5000", "--insecure-registry=b:5000",
            "--unknown-flag", "value", "--another-unknown", "--", "--icc=false",
        ]);
        string[] Values(string name) => [.. line.Uses.Where(u => u.Name == name).Select(u => u.Value)];

        Assert.Equal(["fd://", "tcp://0.0.0.0:2375", "unix:///run/alt.sock"], Values("host"));
        Assert.Equal(["true"], Values("icc")); // a bare bool flag is true and takes no value; "--" ends the flags
        Assert.Equal(["false"], Values("iptables"));
        Assert.Equal(["true"], Values("debug"));
        Assert.Equal(["warn"], Values("log-level"));
        Assert.Equal(["a:5000", "b:5000"], Values("insecure-registry"));
        Assert.Equal(["value"], Values("unknown-flag"));
        Assert.Equal(["true"], Values("another-unknown"));
        Assert.Equal("-H fd://", line.Uses[0].Raw);
        Assert.Equal("-Htcp://0.0.0.0:2375", line.Uses[1].Raw);
    }

    [Fact]
    public void Parse_ValueFlagTakesNextArgumentEvenWithDash_LikePflag()
    {
        var line = DockerdCommandLine.Parse(["dockerd", "--data-root", "-weird-dir", "--icc=false"]);

        Assert.Equal("-weird-dir", line.Uses.Single(u => u.Name == "data-root").Value);
        Assert.Equal("false", line.Uses.Single(u => u.Name == "icc").Value);
    }

    [Fact]
    public void Parse_BoolShorthandsRunTogether_EachRead()
    {
        var line = DockerdCommandLine.Parse(["dockerd", "-Dl", "debug"]);

        Assert.Equal("true", line.Uses.Single(u => u.Name == "debug").Value);
        Assert.Equal("debug", line.Uses.Single(u => u.Name == "log-level").Value);
    }

    [Theory]
    [InlineData("host", "hosts")]
    [InlineData("insecure-registry", "insecure-registries")]
    [InlineData("default-ulimit", "default-ulimits")]
    [InlineData("authorization-plugin", "authorization-plugins")]
    [InlineData("storage-opt", "storage-opts")]
    [InlineData("icc", "icc")]
    [InlineData("not-a-known-flag", "not-a-known-flag")]
    public void ConfigKeyOf_RepeatableFlags_MapToPluralKeys(string flag, string key) =>
        Assert.Equal(key, DockerdCommandLine.ConfigKeyOf(flag));
}
