using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Seawall.Artifacts.Image;
using Seawall.Artifacts.Registry;
using Seawall.Core.Errors;

namespace Seawall.Tests.Artifacts.Registry;

public sealed class RegistryProtocolTests
{
    private const string Token = "tok-3f9a";

    /// <summary>A one-layer image: gzip layer with etc/os-release, its config and OCI manifest.</summary>
    private sealed class TestImage
    {
        public TestImage()
        {
            using var tar = new MemoryStream();
            using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/os-release") { DataStream = new MemoryStream("ID=alpine\nVERSION_ID=3.20.3\n"u8.ToArray()) });
            }
            var diffId = Digest(tar.ToArray());
            using var gz = new MemoryStream();
            using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            {
                z.Write(tar.ToArray());
            }
            Layer = gz.ToArray();
            LayerDigest = Digest(Layer);
            Config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}");
            ConfigDigest = Digest(Config);
            Manifest = Encoding.UTF8.GetBytes($$"""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ConfigDigest}}","size":{{Config.Length}}},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{LayerDigest}}","size":{{Layer.Length}}}]}
                """);
            ManifestDigest = Digest(Manifest);
        }

        public byte[] Layer { get; }
        public string LayerDigest { get; }
        public byte[] Config { get; }
        public string ConfigDigest { get; }
        public byte[] Manifest { get; }
        public string ManifestDigest { get; }
    }

    private static string Digest(byte[] b) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(b));

    private static RegistryOptions Options(string? user = null, string? password = null) =>
        new() { Insecure = true, UseDockerConfig = false, Username = user, Password = password };

    private static async Task ReadLayerAsync(RegistryImageSource source)
    {
        var layer = await source.OpenLayerAsync(0, TestContext.Current.CancellationToken);
        await using (layer)
        {
            await layer.Tar.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken);
            await layer.DrainAndVerifyAsync(TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData("token")]
    [InlineData("access_token")]
    public async Task OpenAsync_BearerChallengeAndBlobRedirect_AuthenticatesAndNeverLeaksAuthorization(string tokenField)
    {
        var image = new TestImage();
        await using var storage = new LoopbackServer(ctx => LoopbackServer.WriteAsync(ctx, 200, image.Layer, "application/octet-stream"));
        await using var auth = new LoopbackServer(ctx =>
        {
            var expected = "Basic " + Convert.ToBase64String("reader:pw"u8.ToArray());
            return ctx.Request.Headers["Authorization"] == expected
                ? LoopbackServer.WriteAsync(ctx, 200, Encoding.UTF8.GetBytes($"{{\"{tokenField}\":\"{Token}\",\"expires_in\":300}}"), "application/json")
                : LoopbackServer.WriteAsync(ctx, 401, []);
        });
        await using var registry = new LoopbackServer(async ctx =>
        {
            var path = ctx.Request.Url!.AbsolutePath;
            if (ctx.Request.Headers["Authorization"] != "Bearer " + Token)
            {
                ctx.Response.AddHeader("WWW-Authenticate", $"Bearer realm=\"http://{auth.Host}/token\",service=\"loopback-registry\",scope=\"repository:team/app:pull\"");
                await LoopbackServer.WriteAsync(ctx, 401, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"""u8.ToArray(), "application/json");
                return;
            }
            if (path == "/v2/team/app/manifests/1")
            {
                await LoopbackServer.WriteAsync(ctx, 200, image.Manifest, ManifestDocument.OciManifest);
            }
            else if (path == $"/v2/team/app/blobs/{image.ConfigDigest}")
            {
                await LoopbackServer.WriteAsync(ctx, 200, image.Config, "application/octet-stream");
            }
            else if (path == $"/v2/team/app/blobs/{image.LayerDigest}")
            {
                // Registries hand blobs to object storage on another host with a signed URL.
                ctx.Response.RedirectLocation = $"http://{storage.Host}/bucket/{image.LayerDigest[7..]}?sig=abc";
                await LoopbackServer.WriteAsync(ctx, 307, []);
            }
            else
            {
                await LoopbackServer.WriteAsync(ctx, 404, []);
            }
        });

        await using var source = await RegistryImageSource.OpenAsync($"{registry.Host}/team/app:1", Options("reader", "pw"), null, TestContext.Current.CancellationToken);
        await ReadLayerAsync(source);

        Assert.Equal(image.ConfigDigest, source.ConfigDigest);
        Assert.Equal([$"{registry.Host}/team/app@{image.ManifestDigest}"], source.RepoDigests);
        Assert.Equal([$"{registry.Host}/team/app:1"], source.RepoTags);
        var tokenRequest = Assert.Single(auth.Requests);
        Assert.Contains("service=loopback-registry", tokenRequest.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("scope=repository%3Ateam%2Fapp%3Apull", tokenRequest.PathAndQuery, StringComparison.Ordinal);
        var manifestRequest = registry.Requests.Last(r => r.PathAndQuery.Contains("/manifests/", StringComparison.Ordinal));
        Assert.Equal("Bearer " + Token, manifestRequest.Authorization);
        Assert.Contains(ManifestDocument.OciIndex, manifestRequest.Accept, StringComparison.Ordinal);
        Assert.Contains(ManifestDocument.DockerManifestList, manifestRequest.Accept, StringComparison.Ordinal);
        var storageRequest = Assert.Single(storage.Requests);
        Assert.Null(storageRequest.Authorization);
    }

    /// <summary>A registry that serves the image anonymously, with hooks to tamper with what it sends.</summary>
    private static LoopbackServer AnonymousRegistry(TestImage image, byte[]? manifestOverride = null, string? statedDigest = null, byte[]? layerOverride = null)
        => new(async ctx =>
        {
            var path = ctx.Request.Url!.AbsolutePath;
            if (path.StartsWith("/v2/app/manifests/", StringComparison.Ordinal))
            {
                if (statedDigest is not null)
                {
                    ctx.Response.AddHeader("Docker-Content-Digest", statedDigest);
                }
                await LoopbackServer.WriteAsync(ctx, 200, manifestOverride ?? image.Manifest, ManifestDocument.OciManifest);
            }
            else if (path == $"/v2/app/blobs/{image.ConfigDigest}")
            {
                await LoopbackServer.WriteAsync(ctx, 200, image.Config);
            }
            else if (path == $"/v2/app/blobs/{image.LayerDigest}")
            {
                await LoopbackServer.WriteAsync(ctx, 200, layerOverride ?? image.Layer, chunked: layerOverride is not null);
            }
            else
            {
                await LoopbackServer.WriteAsync(ctx, path == "/v2/" ? 200 : 404, []);
            }
        });

    [Fact]
    public async Task OpenAsync_ByDigestButContentDiffers_ThrowsDigestMismatch()
    {
        var image = new TestImage();
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(image.Manifest) + " ");
        await using var registry = AnonymousRegistry(image, manifestOverride: tampered);
        var ex = await Assert.ThrowsAsync<DigestMismatchException>(() =>
            RegistryImageSource.OpenAsync($"{registry.Host}/app@{image.ManifestDigest}", Options(), null, TestContext.Current.CancellationToken));
        Assert.Contains("manifest digest mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ByTagWithWrongDockerContentDigest_ThrowsDigestMismatch()
    {
        var image = new TestImage();
        await using var registry = AnonymousRegistry(image, statedDigest: "sha256:" + new string('0', 64));
        await Assert.ThrowsAsync<DigestMismatchException>(() =>
            RegistryImageSource.OpenAsync($"{registry.Host}/app:1", Options(), null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OpenAsync_ManifestOverCap_ThrowsLimitExceeded()
    {
        var image = new TestImage();
        await using var registry = AnonymousRegistry(image, manifestOverride: new byte[ManifestDocument.MaxManifestBytes + 1]);
        await Assert.ThrowsAsync<LimitExceededException>(() =>
            RegistryImageSource.OpenAsync($"{registry.Host}/app:1", Options(), null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OpenLayerAsync_BlobLongerThanDescriptor_StopsAtTheDescriptorSize()
    {
        var image = new TestImage();
        await using var registry = AnonymousRegistry(image, layerOverride: [.. image.Layer, .. new byte[1 << 20]]);
        await using var source = await RegistryImageSource.OpenAsync($"{registry.Host}/app:1", Options(), null, TestContext.Current.CancellationToken);
        var ex = await Assert.ThrowsAnyAsync<ScanException>(() => ReadLayerAsync(source));
        Assert.Contains("more than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_WithoutInsecureAgainstPlainHttp_ThrowsWithInsecureHint()
    {
        var image = new TestImage();
        await using var registry = AnonymousRegistry(image);
        var ex = await Assert.ThrowsAnyAsync<ScanException>(() =>
            RegistryImageSource.OpenAsync($"{registry.Host}/app:1", Options() with { Insecure = false }, null, TestContext.Current.CancellationToken));
        Assert.Contains("--insecure", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_BasicChallengeWithoutCredentials_SaysAuthenticationRequired()
    {
        await using var registry = new LoopbackServer(ctx =>
        {
            ctx.Response.AddHeader("WWW-Authenticate", "Basic realm=\"r\"");
            return LoopbackServer.WriteAsync(ctx, 401, []);
        });
        var ex = await Assert.ThrowsAnyAsync<ScanException>(() =>
            RegistryImageSource.OpenAsync($"{registry.Host}/app:1", Options(), null, TestContext.Current.CancellationToken));
        Assert.Contains("authentication required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameOrigin_DifferentPortOrHostOrScheme_IsAnotherOrigin()
    {
        var registry = new Uri("https://r.example:5000/v2/");
        Assert.True(RegistryClient.SameOrigin(new Uri("https://R.example:5000/v2/x/blobs/y"), registry));
        Assert.False(RegistryClient.SameOrigin(new Uri("https://r.example:5001/b"), registry));
        Assert.False(RegistryClient.SameOrigin(new Uri("http://r.example:5000/b"), registry));
        Assert.False(RegistryClient.SameOrigin(new Uri("https://storage.example:5000/b"), registry));
    }
}
