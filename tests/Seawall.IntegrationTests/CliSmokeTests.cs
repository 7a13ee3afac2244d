using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests;

public sealed class CliSmokeTests
{
    [Fact]
    public async Task Rootfs_MissingDirectory_ExitsThreeWithOneLineError()
    {
        var result = await SeawallCli.RunAsync("rootfs", "/nonexistent/seawall-test-dir", "--format", "json");
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(string.Empty, result.StdOut);
        Assert.StartsWith("error: ", result.StdErr, StringComparison.Ordinal);
        Assert.Single(result.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Image_UnknownFormat_ExitsTwo()
    {
        var result = await SeawallCli.RunAsync("image", "--input", "x.tar", "--format", "xml");
        Assert.Equal(2, result.ExitCode);
    }
}
