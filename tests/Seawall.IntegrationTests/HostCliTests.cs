using System.Text.Json;
using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests;

/// <summary>`seawall host` end to end through the real CLI: on this machine, and its errors.</summary>
public sealed class HostCliTests
{
    [Fact]
    public async Task Host_MissingRoot_ExitsThreeWithOneLineError()
    {
        var result = await SeawallCli.RunAsync("host", "--root", "/nonexistent/seawall-host-root", "--format", "json");
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(string.Empty, result.StdOut);
        Assert.StartsWith("error: ", result.StdErr, StringComparison.Ordinal);
        Assert.Single(result.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Host_Live_ReportsThisMachinesOsAndAHostResult()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/etc/os-release"), "needs a Linux host with /etc/os-release");
        using var cache = new TempDir();
        var result = await SeawallCli.RunAsync("host", "--format", "json", "--cache-dir", cache.Path);

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal("host", root.GetProperty("artifact").GetProperty("type").GetString());
        var id = File.ReadAllLines("/etc/os-release").First(l => l.StartsWith("ID=", StringComparison.Ordinal))[3..].Trim('"');
        Assert.Equal(id, root.GetProperty("os").GetProperty("family").GetString());
        var first = root.GetProperty("results")[0];
        Assert.Equal("host", first.GetProperty("class").GetString());
        // Named as the host names itself on disk (etc/hostname), the kernel's name where that file is missing.
        var name = File.Exists("/etc/hostname") ? File.ReadAllText("/etc/hostname").Trim() : Environment.MachineName;
        Assert.Equal(name, root.GetProperty("artifact").GetProperty("name").GetString());
    }
}
