using Seawall.Core.FileTree;

namespace Seawall.Tests.Core;

public sealed class TreePathNormalizeTests
{
    [Theory]
    [InlineData("etc/passwd", "etc/passwd")]
    [InlineData("/etc/passwd", "etc/passwd")]
    [InlineData("./etc/passwd", "etc/passwd")]
    [InlineData("etc//passwd", "etc/passwd")]
    [InlineData("etc/./passwd", "etc/passwd")]
    [InlineData("etc/", "etc")]
    [InlineData("/etc/ssh/", "etc/ssh")]
    [InlineData("usr/lib/../bin/ls", "usr/bin/ls")]
    [InlineData("a/b/..", "a")]
    [InlineData("...", "...")]
    [InlineData("..a/b", "..a/b")]
    [InlineData("a/.b/c.", "a/.b/c.")]
    [InlineData("/", "")]
    [InlineData("./", "")]
    [InlineData(".", "")]
    public void Normalize_CleansNames(string name, string expected) => Assert.Equal(expected, TreePath.Normalize(name));

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("/../etc/passwd")]
    [InlineData("a/../../etc/passwd")]
    [InlineData("..")]
    [InlineData("a/b\0c")]
    [InlineData("")]
    public void Normalize_RefusesNamesLeavingTheRoot(string name) => Assert.Null(TreePath.Normalize(name));

    [Fact]
    public void Normalize_CleanName_ReturnsTheSameInstance()
    {
        // The fast path matters: a Debian image has ~100,000 owned-file lines.
        const string clean = "usr/share/doc/adduser/copyright";
        Assert.Same(clean, TreePath.Normalize(clean));
    }
}
