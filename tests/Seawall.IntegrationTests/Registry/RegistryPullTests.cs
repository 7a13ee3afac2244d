using System.Text;
using System.Text.Json;
using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests.Registry;

/// <summary>
/// `seawall image HOST:PORT/repo:tag` against a real docker-registry the test starts, with images pushed by skopeo.
/// </summary>
public sealed class RegistryPullTests
{
    /// <summary>Runs the CLI with an empty Docker config, so the machine's own logins never leak into a test.</summary>
    private static async Task<ProcessResult> ScanAsync(TempDir dir, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var dockerConfig = Path.Combine(dir.Path, "docker-config-empty");
        Directory.CreateDirectory(dockerConfig);
        var environment = new Dictionary<string, string>
        {
            ["DOCKER_CONFIG"] = dockerConfig,
            ["SEAWALL_USERNAME"] = string.Empty,
            ["SEAWALL_PASSWORD"] = string.Empty,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            environment[k] = v;
        }
        return await SeawallCli.RunAsync(["image", .. args, "--format", "json", "--no-cache", "--quiet"], environment, TimeSpan.FromMinutes(3));
    }

    private static async Task<LocalRegistry> StartWithDebianAsync(TempDir dir, bool tls = false, (string, string)? htpasswd = null, bool gzip = true)
    {
        var registry = await LocalRegistry.StartAsync(tls, htpasswd);
        var layout = Path.Combine(dir.Path, "layout");
        OciLayoutWriter.Write(layout, "v1", new TestImage(OciLayoutWriter.Debian, Gzip: gzip));
        await registry.PushAsync(layout, "v1", "test/debian:12");
        return registry;
    }

    private static void AssertDebian(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        using var report = JsonDocument.Parse(result.StdOut);
        var root = report.RootElement;
        Assert.Equal("debian", root.GetProperty("os").GetProperty("family").GetString());
        Assert.Equal("12", root.GetProperty("os").GetProperty("version").GetString());
        var packages = root.GetProperty("results").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == "dpkg")
            .SelectMany(r => r.GetProperty("packages").EnumerateArray())
            .Select(p => p.GetProperty("name").GetString())
            .ToList();
        Assert.Contains("bash", packages);
        Assert.Contains("base-files", packages);
    }

    private static void AssertOneLineError(ProcessResult result, string expected)
    {
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(string.Empty, result.StdOut);
        Assert.StartsWith("error: ", result.StdErr, StringComparison.Ordinal);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.Contains(expected, result.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Image_PlainHttpRegistryWithInsecure_FindsOsAndPackages()
    {
        using var dir = new TempDir();
        await using var registry = await StartWithDebianAsync(dir);
        var result = await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure"]);
        AssertDebian(result);
        using var report = JsonDocument.Parse(result.StdOut);
        var artifact = report.RootElement.GetProperty("artifact");
        Assert.Equal($"{registry.Host}/test/debian:12", artifact.GetProperty("name").GetString());
        Assert.Equal("amd64", artifact.GetProperty("architecture").GetString());
        Assert.Equal($"{registry.Host}/test/debian:12", artifact.GetProperty("repoTags")[0].GetString());
    }

    [Fact]
    public async Task Image_ByDigest_FindsOsAndPackages()
    {
        using var dir = new TempDir();
        await using var registry = await LocalRegistry.StartAsync();
        var layout = Path.Combine(dir.Path, "layout");
        var digests = OciLayoutWriter.Write(layout, "v1", new TestImage(OciLayoutWriter.Debian));
        await registry.PushAsync(layout, "v1", "test/debian:12");
        var manifest = digests.Images[0].Manifest;
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/debian@{manifest}", "--insecure"]));
        // Tag and digest together: the digest decides what is pulled.
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/debian:12@{manifest}", "--insecure"]));
    }

    [Fact]
    public async Task Image_PlainHttpRegistryWithoutInsecure_FailsWithClearError()
    {
        using var dir = new TempDir();
        await using var registry = await StartWithDebianAsync(dir);
        var result = await ScanAsync(dir, [$"{registry.Host}/test/debian:12"]);
        AssertOneLineError(result, "--insecure");
    }

    [Fact]
    public async Task Image_UnknownTag_ExitsThreeWithNotFound()
    {
        using var dir = new TempDir();
        await using var registry = await StartWithDebianAsync(dir);
        var result = await ScanAsync(dir, [$"{registry.Host}/test/debian:nope", "--insecure"]);
        AssertOneLineError(result, "not found");
        Assert.Contains("MANIFEST_UNKNOWN", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_NothingListening_ExitsThreeWithConnectError()
    {
        using var dir = new TempDir();
        LocalRegistry.RequireTools();
        var result = await ScanAsync(dir, ["127.0.0.1:1/test/debian:12", "--insecure"]);
        AssertOneLineError(result, "cannot reach registry 127.0.0.1:1");
    }

    [Fact]
    public async Task Image_SelfSignedTlsWithoutInsecure_FailsWithTlsError()
    {
        using var dir = new TempDir();
        await using var registry = await StartWithDebianAsync(dir, tls: true);
        var result = await ScanAsync(dir, [$"{registry.Host}/test/debian:12"]);
        AssertOneLineError(result, "TLS error");
        Assert.Contains("--insecure", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_SelfSignedTlsWithInsecure_FindsOsAndPackages()
    {
        using var dir = new TempDir();
        await using var registry = await StartWithDebianAsync(dir, tls: true);
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure"]));
    }

    [Fact]
    public async Task Image_BasicAuthWithRightPassword_FindsOsAndPackages()
    {
        using var dir = new TempDir();
        await using var registry = await StartWithDebianAsync(dir, htpasswd: ("scanner", "s3cret-Pass"));
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure", "--username", "scanner", "--password", "s3cret-Pass"]));
        // The same credentials from the environment.
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure"],
            new Dictionary<string, string> { ["SEAWALL_USERNAME"] = "scanner", ["SEAWALL_PASSWORD"] = "s3cret-Pass" }));
    }

    [Fact]
    public async Task Image_BasicAuthFromDockerConfig_FindsOsAndPackages()
    {
        using var dir = new TempDir();
        await using var registry = await StartWithDebianAsync(dir, htpasswd: ("scanner", "s3cret-Pass"));
        var configDir = Path.Combine(dir.Path, "docker-config");
        Directory.CreateDirectory(configDir);
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("scanner:s3cret-Pass"));
        await File.WriteAllTextAsync(Path.Combine(configDir, "config.json"), "{\"auths\":{\"http://" + registry.Host + "\":{\"auth\":\"" + auth + "\"}}}");
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure"], new Dictionary<string, string> { ["DOCKER_CONFIG"] = configDir }));

        // username/password fields work too.
        await File.WriteAllTextAsync(Path.Combine(configDir, "config.json"), "{\"auths\":{\"" + registry.Host + "\":{\"username\":\"scanner\",\"password\":\"s3cret-Pass\"}}}");
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure"], new Dictionary<string, string> { ["DOCKER_CONFIG"] = configDir }));

        // A credential helper is named in the error, not run.
        await File.WriteAllTextAsync(Path.Combine(configDir, "config.json"), "{\"auths\":{\"" + registry.Host + "\":{}},\"credsStore\":\"secretservice\"}");
        var helper = await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure"], new Dictionary<string, string> { ["DOCKER_CONFIG"] = configDir });
        AssertOneLineError(helper, "docker-credential-secretservice");
    }

    [Fact]
    public async Task Image_BasicAuthWithWrongPassword_ExitsThreeWithAuthError()
    {
        using var dir = new TempDir();
        await using var registry = await StartWithDebianAsync(dir, htpasswd: ("scanner", "s3cret-Pass"));
        var wrong = await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure", "--username", "scanner", "--password", "wrong"]);
        AssertOneLineError(wrong, "authentication failed for user 'scanner'");
        Assert.DoesNotContain("wrong", wrong.StdErr, StringComparison.Ordinal);

        var none = await ScanAsync(dir, [$"{registry.Host}/test/debian:12", "--insecure"]);
        AssertOneLineError(none, "authentication required");
    }

    [Fact]
    public async Task Image_MultiPlatformIndex_PicksThePlatformAsked()
    {
        using var dir = new TempDir();
        await using var registry = await LocalRegistry.StartAsync();
        var layout = Path.Combine(dir.Path, "layout");
        var digests = OciLayoutWriter.Write(layout, "multi",
            new TestImage(OciLayoutWriter.Debian, Architecture: "amd64"),
            new TestImage(OciLayoutWriter.Alpine, Architecture: "arm64"));
        await registry.PushAsync(layout, "multi", "test/multi:1", all: true);
        var reference = $"{registry.Host}/test/multi:1";

        AssertDebian(await ScanAsync(dir, [reference, "--insecure", "--platform", "linux/amd64"]));

        var arm = await ScanAsync(dir, [reference, "--insecure", "--platform", "linux/arm64"]);
        Assert.True(arm.ExitCode == 0, arm.StdErr);
        using var report = JsonDocument.Parse(arm.StdOut);
        Assert.Equal("alpine", report.RootElement.GetProperty("os").GetProperty("family").GetString());
        Assert.Equal(digests.Images[1].Config, report.RootElement.GetProperty("artifact").GetProperty("digest").GetString());
        var apk = report.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "apk");
        Assert.Equal(["busybox", "musl"], apk.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order());

        var missing = await ScanAsync(dir, [reference, "--insecure", "--platform", "linux/s390x"]);
        AssertOneLineError(missing, "no image for platform linux/s390x");
        Assert.Contains("linux/arm64", missing.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_ZstdLayer_FindsOsAndPackages()
    {
        using var dir = new TempDir();
        await using var registry = await LocalRegistry.StartAsync();
        var layout = Path.Combine(dir.Path, "layout");
        OciLayoutWriter.Write(layout, "v1", new TestImage(OciLayoutWriter.Debian));
        await registry.PushAsync(layout, "v1", "test/zstd:1", compressFormat: "zstd");
        // Make sure skopeo really stored a zstd layer; otherwise the test would prove nothing.
        var stored = Directory.EnumerateFiles(Path.Combine(registry.StorageRoot, "docker", "registry", "v2", "blobs"), "data", SearchOption.AllDirectories)
            .Select(File.ReadAllBytes)
            .Count(b => b.Length >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd);
        Assert.True(stored == 1, $"expected one zstd blob in the registry, found {stored}");
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/zstd:1", "--insecure"]));
    }

    [Fact]
    public async Task Image_CorruptLayerBlobInRegistry_ExitsThreeWithDigestMismatch()
    {
        using var dir = new TempDir();
        await using var registry = await LocalRegistry.StartAsync();
        var layout = Path.Combine(dir.Path, "layout");
        // An uncompressed layer, so a flipped byte inside a file's data leaves a readable tar and only the digest can tell.
        var digests = OciLayoutWriter.Write(layout, "v1", new TestImage(OciLayoutWriter.Debian, Gzip: false));
        await registry.PushRawAsync(layout, "test/corrupt", "1", digests.Images[0].Manifest);
        AssertDebian(await ScanAsync(dir, [$"{registry.Host}/test/corrupt:1", "--insecure"]));
        var blob = registry.BlobPath(digests.Images[0].Layer);
        var bytes = await File.ReadAllBytesAsync(blob);
        var at = IndexOf(bytes, "Package: bash"u8.ToArray());
        Assert.True(at > 0, "the layer blob does not hold the dpkg status text");
        bytes[at + 9] = (byte)'B'; // bash -> Bash, same length
        await File.WriteAllBytesAsync(blob, bytes);

        var result = await ScanAsync(dir, [$"{registry.Host}/test/corrupt:1", "--insecure"]);
        AssertOneLineError(result, "digest mismatch");
    }

    [Fact]
    public async Task Image_CorruptConfigBlobInRegistry_ExitsThreeWithDigestMismatch()
    {
        using var dir = new TempDir();
        await using var registry = await LocalRegistry.StartAsync();
        var layout = Path.Combine(dir.Path, "layout");
        var digests = OciLayoutWriter.Write(layout, "v1", new TestImage(OciLayoutWriter.Debian));
        await registry.PushAsync(layout, "v1", "test/corrupt:1");
        var blob = registry.BlobPath(digests.Images[0].Config);
        var text = await File.ReadAllTextAsync(blob);
        await File.WriteAllTextAsync(blob, text.Replace("amd64", "arm64", StringComparison.Ordinal));

        var result = await ScanAsync(dir, [$"{registry.Host}/test/corrupt:1", "--insecure"]);
        AssertOneLineError(result, "digest mismatch");
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
