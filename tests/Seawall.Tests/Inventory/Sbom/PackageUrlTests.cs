using Seawall.Core.Model;
using Seawall.Inventory.Purl;

namespace Seawall.Tests.Inventory.Sbom;

public sealed class PackageUrlTests
{
    [Theory]
    // Trivy: '+' bare, qualifiers in its own order.
    [InlineData("pkg:deb/debian/bash@5.2.15-2+b13?arch=amd64&distro=debian-12.15", "deb", "debian", "bash", "5.2.15-2+b13", "arch=amd64,distro=debian-12.15")]
    // Syft: the epoch inside the version, the source package in "upstream".
    [InlineData("pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3?arch=amd64&upstream=util-linux%402.38.1-5&distro=debian-12", "deb", "debian", "bsdutils", "1:2.38.1-5+deb12u3", "arch=amd64,distro=debian-12,upstream=util-linux@2.38.1-5")]
    // Seawall: '+' encoded.
    [InlineData("pkg:apk/alpine/libssl3@3.1.0-r4?arch=x86_64&distro=3.18.0", "apk", "alpine", "libssl3", "3.1.0-r4", "arch=x86_64,distro=3.18.0")]
    [InlineData("pkg:npm/%40babel/code-frame@7.0.0", "npm", "@babel", "code-frame", "7.0.0", "")]
    // A bare '@' in a scope is not a version separator.
    [InlineData("pkg:npm/@babel/core", "npm", "@babel", "core", null, "")]
    [InlineData("pkg:npm/@babel/core@7.1.0", "npm", "@babel", "core", "7.1.0", "")]
    [InlineData("pkg:golang/github.com/BurntSushi/toml@v1.0.0", "golang", "github.com/BurntSushi", "toml", "v1.0.0", "")]
    [InlineData("pkg:maven/io.netty/netty-all@4.1.42.Final?type=jar&classifier=", "maven", "io.netty", "netty-all", "4.1.42.Final", "type=jar")]
    [InlineData("PKG:NPM/lodash@4.17.21", "npm", null, "lodash", "4.17.21", "")]
    [InlineData("pkg://cargo/syn@1.0.73", "cargo", null, "syn", "1.0.73", "")]
    [InlineData("pkg:rpm/amazon/gdbm-libs@1.19-2.amzn2023.0.2?arch=x86_64&epoch=1&distro=amazon-2023%20%28Amazon%20Linux%29", "rpm", "amazon", "gdbm-libs", "1.19-2.amzn2023.0.2", "arch=x86_64,distro=amazon-2023 (Amazon Linux),epoch=1")]
    public void TryParse_RealPurls_SplitAndDecoded(string text, string type, string? ns, string name, string? version, string qualifiers)
    {
        Assert.True(PackageUrl.TryParse(text, out var purl, out var error), error);
        Assert.Equal((type, ns, name, version), (purl.Type, purl.Namespace, purl.Name, purl.Version));
        Assert.Equal(qualifiers, string.Join(",", purl.Qualifiers.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => q.Key + "=" + q.Value)));
    }

    [Fact]
    public void TryParse_Subpath_KeptApart()
    {
        Assert.True(PackageUrl.TryParse("pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations", out var purl, out _));
        Assert.Equal(("google.golang.org", "genproto", "abcdedf", "googleapis/api/annotations"), (purl.Namespace, purl.Name, purl.Version, purl.Subpath));
    }

    [Theory]
    [InlineData("", "empty purl")]
    [InlineData("npm/lodash@1", "does not start with pkg:")]
    [InlineData("pkg:", "no type/name")]
    [InlineData("pkg:lodash", "no type/name")]
    [InlineData("pkg:npm/", "no type/name")]
    [InlineData("pkg:npm/@1.0", "no name")]
    [InlineData("pkg:1npm/lodash", "invalid type")]
    [InlineData("pkg:n%20pm/lodash", "invalid type")]
    public void TryParse_NotAPurl_FalseWithReason(string text, string reason)
    {
        Assert.False(PackageUrl.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_HugePurl_Refused()
    {
        Assert.False(PackageUrl.TryParse("pkg:npm/" + new string('a', PackageUrl.MaxLength), out _, out var error));
        Assert.Contains("longer than", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("npm", "@babel/code-frame", "7.0.0")]
    [InlineData("npm", "lodash", "4.17.21")]
    [InlineData("Go", "github.com/BurntSushi/toml", "v1.0.0")]
    [InlineData("Go", "stdlib", "v1.22.5")]
    [InlineData("Maven", "io.netty:netty-all", "4.1.42.Final")]
    [InlineData("PyPI", "requests", "2.31.0")]
    [InlineData("Packagist", "sentry/sdk", "2.0.4")]
    [InlineData("NuGet", "Newtonsoft.Json", "12.0.1")]
    [InlineData("crates.io", "syn", "1.0.73")]
    [InlineData("RubyGems", "method_source", "1.0.0")]
    public void NameOf_SeawallsOwnPurl_GivesBackTheAnalyzersName(string ecosystem, string name, string version)
    {
        // The reverse of LanguagePurls: every ecosystem Seawall writes purls for reads back to the same package.
        Assert.True(PackageUrl.TryParse(LanguagePurls.For(ecosystem, name, version), out var purl, out _));
        Assert.Equal(ecosystem, PurlPackages.EcosystemOf(purl.Type));
        Assert.Equal(name, PurlPackages.NameOf(purl, ecosystem, written: null));
        Assert.Equal(version, PurlPackages.VersionOf(ecosystem, purl.Version));
    }

    [Theory]
    // Trivy lower-cases Go module paths and drops the "v"; the component's own name keeps the case.
    [InlineData("pkg:golang/github.com/burntsushi/toml@1.0.0", "github.com/BurntSushi/toml", "Go", "github.com/BurntSushi/toml", "v1.0.0")]
    [InlineData("pkg:golang/stdlib@1.22.5", "stdlib", "Go", "stdlib", "v1.22.5")]
    [InlineData("pkg:golang/example.com/tool@(devel)", "example.com/tool", "Go", "example.com/tool", "")]
    // PyPI purls are normalised (PEP 503); the name as the package spells it is kept when it is the same package.
    [InlineData("pkg:pypi/pyyaml@6.0.1", "PyYAML", "PyPI", "PyYAML", "6.0.1")]
    [InlineData("pkg:pypi/requests@2.31.0", "something-else", "PyPI", "requests", "2.31.0")]
    // Syft names a Maven component by its artifactId alone: the purl's group makes it group:artifact.
    [InlineData("pkg:maven/io.netty/netty-all@4.1.42.Final", "netty-all", "Maven", "io.netty:netty-all", "4.1.42.Final")]
    [InlineData("pkg:dart/shelf@1.3.2", "shelf", "Pub", "shelf", "1.3.2")]
    [InlineData("pkg:pub/shelf@1.3.2", "shelf", "Pub", "shelf", "1.3.2")]
    [InlineData("pkg:hex/acme/plug@1.11.1", "plug", "Hex", "plug", "1.11.1")]
    [InlineData("pkg:github/actions/checkout@v4", "checkout", "GitHub Actions", "actions/checkout", "v4")]
    [InlineData("pkg:swift/github.com/apple/swift-nio@2.0.0", "swift-nio", "SwiftURL", "github.com/apple/swift-nio", "2.0.0")]
    public void NameOf_OtherProducersPurls_NamedAsTheAnalyzersName(string text, string written, string ecosystem, string name, string version)
    {
        Assert.True(PackageUrl.TryParse(text, out var purl, out _));
        Assert.Equal(ecosystem, PurlPackages.EcosystemOf(purl.Type));
        Assert.Equal(name, PurlPackages.NameOf(purl, ecosystem, written));
        Assert.Equal(version, PurlPackages.VersionOf(ecosystem, purl.Version));
    }

    [Theory]
    [InlineData("deb", "dpkg")]
    [InlineData("apk", "apk")]
    [InlineData("rpm", "rpm")]
    [InlineData("generic", null)]
    [InlineData("npm", null)]
    public void OsPackageTypeOf_PurlType_AnalyzerType(string purlType, string? expected) =>
        Assert.Equal(expected, PurlPackages.OsPackageTypeOf(purlType));
}
