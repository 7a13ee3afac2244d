using System.Text.Json.Nodes;
using Seawall.Artifacts.Archive;
using Seawall.Core.Model;
using Seawall.Scanning;
using Seawall.TestSupport;
using Seawall.Tests.Support;

namespace Seawall.Tests.Secrets;

/// <summary>
/// Secrets in images, end to end through ScanService: a secret a later layer deletes is still reported, with the
/// layer that holds it and the one that hid it; a replaced file's old content too; large files stream; the image
/// config is read; and the layer cache gives the same answer warm.
/// </summary>
public sealed class SecretImageTests : IDisposable
{
    private const string GitHubToken = "ghp_B7kq9Zr2Xw4Lm8Np3Vt6Yc1Hd5Fs0JgQw8eR";
    private const string AwsKeyId = "AKIAQ3VZ7XKD2LMN4PRT";
    private readonly TempDir _dir = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private static async Task<ScanReport> ScanAsync(string archivePath, string? cacheDir = null, string? secretConfig = null)
    {
        using var archive = ImageArchive.Open(archivePath);
        var service = new ScanService(new ScanOptions { CacheDir = cacheDir, Scanners = new HashSet<Scanner> { Scanner.Secret }, SecretConfig = secretConfig });
        return await service.ScanImageAsync(archive.Images[0], Token);
    }

    private static List<SecretFinding> Secrets(ScanReport report) => [.. report.Results.SelectMany(r => r.Secrets)];

    private string PlantedImage(Action<JsonObject>? config = null)
    {
        var path = _dir.File("planted.tar");
        TestImageBuilder.WriteDockerArchive(path, "planted:1",
        [
            new TestLayer("/bin/sh -c #(nop) ADD file:base in /", new Dictionary<string, byte[]> { ["etc/os-release"] = TestImageBuilder.Text("ID=debian\nVERSION_ID=\"12\"\n") }),
            new TestLayer("COPY deploy.env /app/deploy.env", new Dictionary<string, byte[]>
            {
                ["app/deploy.env"] = TestImageBuilder.Text($"GH_TOKEN={GitHubToken}\n"),
                ["app/settings.ini"] = TestImageBuilder.Text($"[aws]\nkey_id = {AwsKeyId}\n"),
            }),
            new TestLayer("RUN rm /app/deploy.env && echo cleaned > /app/settings.ini", new Dictionary<string, byte[]>
            {
                ["app/.wh.deploy.env"] = [],
                ["app/settings.ini"] = TestImageBuilder.Text("cleaned\n"),
            }),
        ], editConfig: config);
        return path;
    }

    [Fact]
    public async Task ScanImage_SecretDeletedByLaterLayer_ReportedDeletedWithItsLayer()
    {
        var report = await ScanAsync(PlantedImage());
        var secret = Assert.Single(Secrets(report), s => s.Path == "app/deploy.env");
        Assert.Equal("github-pat", secret.RuleId);
        Assert.True(secret.Deleted);
        Assert.Equal(1, secret.Layer!.Index);
        Assert.Equal("COPY deploy.env /app/deploy.env", secret.Layer.CreatedBy);
        Assert.Equal(2, secret.DeletedBy!.Index);
        Assert.Equal(1, secret.Line);
        Assert.DoesNotContain(GitHubToken[4..], secret.Match);
    }

    [Fact]
    public async Task ScanImage_FileOverwrittenByLaterLayer_OldContentReported()
    {
        var report = await ScanAsync(PlantedImage());
        var secret = Assert.Single(Secrets(report), s => s.Path == "app/settings.ini");
        Assert.Equal("aws-access-key-id", secret.RuleId);
        Assert.True(secret.Deleted);
        Assert.Equal(1, secret.Layer!.Index);
        Assert.Equal(2, secret.Line);
    }

    [Fact]
    public async Task ScanImage_WarmCache_SameSecrets()
    {
        var archive = PlantedImage();
        var cache = _dir.File("cache");
        var cold = Secrets(await ScanAsync(archive, cache));
        var warm = Secrets(await ScanAsync(archive, cache));
        Assert.Equal(2, cold.Count);
        Assert.Equal(cold, warm);
        // The cache holds masked findings, never the secret.
        foreach (var file in Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file, Token);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(GitHubToken[4..])));
        }
    }

    [Fact]
    public async Task ScanImage_ImageConfig_EnvLabelsAndHistoryScanned()
    {
        var path = PlantedImage(config =>
        {
            config["config"]!["Env"] = new JsonArray("PATH=/usr/bin", $"GITHUB_TOKEN={GitHubToken}");
            config["config"]!["Labels"] = new JsonObject { ["deploy.key"] = AwsKeyId };
            var history = (JsonArray)config["history"]!;
            history.Add(new JsonObject { ["created_by"] = "ARG NPM_TOKEN=npm_Zb7Qk2Lm9Xw4Np8Vt3Yc6Hd1Fs5Jg0Re2Ta7", ["empty_layer"] = true });
        });
        var secrets = Secrets(await ScanAsync(path));
        Assert.Contains(secrets, s => s.Path == "image config: Env" && s.RuleId == "github-pat" && s.Line == 2);
        Assert.Contains(secrets, s => s.Path == "image config: Labels" && s.RuleId == "aws-access-key-id");
        Assert.Contains(secrets, s => s.Path == "image config: history" && s.RuleId == "npm-access-token" && s.Line == 4 && s.Layer is null);
    }

    [Fact]
    public async Task ScanImage_LargeTextFileInLayer_StreamedAndFound()
    {
        // 6 MB: over the layer reader's 4 MB threshold, so the file streams through the summarizer in chunks.
        var filler = string.Concat(Enumerable.Repeat("INFO request served in 12 ms for client 10.0.0.1\n", 120_000));
        var path = _dir.File("big.tar");
        TestImageBuilder.WriteDockerArchive(path, "big:1",
        [
            new TestLayer("COPY app.log /var/log/app.log", new Dictionary<string, byte[]> { ["var/log/app.log"] = TestImageBuilder.Text(filler + $"token leaked {GitHubToken}\n" + filler) }),
        ]);
        var secret = Assert.Single(Secrets(await ScanAsync(path)));
        Assert.Equal("github-pat", secret.RuleId);
        Assert.Equal(120_001, secret.Line);
        Assert.Equal(14, secret.Column);
    }

    [Fact]
    public async Task ScanImage_SecretConfig_DisabledRuleAndAllowPath()
    {
        var config = _dir.Write("secret.yaml", "disable-rules: [aws-access-key-id]\nallow-rules:\n  - id: deploy-files\n    path: ^app/deploy\\.env$\n");
        var report = await ScanAsync(PlantedImage(), secretConfig: Path.Combine(_dir.Path, config));
        Assert.Empty(Secrets(report));
    }

    [Fact]
    public async Task ScanImage_WithoutSecretScanner_NoSecrets()
    {
        using var archive = ImageArchive.Open(PlantedImage());
        var report = await new ScanService(new ScanOptions()).ScanImageAsync(archive.Images[0], Token);
        Assert.Empty(Secrets(report));
    }
}
