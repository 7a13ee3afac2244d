using System.Text.Json;
using Seawall.IntegrationTests.Support;
using Seawall.Tests.Support;

namespace Seawall.IntegrationTests.Hostile;

/// <summary>
/// The test image writer (tests/Seawall.Tests/Support/ImageBuilder.cs) writes what real tools accept:
/// Docker loads its docker save archives and skopeo reads its OCI layouts, with the same diffIDs and digests.
/// </summary>
public sealed class ImageBuilderInteropTests
{
    private static ImageSpec Sample(string tag)
    {
        var spec = new ImageSpec { RepoTag = tag };
        spec.AddLayer("ADD rootfs").Dir("etc").File("etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\n").Symlink("etc/alias", "os-release");
        spec.AddLayer("RUN change").Whiteout("etc/alias").Dir("usr/bin").File("usr/bin/tool", "#!/bin/sh\n", 0x1ED).Hardlink("usr/bin/tool2", "usr/bin/tool");
        return spec;
    }

    [Theory]
    [InlineData(ArchiveFormat.DockerLegacy)]
    [InlineData(ArchiveFormat.DockerOci)]
    public async Task DockerLoad_BuiltArchive_HasTheBuildersDiffIds(ArchiveFormat format)
    {
        ProcessRunner.Require("docker");
        var info = await ProcessRunner.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(30));
        Assert.SkipWhen(info.ExitCode != 0, "no Docker Engine reachable (.ci/services starts one)");
        using var dir = new TempDir();
        var tag = $"seawall-test/builder-{Guid.NewGuid():N}:v1";
        var built = ImageBuilder.Write(Sample(tag), dir.File("image.tar"), format);

        var load = await ProcessRunner.RunAsync("docker", ["load", "-i", built.Path], TimeSpan.FromMinutes(2));
        try
        {
            Assert.True(load.ExitCode == 0, load.StdErr);
            var inspect = await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{json .RootFS.Layers}}", tag], TimeSpan.FromMinutes(1));
            Assert.True(inspect.ExitCode == 0, inspect.StdErr);
            Assert.Equal(built.Layers.Select(l => l.DiffId), JsonSerializer.Deserialize<string[]>(inspect.StdOut));
        }
        finally
        {
            await ProcessRunner.RunAsync("docker", ["rmi", "-f", tag], TimeSpan.FromMinutes(1));
        }
    }

    [Theory]
    [InlineData(ArchiveFormat.OciLayoutDirectory, "oci")]
    [InlineData(ArchiveFormat.OciLayoutTar, "oci-archive")]
    [InlineData(ArchiveFormat.DockerLegacy, "docker-archive")]
    public async Task SkopeoInspect_BuiltImage_HasTheBuildersLayers(ArchiveFormat format, string transport)
    {
        var skopeo = ProcessRunner.Require("skopeo");
        using var dir = new TempDir();
        var built = ImageBuilder.Write(Sample("seawall-test/builder:v1"), dir.File("image"), format);

        var result = await ProcessRunner.RunAsync(skopeo, ["inspect", "--raw", "--config", $"{transport}:{built.Path}"], TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var config = JsonDocument.Parse(result.StdOut);
        var diffIds = config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Equal(built.Layers.Select(l => l.DiffId), diffIds);
        var history = config.RootElement.GetProperty("history").EnumerateArray()
            .Where(h => !h.TryGetProperty("empty_layer", out var e) || !e.GetBoolean())
            .Select(h => h.GetProperty("created_by").GetString());
        Assert.Equal(["ADD rootfs", "RUN change"], history);
    }
}
