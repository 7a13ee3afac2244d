using Seawall.Artifacts.Engine;
using Seawall.Artifacts.Image;
using Seawall.Core.Errors;

namespace Seawall.Tests.Artifacts.Engine;

public sealed class DockerHostTests
{
    [Theory]
    [InlineData("unix:///var/run/docker.sock", "/var/run/docker.sock", "http://docker.sock/")]
    [InlineData("unix:///run/user/1000/docker.sock", "/run/user/1000/docker.sock", "http://docker.sock/")]
    [InlineData("tcp://127.0.0.1:2375", null, "http://127.0.0.1:2375/")]
    [InlineData("tcp://localhost", null, "http://localhost:2375/")]
    [InlineData("http://10.0.0.5:80", null, "http://10.0.0.5/")]
    [InlineData("TCP://[::1]:2375", null, "http://[::1]:2375/")]
    public void Parse_SupportedEndpoint_GivesSocketAndBaseAddress(string text, string? socket, string baseAddress)
    {
        var host = DockerHost.Parse(text);
        Assert.Equal(socket, host.SocketPath);
        Assert.Equal(baseAddress, host.BaseAddress.ToString());
        Assert.Equal(text, host.Text);
    }

    [Theory]
    [InlineData("unix://relative.sock", "absolute path")]
    [InlineData("unix://", "absolute path")]
    [InlineData("ssh://me@host", "not supported")]
    [InlineData("npipe:////./pipe/docker_engine", "not supported")]
    [InlineData("/var/run/docker.sock", "expected unix:///path")]
    [InlineData("tcp://host:2375/path", "expected tcp://HOST:PORT")]
    [InlineData("tcp://user@host:2375", "expected tcp://HOST:PORT")]
    [InlineData("tcp://host:2375?x=1", "expected tcp://HOST:PORT")]
    [InlineData("tcp://ho\nst:1", "expected tcp://HOST:PORT")]
    public void Parse_BadEndpoint_OneLineScanException(string text, string expected)
    {
        var ex = Assert.Throws<ScanException>(() => DockerHost.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("debian:12")]
    [InlineData("docker.io/library/debian:12")]
    [InlineData("localhost:5000/team/app@sha256:4b7ce07a4a8e9a35b1e9ab7e5d0d8e7a2c7c8ed1b5c8e0a1f2d3c4b5a6978877")]
    [InlineData("e51f96f8daba")]
    [InlineData("sha256:e51f96f8daba53047d9effb5b6d11d93c519d1e980ca1410d783d7195142b2ba")]
    public void ValidateReference_ImageReferencesAndIds_Pass(string reference)
    {
        EngineImageSource.ValidateReference(reference);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../../containers/json")]
    [InlineData("/images/x")]
    [InlineData("debian:12?force=1")]
    [InlineData("debian#x")]
    [InlineData("debian 12")]
    [InlineData("a//b")]
    [InlineData("deb%2e%2e")]
    public void ValidateReference_PathOrQueryTricks_Refused(string reference)
    {
        Assert.Throws<ScanException>(() => EngineImageSource.ValidateReference(reference));
    }

    [Theory]
    [InlineData(new[] { "docker,remote" }, new[] { ImageSourceKind.Docker, ImageSourceKind.Remote })]
    [InlineData(new[] { "remote" }, new[] { ImageSourceKind.Remote })]
    [InlineData(new[] { "remote", "docker" }, new[] { ImageSourceKind.Remote, ImageSourceKind.Docker })]
    [InlineData(new[] { " Docker , docker " }, new[] { ImageSourceKind.Docker })]
    [InlineData(new string[0], new[] { ImageSourceKind.Docker, ImageSourceKind.Remote })]
    public void ParseSources_List_KeepsOrderWithoutDuplicates(string[] values, ImageSourceKind[] expected)
    {
        Assert.Equal(expected, ImageSourceResolver.ParseSources(values));
    }

    [Theory]
    [InlineData("podman", "not supported yet")]
    [InlineData("floppy", "invalid --image-src")]
    public void ParseSources_Unknown_Throws(string value, string expected)
    {
        var ex = Assert.Throws<ScanException>(() => ImageSourceResolver.ParseSources([value]));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_AbsentSocketOnly_ThrowsUnavailableAsAbsent()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"seawall-no-{Guid.NewGuid():N}.sock");
        var options = new ImageResolveOptions { Sources = [ImageSourceKind.Docker], DockerHost = "unix://" + socket };
        var ex = await Assert.ThrowsAsync<EngineUnavailableException>(() => ImageSourceResolver.OpenAsync("debian:12", options, TestContext.Current.CancellationToken));
        Assert.True(ex.Absent);
        Assert.Contains(socket, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_SocketFileNobodyListensOn_IsAbsentAsRefused()
    {
        // A socket file nobody listens on (a daemon that died and left it): connect() is refused.
        var dir = Directory.CreateTempSubdirectory("seawall-test-");
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            var path = Path.Combine(dir.FullName, "stale.sock");
            bound.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            Assert.True(File.Exists(path));
            var options = new ImageResolveOptions { Sources = [ImageSourceKind.Docker], DockerHost = "unix://" + path };
            var ex = await Assert.ThrowsAsync<EngineUnavailableException>(() => ImageSourceResolver.OpenAsync("debian:12", options, TestContext.Current.CancellationToken));
            Assert.True(ex.Absent);
            Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
