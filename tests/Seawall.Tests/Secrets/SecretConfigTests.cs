using System.Text;
using Seawall.Core.Errors;
using Seawall.Secrets.Config;
using Seawall.Secrets.Engine;

namespace Seawall.Tests.Secrets;

/// <summary>The YAML config: custom rules (Go named groups accepted), disabled rules, allow rules, and clear errors.</summary>
public sealed class SecretConfigTests
{
    private static IReadOnlyList<SecretHit> Scan(string config, string path, string text) =>
        new SecretScanner(SecretConfig.Parse(config, "test.yaml")).Scan(path, Encoding.UTF8.GetBytes(text)).Hits;

    [Fact]
    public void Parse_CustomRule_Fires()
    {
        const string config = """
            rules:
              - id: internal-token
                category: Internal
                title: Internal service token
                severity: critical
                keywords: [itok_]
                regex: (?P<key>token)\s*=\s*(?P<secret>itok_[a-z0-9]{24})
                secret-group-name: secret
            """;
        var hit = Assert.Single(Scan(config, "app/x.conf", "token = itok_q7x2m9k4p8w3z6v1n5b0c3d7\n"));
        Assert.Equal("internal-token", hit.RuleId);
        Assert.Equal(9, hit.Column);
    }

    [Fact]
    public void Parse_DisableRules_RuleSilent()
    {
        var text = "GH=ghp_B7kq9Zr2Xw4Lm8Np3Vt6Yc1Hd5Fs0JgQw8eR\n";
        Assert.Single(Scan(string.Empty, "app/x", text));
        Assert.Empty(Scan("disable-rules: [github-pat, generic-token]", "app/x", text));
    }

    [Fact]
    public void Parse_AllowRuleByRegex_MatchDropped()
    {
        var text = "GH=ghp_B7kq9Zr2Xw4Lm8Np3Vt6Yc1Hd5Fs0JgQw8eR\n";
        Assert.Empty(Scan("allow-rules:\n  - id: known\n    regex: ghp_B7kq9", "app/x", text));
    }

    [Fact]
    public void Parse_DisableAllowRules_SystemDirsScanned()
    {
        var text = "GH=ghp_B7kq9Zr2Xw4Lm8Np3Vt6Yc1Hd5Fs0JgQw8eR\n";
        Assert.False(SecretConfig.Default().ScansPath("usr/share/app/x"));
        Assert.True(SecretConfig.Parse("disable-allow-rules: [usr-dirs]", "t").ScansPath("usr/share/app/x"));
        Assert.Single(Scan("disable-allow-rules: [usr-dirs]", "usr/share/app/x", text));
    }

    [Theory]
    [InlineData("rules: [ { id: x } ]", "'regex' is required")]
    [InlineData("rules:\n  - id: x\n    regex: '('", "invalid regex")]
    [InlineData("disable-rules: [no-such-rule]", "no rule 'no-such-rule'")]
    [InlineData("disable-allow-rules: [nope]", "no built-in allow rule 'nope'")]
    [InlineData("colour: blue", "unknown key 'colour'")]
    [InlineData("rules: [", "not valid YAML")]
    public void Parse_BadConfig_OneLineScanException(string config, string expected)
    {
        var ex = Assert.ThrowsAny<ScanException>(() => SecretConfig.Parse(config, "bad.yaml"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
