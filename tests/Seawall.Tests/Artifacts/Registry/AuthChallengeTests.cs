using Seawall.Artifacts.Registry;

namespace Seawall.Tests.Artifacts.Registry;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Parse_DockerHubBearerChallenge_ReadsRealmServiceScope()
    {
        var c = Assert.Single(AuthChallenge.Parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\""));
        Assert.True(c.IsBearer);
        Assert.Equal("https://auth.docker.io/token", c.Realm);
        Assert.Equal("registry.docker.io", c.Service);
        Assert.Equal("repository:library/alpine:pull", c.Scope);
    }

    [Fact]
    public void Parse_ScopeWithCommaInsideQuotes_KeepsItWhole()
    {
        var c = Assert.Single(AuthChallenge.Parse("Bearer realm=\"https://r/token\", scope=\"repository:a/b:pull,push\", error=\"insufficient_scope\""));
        Assert.Equal("repository:a/b:pull,push", c.Scope);
        Assert.Equal("insufficient_scope", c.Parameters["error"]);
    }

    [Fact]
    public void Parse_BasicChallenge_IsBasic()
    {
        var c = Assert.Single(AuthChallenge.Parse("Basic realm=\"seawall-test\""));
        Assert.True(c.IsBasic);
        Assert.Equal("seawall-test", c.Realm);
    }

    [Fact]
    public void Parse_TwoChallengesInOneHeader_ReturnsBoth()
    {
        var list = AuthChallenge.Parse("Basic realm=\"x\", Bearer realm=\"https://t/token\",service=s");
        Assert.Equal(2, list.Count);
        Assert.True(list[0].IsBasic);
        Assert.True(list[1].IsBearer);
        Assert.Equal("s", list[1].Service);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"")]
    [InlineData("=,=,\"")]
    [InlineData("Bearer realm=\"unterminated")]
    public void Parse_Malformed_DoesNotThrowOrLoop(string header)
    {
        var list = AuthChallenge.Parse(header);
        Assert.True(list.Count <= 1);
    }

    [Fact]
    public void Parse_EscapedQuote_Unescapes()
    {
        var c = Assert.Single(AuthChallenge.Parse("Bearer realm=\"a\\\"b\""));
        Assert.Equal("a\"b", c.Realm);
    }
}
