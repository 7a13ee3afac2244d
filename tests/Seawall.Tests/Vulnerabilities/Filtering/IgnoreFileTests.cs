using Seawall.Core.Errors;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Filtering;

namespace Seawall.Tests.Vulnerabilities.Filtering;

public sealed class IgnoreFileTests
{
    private const string Text = """
        # Accepted until the base image moves to trixie
        CVE-2011-3374
        CVE-2023-45853 exp:2026-01-31    # minizip is not shipped in zlib1g

        GHSA-5crp-9r3c-p9vr pkg:nuget/Newtonsoft.Json@12.0.1
        CVE-2024-24790 pkg:golang/stdlib path:usr/sbin/dockerd path:usr/bin/containerd  # netip Is* not used for ACLs
        CVE-2023-4911	path:**/var/lib/dpkg/status
        CVE-2020-8203 pkg:npm/lodash#lib/merge.js
        """;

    [Fact]
    public void ParseText_EveryForm_ReadsIdScopesExpiryAndReason()
    {
        var rules = IgnoreFile.ParseText(Text.ReplaceLineEndings("\r\n"), ".seawallignore");
        Assert.Equal(["CVE-2011-3374", "CVE-2023-45853", "GHSA-5crp-9r3c-p9vr", "CVE-2024-24790", "CVE-2023-4911", "CVE-2020-8203"], rules.Select(r => r.Id));
        Assert.Equal(".seawallignore:2", rules[0].Source);
        Assert.Null(rules[0].Statement);
        Assert.Empty(rules[0].Purls);

        Assert.Equal(new DateOnly(2026, 1, 31), rules[1].ExpiresOn);
        Assert.Equal("minizip is not shipped in zlib1g", rules[1].Statement);
        Assert.Equal(".seawallignore:3", rules[1].Source);

        Assert.Equal("12.0.1", Assert.Single(rules[2].Purls).Version);
        Assert.Equal(["usr/sbin/dockerd", "usr/bin/containerd"], rules[3].Paths);
        Assert.Equal("netip Is* not used for ACLs", rules[3].Statement);
        Assert.Equal(["**/var/lib/dpkg/status"], rules[4].Paths);
        // A '#' inside a purl is its subpath, not a comment.
        Assert.Equal("lodash", Assert.Single(rules[5].Purls).Name);
        Assert.Null(rules[5].Statement);
    }

    [Theory]
    [InlineData("CVE-2024-24790 exp:2026-13-01", ".seawallignore:1: expiry '2026-13-01' is not a date YYYY-MM-DD")]
    [InlineData("# header\nCVE-2024-24790 until:2026-01-01", ".seawallignore:2: unknown 'until:2026-01-01' after the id (expected exp:YYYY-MM-DD, pkg:PURL or path:GLOB)")]
    [InlineData("CVE-2024-24790 pkg:golang", ".seawallignore:1: 'pkg:golang' is not a package URL (pkg:type/namespace/name@version)")]
    public void ParseText_Mistake_NamesTheLine(string text, string message)
    {
        var ex = Assert.Throws<ScanException>(() => IgnoreFile.ParseText(text, ".seawallignore"));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void ParseYaml_TrivyForm_ReadsEveryKey()
    {
        const string yaml = """
            vulnerabilities:
              - id: CVE-2024-24790
                paths:
                  - "usr/sbin/dockerd"
                purls: ["pkg:golang/stdlib"]
                statement: netip Is* results are not used for access control
                expired_at: 2026-06-30
              - id: GHSA-5crp-9r3c-p9vr
            misconfigurations:
              - id: AVD-DS-0002
            """;
        var rules = IgnoreFile.ParseYaml(yaml, "ignore.yaml");
        Assert.Equal(2, rules.Count);
        Assert.Equal("CVE-2024-24790", rules[0].Id);
        Assert.Equal(["usr/sbin/dockerd"], rules[0].Paths);
        Assert.Equal("stdlib", Assert.Single(rules[0].Purls).Name);
        Assert.Equal("netip Is* results are not used for access control", rules[0].Statement);
        Assert.Equal(new DateOnly(2026, 6, 30), rules[0].ExpiresOn);
        Assert.Equal("ignore.yaml:2", rules[0].Source);
        Assert.Equal("GHSA-5crp-9r3c-p9vr", rules[1].Id);
    }

    [Theory]
    [InlineData("vulnerabilities:\n  - id: CVE-2024-24790\n    expires_at: 2026-01-01\n", "unknown key 'expires_at'")]
    [InlineData("vulnerabilities:\n  - paths: [a]\n", "entry without an 'id'")]
    [InlineData("vulns:\n  - id: CVE-2024-24790\n", "unknown section 'vulns'")]
    [InlineData("vulnerabilities: CVE-2024-24790\n", "'vulnerabilities' must be a list")]
    [InlineData("vulnerabilities:\n  - id: [CVE\n", "not valid YAML")]
    public void ParseYaml_Mistake_IsAnError(string yaml, string expected)
    {
        var ex = Assert.Throws<ScanException>(() => IgnoreFile.ParseYaml(yaml, "ignore.yaml"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("ignore.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ByExtension_PicksTheFormAndCapsTheSize()
    {
        using var dir = new TempDir();
        var text = Path.Combine(dir.Path, ".seawallignore");
        File.WriteAllText(text, "CVE-2024-24790\n");
        var yaml = Path.Combine(dir.Path, "ignore.yml");
        File.WriteAllText(yaml, "vulnerabilities:\n  - id: CVE-2024-24790\n");
        Assert.Equal("CVE-2024-24790", Assert.Single(IgnoreFile.Load(text)).Id);
        Assert.Equal("CVE-2024-24790", Assert.Single(IgnoreFile.Load(yaml)).Id);

        var huge = Path.Combine(dir.Path, "huge");
        using (var f = File.Create(huge))
        {
            f.SetLength(IgnoreFile.MaxBytes + 1);
        }
        Assert.Throws<LimitExceededException>(() => IgnoreFile.Load(huge));
        Assert.Contains("not found", Assert.Throws<ScanException>(() => IgnoreFile.Load(Path.Combine(dir.Path, "missing"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsExpired_FromMidnightUtcOfTheDate()
    {
        var rule = new IgnoreRule("CVE-2023-45853", "x:1") { ExpiresOn = new DateOnly(2026, 1, 31) };
        Assert.False(rule.IsExpired(new DateTimeOffset(2026, 1, 30, 23, 59, 59, TimeSpan.Zero)));
        Assert.True(rule.IsExpired(new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.Zero)));
        Assert.False(new IgnoreRule("CVE-2023-45853", "x:1").IsExpired(DateTimeOffset.MaxValue));
    }
}
