using Seawall.Artifacts.Registry;
using Seawall.Core.Errors;

namespace Seawall.Tests.Artifacts.Registry;

public sealed class ImageReferenceTests
{
    private const string Digest = "sha256:4b7ce07a4a8e9a35b1e9ab7e5d0d8e7a2c7c8ed1b5c8e0a1f2d3c4b5a6978877";

    [Theory]
    [InlineData("alpine", "registry-1.docker.io", "library/alpine", "latest", null)]
    [InlineData("alpine:3.20", "registry-1.docker.io", "library/alpine", "3.20", null)]
    [InlineData("docker.io/alpine", "registry-1.docker.io", "library/alpine", "latest", null)]
    [InlineData("docker.io/library/alpine:edge", "registry-1.docker.io", "library/alpine", "edge", null)]
    [InlineData("index.docker.io/user/app:v1", "registry-1.docker.io", "user/app", "v1", null)]
    [InlineData("user/app", "registry-1.docker.io", "user/app", "latest", null)]
    [InlineData("ghcr.io/org/team/app:1.2.3", "ghcr.io", "org/team/app", "1.2.3", null)]
    [InlineData("localhost/app", "localhost", "app", "latest", null)]
    [InlineData("localhost:5000/app:dev", "localhost:5000", "app", "dev", null)]
    [InlineData("127.0.0.1:5000/a/b_c__d-e.f:t", "127.0.0.1:5000", "a/b_c__d-e.f", "t", null)]
    [InlineData("[::1]:5000/app:x", "[::1]:5000", "app", "x", null)]
    [InlineData("alpine@" + Digest, "registry-1.docker.io", "library/alpine", null, Digest)]
    [InlineData("host:5000/app:1.0@" + Digest, "host:5000", "app", "1.0", Digest)]
    public void Parse_ValidReference_SplitsIntoParts(string text, string registry, string repository, string? tag, string? digest)
    {
        var r = ImageReference.Parse(text);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(repository, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(digest, r.Digest);
    }

    [Fact]
    public void ManifestReference_TagAndDigest_DigestWins()
    {
        var r = ImageReference.Parse("host:5000/app:1.0@" + Digest);
        Assert.Equal(Digest, r.ManifestReference);
        Assert.Equal("host:5000/app:1.0", r.FamiliarTag);
    }

    [Theory]
    [InlineData("alpine", "alpine", "alpine:latest")]
    [InlineData("user/app:v1", "user/app", "user/app:v1")]
    [InlineData("localhost:5000/app:dev", "localhost:5000/app", "localhost:5000/app:dev")]
    public void FamiliarNames_AsDockerShowsThem(string text, string repository, string tag)
    {
        var r = ImageReference.Parse(text);
        Assert.Equal(repository, r.FamiliarRepository);
        Assert.Equal(tag, r.FamiliarTag);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Alpine")]
    [InlineData("host:5000/App")]
    [InlineData("alpine:")]
    [InlineData("alpine:-bad")]
    [InlineData("alpine@sha256:1234")]
    [InlineData("alpine@md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("alpine@sha256:4B7CE07A4A8E9A35B1E9AB7E5D0D8E7A2C7C8ED1B5C8E0A1F2D3C4B5A6978877")]
    [InlineData("a b")]
    [InlineData("host:5000/../etc")]
    [InlineData("host:5000//app")]
    [InlineData("bad_host.io:5000/app")]
    [InlineData("app/")]
    [InlineData("app\n")]
    public void Parse_InvalidReference_ThrowsScanException(string text)
    {
        var ex = Assert.ThrowsAny<ScanException>(() => ImageReference.Parse(text));
        Assert.DoesNotContain('\n', ex.Message);
    }
}
