using Seawall.Vulnerabilities.Filtering;

namespace Seawall.Tests.Vulnerabilities.Filtering;

public sealed class PathGlobTests
{
    [Theory]
    [InlineData("usr/sbin/dockerd", "usr/sbin/dockerd", true)]
    [InlineData("/usr/sbin/dockerd", "usr/sbin/dockerd", true)]
    [InlineData("usr/sbin/*", "usr/sbin/dockerd", true)]
    [InlineData("usr/*", "usr/sbin/dockerd", false)]
    [InlineData("usr/**", "usr/sbin/dockerd", true)]
    [InlineData("**/package-lock.json", "app/web/package-lock.json", true)]
    [InlineData("**/package-lock.json", "package-lock.json", true)]
    [InlineData("app/**/node_modules/*/package.json", "app/node_modules/lodash/package.json", true)]
    [InlineData("app/**/node_modules/*/package.json", "app/x/y/node_modules/lodash/package.json", true)]
    [InlineData("app/**/node_modules/*/package.json", "app/node_modules/a/b/package.json", false)]
    [InlineData("usr/bin/docker?", "usr/bin/dockerd", true)]
    [InlineData("usr/bin/docker?", "usr/bin/docker", false)]
    [InlineData("usr/bin/dockerd", "usr/bin/dockerd-rootless", false)]
    public void IsMatch_Globs(string pattern, string path, bool expected) => Assert.Equal(expected, PathGlob.IsMatch(pattern, path));
}
