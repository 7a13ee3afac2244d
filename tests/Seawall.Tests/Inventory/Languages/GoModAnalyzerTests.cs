using System.Text;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.Inventory.Languages.Go;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

public sealed class GoModAnalyzerTests
{
    [Fact]
    public async Task Analyze_EveryOsvScannerGoModCase_GivesTheExpectedPackages()
    {
        var cases = OsvLockfileFixtures.Cases("parse-go-lock_test.go");
        foreach (var c in cases)
        {
            if (c.ExpectError == "is:fs.ErrNotExist")
            {
                // A missing file never reaches an analyzer: the host only hands over files the tree holds.
                Assert.False(File.Exists(c.FullPath), c.Test);
                continue;
            }
            var sink = await Analyze("go.mod", File.ReadAllBytes(c.FullPath));
            if (c.ExpectError is not null)
            {
                Assert.Empty(sink.Results);
                var warning = Assert.Single(sink.Warnings);
                Assert.StartsWith("go.mod: not a valid go.mod (line 1: unknown directive 'this')", warning);
                continue;
            }
            var packages = sink.Results.SelectMany(r => r.Packages).ToList();
            Assert.All(packages, p => Assert.Equal("Go", p.Ecosystem));
            Assert.All(c.Packages, p => Assert.Equal("Go", p.Ecosystem));
            // Seawall keeps Go's "v" prefix (as the go command, Trivy and purls write versions); osv-scanner drops it.
            Assert.All(packages.Where(p => p.Version.Length > 0), p => Assert.StartsWith("v", p.Version));
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version.TrimStart('v'))));
        }
        Assert.Equal(12, cases.Count);
    }

    [Fact]
    public async Task Analyze_IndirectComment_MarksTransitiveAndToolchainGivesStdlib()
    {
        var text = """
            module example.com/app

            go 1.22

            toolchain go1.22.5-custom

            require (
            	github.com/a/direct v1.0.0
            	github.com/b/transitive v0.2.0 // indirect
            	"github.com/c/quoted" v1.1.0 // indirect; comment
            )

            require github.com/d/single v2.0.0+incompatible // not indirect

            exclude github.com/a/direct v0.9.0

            replace github.com/d/single => ../local/single
            """;
        var sink = await Analyze("src/go.mod", Encoding.UTF8.GetBytes(text));
        var result = Assert.Single(sink.Results);
        Assert.Equal("gomod", result.Type);
        Assert.Equal("src/go.mod", result.Target);
        Assert.Equal(ResultClass.LangPackages, result.Class);
        var byName = result.Packages.ToDictionary(p => p.Name);
        Assert.Equal(["../local/single", "github.com/a/direct", "github.com/b/transitive", "github.com/c/quoted", "stdlib"], byName.Keys.Order(StringComparer.Ordinal));
        Assert.True(byName["github.com/a/direct"].Direct);
        Assert.False(byName["github.com/b/transitive"].Direct);
        Assert.False(byName["github.com/c/quoted"].Direct);
        Assert.Equal("", byName["../local/single"].Version);
        Assert.Equal("v1.22.5", byName["stdlib"].Version);
        Assert.All(result.Packages, p => Assert.Equal("src/go.mod", p.FilePath));
        Assert.DoesNotContain(result.Packages, p => p.Name == "example.com/app");
    }

    [Theory]
    [InlineData("require (\n\tgithub.com/a/b v1.0.0\n", "require block opened but never closed")]
    [InlineData("require github.com/a/b\n", "line 1: usage: require module/path v1.2.3")]
    [InlineData("module \"unterminated\n", "line 1: unterminated quoted string")]
    [InlineData("replace a => \n", "line 1: usage: replace")]
    public async Task Analyze_MalformedGoMod_WarnsWithTheLine(string text, string expected)
    {
        var sink = await Analyze("go.mod", Encoding.UTF8.GetBytes(text));
        Assert.Empty(sink.Results);
        Assert.Contains(expected, Assert.Single(sink.Warnings));
    }

    [Theory]
    [InlineData("go.mod", true)]
    [InlineData("path/to/my/go.mod", true)]
    [InlineData("path/to/my/go.mod/file", false)]
    [InlineData("path/to/my/go.mod.file", false)]
    [InlineData("path.to.my.go.mod", false)]
    [InlineData("", false)]
    public void IsApplicable_OsvScannerTable(string path, bool expected) => Assert.Equal(expected, new GoModAnalyzer().IsApplicable(path));

    internal static async Task<AnalysisSink> Analyze(string path, byte[] content, IAnalyzer? analyzer = null)
    {
        analyzer ??= new GoModAnalyzer();
        var sink = new AnalysisSink();
        var node = new FileNode(path, FileKind.Regular, content.Length, 0x1A4, null, null);
        await analyzer.AnalyzeAsync(new AnalyzerInput([new AnalyzerFile(path, node, content)], EmptyTree.Instance), sink, CancellationToken.None);
        return sink;
    }
}

/// <summary>A tree with nothing in it, for analyzers handed their files directly.</summary>
internal sealed class EmptyTree : IFileTree
{
    public static readonly EmptyTree Instance = new();

    public IEnumerable<FileNode> Nodes => [];

    public IReadOnlyList<FileNode> DeletedNodes => [];

    public IReadOnlyList<string> Warnings => [];

    public FileNode? Lookup(string path) => null;

    public FileNode? Resolve(string path) => null;

    public bool HasContent(FileNode node) => false;

    public ValueTask<byte[]?> ReadAllBytesAsync(FileNode node, long maxBytes, CancellationToken cancellationToken) => ValueTask.FromResult<byte[]?>(null);
}
