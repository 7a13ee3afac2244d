using System.Text;
using Seawall.Artifacts.Registry;
using Seawall.Core.Errors;

namespace Seawall.Tests.Artifacts.Registry;

public sealed class DockerConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seawall-dockercfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private DockerConfig Write(string json)
    {
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, json);
        return DockerConfig.Load(path)!;
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Find_AuthField_DecodesUserAndPassword()
    {
        var config = Write("{\"auths\":{\"registry.example.com:5000\":{\"auth\":\"" + B64("alice:pa:ss") + "\"}}}");
        var c = config.Find("registry.example.com:5000");
        Assert.NotNull(c);
        Assert.Equal("alice", c.Username);
        Assert.Equal("pa:ss", c.Password);
    }

    [Fact]
    public void Find_UsernamePasswordFields_AndSchemeAndPathInKey()
    {
        var config = Write("""{"auths":{"https://registry.example.com/v2/":{"username":"bob","password":"pw"}}}""");
        var c = config.Find("registry.example.com");
        Assert.Equal("bob", c!.Username);
        Assert.Equal("pw", c.Password);
        Assert.Null(config.Find("other.example.com"));
    }

    [Fact]
    public void Find_DockerHubLegacyKey_MatchesRegistryHost()
    {
        var config = Write("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + B64("hubuser:token") + "\"}}}");
        Assert.Equal("hubuser", config.Find(ImageReference.DockerHubRegistry)!.Username);
    }

    [Fact]
    public void HelperFor_CredHelpersThenCredsStore()
    {
        var config = Write("""{"auths":{"a.io":{}},"credHelpers":{"gcr.io":"gcloud"},"credsStore":"desktop"}""");
        Assert.Null(config.Find("a.io"));
        Assert.Equal("gcloud", config.HelperFor("gcr.io"));
        Assert.Equal("desktop", config.HelperFor("a.io"));
    }

    [Fact]
    public void ToString_NeverShowsThePassword()
    {
        var config = Write("{\"auths\":{\"r.io\":{\"auth\":\"" + B64("u:topsecret") + "\"}}}");
        Assert.DoesNotContain("topsecret", config.Find("r.io")!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void Load_Invalid_ThrowsScanException(string json)
    {
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, json);
        Assert.ThrowsAny<ScanException>(() => DockerConfig.Load(path));
    }

    [Fact]
    public void Find_BadBase64_ThrowsScanException()
    {
        var config = Write("""{"auths":{"r.io":{"auth":"%%%"}}}""");
        Assert.ThrowsAny<ScanException>(() => config.Find("r.io"));
    }

    [Fact]
    public void Load_Missing_ReturnsNull() => Assert.Null(DockerConfig.Load(Path.Combine(_dir, "absent.json")));
}
