using Seawall.Vulnerabilities.Filtering;

namespace Seawall.Tests.Vulnerabilities.Filtering;

public sealed class PurlPatternTests
{
    [Theory]
    [InlineData("pkg:nuget/Newtonsoft.Json@12.0.1", "nuget", null, "Newtonsoft.Json", "12.0.1")]
    [InlineData("pkg:npm/%40babel/core@7.24.0", "npm", "@babel", "core", "7.24.0")]
    [InlineData("pkg:npm/@babel/core@7.24.0", "npm", "@babel", "core", "7.24.0")]
    [InlineData("pkg:golang/github.com/opencontainers/runc@v1.1.12", "golang", "github.com/opencontainers", "runc", "v1.1.12")]
    [InlineData("pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12.1", "deb", "debian", "libc6", "2.36-9+deb12u1")]
    [InlineData("pkg:maven/org.apache.logging.log4j/log4j-core", "maven", "org.apache.logging.log4j", "log4j-core", null)]
    [InlineData("pkg:oci/app@sha256%3Aabc?repository_url=registry.example/team/app", "oci", null, "app", "sha256:abc")]
    public void TryParse_RealPurls_SplitsEveryPart(string text, string type, string? ns, string name, string? version)
    {
        Assert.True(PurlPattern.TryParse(text, out var purl));
        Assert.Equal(type, purl.Type);
        Assert.Equal(ns, purl.Namespace);
        Assert.Equal(name, purl.Name);
        Assert.Equal(version, purl.Version);
    }

    [Theory]
    [InlineData("CVE-2024-24790")]
    [InlineData("pkg:nuget")]
    [InlineData("pkg:/x")]
    [InlineData("pkg:npm/lodash@1?arch")]
    [InlineData("")]
    public void TryParse_NotAPurl_IsFalse(string text) => Assert.False(PurlPattern.TryParse(text, out _));

    [Theory]
    [InlineData("pkg:npm/lodash", "pkg:npm/lodash@4.17.11", true)]
    [InlineData("pkg:npm/lodash@4.17.11", "pkg:npm/lodash@4.17.11", true)]
    [InlineData("pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.11", false)]
    [InlineData("pkg:npm/lodash", "pkg:npm/lodash.merge@4.6.2", false)]
    [InlineData("pkg:nuget/newtonsoft.json@12.0.1", "pkg:nuget/Newtonsoft.Json@12.0.1", true)]
    [InlineData("pkg:pypi/lodash", "pkg:npm/lodash@4.17.11", false)]
    [InlineData("pkg:deb/debian/libc6?distro=debian-12.1", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12.1", true)]
    [InlineData("pkg:deb/debian/libc6?distro=debian-11", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12.1", false)]
    [InlineData("pkg:deb/debian/libc6@2.36-9+deb12u1", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64", true)]
    [InlineData("pkg:deb/ubuntu/libc6", "pkg:deb/debian/libc6@2.36-9?arch=amd64", false)]
    [InlineData("pkg:golang/stdlib", "pkg:golang/stdlib@v1.22.3", true)]
    public void Matches_PatternAgainstPackage(string pattern, string package, bool expected)
    {
        Assert.True(PurlPattern.TryParse(pattern, out var p));
        Assert.Equal(expected, p.Matches(package));
    }
}
