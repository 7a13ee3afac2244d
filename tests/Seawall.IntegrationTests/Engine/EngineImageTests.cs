using System.Text.Json;
using Seawall.IntegrationTests.Registry;
using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests.Engine;

/// <summary>
/// `seawall image REF` against the real dockerd: images made offline with `docker import` and `docker build`
/// FROM scratch, scanned through the Engine API (unix socket and tcp), warm scans that must not export,
/// and the one-line errors when the image or the daemon is not there.
/// </summary>
[Collection(DockerEngineCollection.Name)]
public sealed class EngineImageTests(DockerEngine engine)
{
    private static string NewTag(string name = "img") => $"seawall-it/engine-{name}-{Guid.NewGuid():N}:1";

    /// <summary>
    /// Runs the CLI with debug lines on, its own temp dir (to see the export is cleaned up), an empty Docker
    /// config and no DOCKER_HOST from the machine, so nothing outside the test steers it.
    /// </summary>
    private static async Task<ProcessResult> ScanAsync(TempDir dir, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var dockerConfig = Path.Combine(dir.Path, "docker-config-empty");
        Directory.CreateDirectory(dockerConfig);
        Directory.CreateDirectory(TempOf(dir));
        var environment = new Dictionary<string, string>
        {
            ["DOCKER_CONFIG"] = dockerConfig,
            ["DOCKER_HOST"] = string.Empty,
            ["SEAWALL_DEBUG"] = "1",
            ["TMPDIR"] = TempOf(dir),
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            environment[k] = v;
        }
        return await SeawallCli.RunAsync(["image", .. args, "--format", "json"], environment, TimeSpan.FromMinutes(3));
    }

    private static string TempOf(TempDir dir) => Path.Combine(dir.Path, "tmp");

    private static string CacheOf(TempDir dir) => Path.Combine(dir.Path, "cache");

    private static List<string> Packages(JsonElement report) =>
        [.. report.GetProperty("results").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == "dpkg")
            .SelectMany(r => r.GetProperty("packages").EnumerateArray())
            .Select(p => $"{p.GetProperty("name").GetString()}@{p.GetProperty("version").GetString()}#{p.GetProperty("layer").GetProperty("index").GetInt32()}")
            .Order(StringComparer.Ordinal)];

    private static JsonDocument AssertOk(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        return JsonDocument.Parse(result.StdOut);
    }

    private static void AssertOneLineError(ProcessResult result, params string[] expected)
    {
        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}: {result.StdErr}");
        Assert.Equal(string.Empty, result.StdOut);
        var errors = result.StdErr.Split('\n').Where(l => !l.StartsWith("debug: ", StringComparison.Ordinal) && l.Length > 0).ToList();
        var line = Assert.Single(errors);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        foreach (var e in expected)
        {
            Assert.Contains(e, line, StringComparison.Ordinal);
        }
    }

    private static bool Exported(ProcessResult result) => result.StdErr.Contains("debug: engine: export ", StringComparison.Ordinal);

    [Fact]
    public async Task Image_InLocalEngine_FindsOsAndPackagesAndCleansUpTheExport()
    {
        engine.Require();
        using var dir = new TempDir();
        var tag = NewTag();
        await engine.ImportAsync(tag, OciLayoutWriter.Debian, dir);
        try
        {
            var (id, _) = await engine.InspectAsync(tag);
            var result = await ScanAsync(dir, [tag, "--cache-dir", CacheOf(dir)]);
            using var report = AssertOk(result);
            var root = report.RootElement;
            Assert.Equal("debian", root.GetProperty("os").GetProperty("family").GetString());
            Assert.Equal("12", root.GetProperty("os").GetProperty("version").GetString());
            Assert.Equal(["base-files@12.4+deb12u5#0", "bash@5.2.15-2+b2#0"], Packages(root));
            var artifact = root.GetProperty("artifact");
            Assert.Equal(tag, artifact.GetProperty("name").GetString());
            Assert.Equal(id, artifact.GetProperty("digest").GetString());
            Assert.Equal([tag], artifact.GetProperty("repoTags").EnumerateArray().Select(t => t.GetString()));
            Assert.Contains("debug: image-src docker: looking for", result.StdErr, StringComparison.Ordinal);
            Assert.True(Exported(result), result.StdErr);
            Assert.DoesNotContain("image-src remote", result.StdErr, StringComparison.Ordinal);
            // The export went to a temp dir of Seawall's own, and is gone.
            Assert.Empty(Directory.EnumerateFileSystemEntries(TempOf(dir)));
        }
        finally
        {
            await engine.RemoveAsync(tag);
        }
    }

    [Fact]
    public async Task Image_WarmScan_DoesNotExportAndGivesTheSameReport()
    {
        engine.Require();
        using var dir = new TempDir();
        var tag = NewTag();
        await engine.ImportAsync(tag, OciLayoutWriter.Debian, dir);
        try
        {
            var cold = await ScanAsync(dir, [tag, "--cache-dir", CacheOf(dir)]);
            AssertOk(cold).Dispose();
            Assert.True(Exported(cold), cold.StdErr);
            Assert.DoesNotContain("(cached)", cold.StdErr, StringComparison.Ordinal);

            var warm = await ScanAsync(dir, [tag, "--cache-dir", CacheOf(dir)]);
            AssertOk(warm).Dispose();
            Assert.False(Exported(warm), warm.StdErr);
            Assert.Contains("debug: layer 1/1 sha256:", warm.StdErr, StringComparison.Ordinal);
            Assert.Contains("(cached)", warm.StdErr, StringComparison.Ordinal);
            Assert.Equal(cold.StdOut, warm.StdOut);

            // Without the cache the same image is exported again: the warm path is the cache's doing.
            var uncached = await ScanAsync(dir, [tag, "--no-cache"]);
            AssertOk(uncached).Dispose();
            Assert.True(Exported(uncached), uncached.StdErr);
            Assert.Equal(cold.StdOut, uncached.StdOut);
        }
        finally
        {
            await engine.RemoveAsync(tag);
        }
    }

    [Fact]
    public async Task Image_BuiltWithLayers_MatchesTheScanOfItsDockerSave()
    {
        engine.Require();
        using var dir = new TempDir();
        var context = Path.Combine(dir.Path, "context");
        foreach (var (path, content) in OciLayoutWriter.Debian)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(context, "rootfs", path))!);
            File.WriteAllText(Path.Combine(context, "rootfs", path), content);
        }
        Directory.CreateDirectory(Path.Combine(context, "empty"));
        Directory.CreateDirectory(Path.Combine(context, "more"));
        // A later layer rewrites the dpkg status with one more package: it must be attributed to that layer.
        File.WriteAllText(Path.Combine(context, "more", "status"), OciLayoutWriter.Debian["var/lib/dpkg/status"]
            + "Package: zlib1g\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 168\nMaintainer: Mark Brown <broonie@debian.org>\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\nDescription: compression library - runtime\n\n");
        // ENV and LABEL make no layer; COPY of an empty directory makes a layer of zero bytes.
        File.WriteAllText(Path.Combine(context, "Dockerfile"), """
            FROM scratch
            COPY rootfs/ /
            ENV APP=seawall
            COPY empty/ /opt/empty/
            COPY more/status /var/lib/dpkg/status
            LABEL org.example.test=1
            """);
        var tag = NewTag("built");
        await engine.DockerAsync("build", "-q", "-t", tag, context);
        try
        {
            var saved = Path.Combine(dir.Path, "saved.tar");
            await engine.DockerAsync("save", "-o", saved, tag);

            var fromEngine = await ScanAsync(dir, [tag, "--no-cache"]);
            var fromArchive = await ScanAsync(dir, ["--input", saved, "--no-cache"]);
            using var engineReport = AssertOk(fromEngine);
            using var archiveReport = AssertOk(fromArchive);
            var engineArtifact = engineReport.RootElement.GetProperty("artifact");
            var archiveArtifact = archiveReport.RootElement.GetProperty("artifact");
            // The created_by of each layer comes from inspect + history for the Engine, from the config for the archive.
            Assert.Equal(archiveArtifact.GetProperty("layers").GetRawText(), engineArtifact.GetProperty("layers").GetRawText());
            Assert.Equal(archiveArtifact.GetProperty("digest").GetString(), engineArtifact.GetProperty("digest").GetString());
            var layers = engineArtifact.GetProperty("layers").EnumerateArray().ToList();
            Assert.Equal(3, layers.Count);
            Assert.Contains("COPY dir:", layers[0].GetProperty("createdBy").GetString(), StringComparison.Ordinal);
            Assert.Contains("in /opt/empty/", layers[1].GetProperty("createdBy").GetString(), StringComparison.Ordinal);
            Assert.Contains("in /var/lib/dpkg/status", layers[2].GetProperty("createdBy").GetString(), StringComparison.Ordinal);
            Assert.Equal(["base-files@12.4+deb12u5#0", "bash@5.2.15-2+b2#0", "zlib1g@1:1.2.13.dfsg-1#2"], Packages(engineReport.RootElement));
            Assert.Equal(Packages(archiveReport.RootElement), Packages(engineReport.RootElement));
        }
        finally
        {
            await engine.RemoveAsync(tag);
        }
    }

    [Fact]
    public async Task Image_ByShortImageId_FindsPackages()
    {
        engine.Require();
        using var dir = new TempDir();
        var tag = NewTag();
        await engine.ImportAsync(tag, OciLayoutWriter.Debian, dir);
        try
        {
            var (id, _) = await engine.InspectAsync(tag);
            var shortId = id[7..19];
            using var report = AssertOk(await ScanAsync(dir, [shortId, "--image-src", "docker", "--no-cache"]));
            Assert.Equal(shortId, report.RootElement.GetProperty("artifact").GetProperty("name").GetString());
            Assert.Equal(id, report.RootElement.GetProperty("artifact").GetProperty("digest").GetString());
            Assert.Equal(2, Packages(report.RootElement).Count);
        }
        finally
        {
            await engine.RemoveAsync(tag);
        }
    }

    [Fact]
    public async Task Image_TcpDockerHost_ScansThroughTheDaemon()
    {
        engine.Require();
        using var dir = new TempDir();
        var tag = NewTag();
        await engine.ImportAsync(tag, OciLayoutWriter.Debian, dir);
        await using var forwarder = new TcpToUnixForwarder(DockerEngine.Socket);
        try
        {
            var result = await ScanAsync(dir, [tag, "--docker-host", $"tcp://127.0.0.1:{forwarder.Port}", "--image-src", "docker", "--no-cache"]);
            using var report = AssertOk(result);
            Assert.Equal(2, Packages(report.RootElement).Count);
            Assert.True(forwarder.Connections > 0);
            Assert.Contains($"tcp://127.0.0.1:{forwarder.Port}", result.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            await engine.RemoveAsync(tag);
        }
    }

    [Fact]
    public async Task Image_DockerHostEnvironment_IsHonoured()
    {
        engine.Require();
        using var dir = new TempDir();
        var tag = NewTag();
        await engine.ImportAsync(tag, OciLayoutWriter.Debian, dir);
        await using var forwarder = new TcpToUnixForwarder(DockerEngine.Socket);
        try
        {
            var result = await ScanAsync(dir, [tag, "--image-src", "docker", "--no-cache"], new Dictionary<string, string> { ["DOCKER_HOST"] = $"tcp://127.0.0.1:{forwarder.Port}" });
            AssertOk(result).Dispose();
            Assert.True(forwarder.Connections > 0);
        }
        finally
        {
            await engine.RemoveAsync(tag);
        }
    }

    [Fact]
    public async Task Image_PulledIntoTheEngine_ReportsItsRepoDigests()
    {
        engine.Require();
        using var dir = new TempDir();
        await using var registry = await LocalRegistry.StartAsync();
        var layout = Path.Combine(dir.Path, "layout");
        OciLayoutWriter.Write(layout, "v1", new TestImage(OciLayoutWriter.Debian));
        var repo = $"{registry.Host}/seawall-it/pulled-{Guid.NewGuid():N}";
        await registry.PushAsync(layout, "v1", repo[(registry.Host.Length + 1)..] + ":12");
        // dockerd trusts registries on 127.0.0.0/8 over plain http by default.
        await engine.DockerAsync("pull", repo + ":12");
        try
        {
            var (id, repoDigests) = await engine.InspectAsync(repo + ":12");
            Assert.NotEmpty(repoDigests);
            // Only the Engine is asked: the registry would have given the same packages.
            var result = await ScanAsync(dir, [repo + ":12", "--image-src", "docker", "--no-cache"]);
            using var report = AssertOk(result);
            var artifact = report.RootElement.GetProperty("artifact");
            Assert.Equal(id, artifact.GetProperty("digest").GetString());
            Assert.Equal(repoDigests, artifact.GetProperty("repoDigests").EnumerateArray().Select(d => d.GetString()!).ToArray());
            Assert.Equal(2, Packages(report.RootElement).Count);
            Assert.True(Exported(result), result.StdErr);
        }
        finally
        {
            await engine.RemoveAsync(repo + ":12");
        }
    }

    [Fact]
    public async Task Image_NotInEngine_ImageSrcDocker_ExitsThreeWithOneLine()
    {
        engine.Require();
        using var dir = new TempDir();
        var tag = NewTag("missing");
        var result = await ScanAsync(dir, [tag, "--image-src", "docker"]);
        AssertOneLineError(result, tag, "no such image in the Docker Engine at unix:///var/run/docker.sock");
    }

    [Fact]
    public async Task Image_InNoSource_NamesWhatEachSourceSaid()
    {
        engine.Require();
        using var dir = new TempDir();
        // Nothing listens on port 9 of the loopback: the registry fails fast, offline.
        var reference = $"127.0.0.1:9/seawall-it/missing-{Guid.NewGuid():N}:1";
        var result = await ScanAsync(dir, [reference, "--insecure"]);
        AssertOneLineError(result, reference, "not found in any image source", "docker: ", "no such image in the Docker Engine", "remote: ");
    }

    [Fact]
    public async Task Image_PlatformOtherThanTheLocalImage_ImageSrcDocker_SaysWhich()
    {
        engine.Require();
        using var dir = new TempDir();
        var tag = NewTag();
        await engine.ImportAsync(tag, OciLayoutWriter.Debian, dir);
        try
        {
            var arch = (await engine.DockerAsync("image", "inspect", "--format", "{{.Architecture}}", tag)).StdOut.Trim();
            var other = arch == "arm64" ? "amd64" : "arm64";
            var result = await ScanAsync(dir, [tag, "--image-src", "docker", "--platform", "linux/" + other]);
            AssertOneLineError(result, $"the local image is for linux/{arch}, not linux/{other}");
        }
        finally
        {
            await engine.RemoveAsync(tag);
        }
    }

    [Fact]
    public async Task Image_InvalidReferenceForTheEngine_ExitsThree()
    {
        engine.Require();
        using var dir = new TempDir();
        var result = await ScanAsync(dir, ["../../containers/json", "--image-src", "docker"]);
        AssertOneLineError(result, "invalid image reference");
    }
}

/// <summary>The daemon is absent: these need no Docker at all, so they never skip.</summary>
public sealed class EngineAbsentTests
{
    private static async Task<ProcessResult> ScanAsync(TempDir dir, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var dockerConfig = Path.Combine(dir.Path, "docker-config-empty");
        Directory.CreateDirectory(dockerConfig);
        var environment = new Dictionary<string, string> { ["DOCKER_CONFIG"] = dockerConfig, ["DOCKER_HOST"] = string.Empty, ["SEAWALL_DEBUG"] = string.Empty };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            environment[k] = v;
        }
        return await SeawallCli.RunAsync(["image", .. args, "--format", "json", "--no-cache"], environment, TimeSpan.FromMinutes(3));
    }

    private static void AssertOneLineError(ProcessResult result, params string[] expected)
    {
        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}: {result.StdErr}");
        Assert.Equal(string.Empty, result.StdOut);
        var line = Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        foreach (var e in expected)
        {
            Assert.Contains(e, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Image_SocketAbsent_ImageSrcDocker_SaysNoSuchSocket()
    {
        using var dir = new TempDir();
        var socket = dir.File("no-docker.sock");
        var result = await ScanAsync(dir, ["debian:12", "--docker-host", "unix://" + socket, "--image-src", "docker"]);
        AssertOneLineError(result, $"cannot reach the Docker Engine at unix://{socket}: no such socket");
    }

    [Fact]
    public async Task Image_SocketAbsentFromDockerHostEnvironment_SaysWhichSocket()
    {
        using var dir = new TempDir();
        var socket = dir.File("env-docker.sock");
        var result = await ScanAsync(dir, ["debian:12", "--image-src", "docker"], new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + socket });
        AssertOneLineError(result, $"unix://{socket}: no such socket");
    }

    [Fact]
    public async Task Image_TcpHostNotListening_ImageSrcDocker_SaysRefused()
    {
        using var dir = new TempDir();
        var result = await ScanAsync(dir, ["debian:12", "--docker-host", "tcp://127.0.0.1:9", "--image-src", "docker"]);
        AssertOneLineError(result, "cannot reach the Docker Engine at tcp://127.0.0.1:9: connection refused");
    }

    [Fact]
    public async Task Image_SocketAbsent_DefaultSources_FallsThroughToTheRegistryQuietly()
    {
        LocalRegistry.RequireTools();
        using var dir = new TempDir();
        await using var registry = await LocalRegistry.StartAsync();
        var layout = Path.Combine(dir.Path, "layout");
        OciLayoutWriter.Write(layout, "v1", new TestImage(OciLayoutWriter.Debian));
        await registry.PushAsync(layout, "v1", "test/debian:12");
        var result = await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure", "--docker-host", "unix://" + dir.File("no-docker.sock")]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        Assert.Equal(string.Empty, SeawallCli.WithoutNoDatabaseWarning(result.StdErr));
        using var report = JsonDocument.Parse(result.StdOut);
        Assert.Equal("debian", report.RootElement.GetProperty("os").GetProperty("family").GetString());
        Assert.NotEmpty(report.RootElement.GetProperty("artifact").GetProperty("repoDigests").EnumerateArray());
    }

    [Fact]
    public async Task Image_UnknownImageSrc_IsAUsageError()
    {
        var result = await SeawallCli.RunAsync("image", "debian:12", "--image-src", "docker,floppy");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--image-src", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_UnsupportedDockerHostScheme_ExitsThree()
    {
        using var dir = new TempDir();
        var result = await ScanAsync(dir, ["debian:12", "--docker-host", "ssh://user@host"]);
        AssertOneLineError(result, "ssh:// transport is not supported");
    }
}
