using System.Text;
using System.Text.Json;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Inventory.Languages.Java;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

public sealed class JavaGradleTests
{
    [Fact]
    public void Parse_OsvScannerGradleFixtures_GiveExpectedPackages()
    {
        var cases = OsvLockfileFixtures.Cases("parse-gradle-lock_test.go");
        foreach (var c in cases)
        {
            if (c.ExpectError == "is:fs.ErrNotExist")
            {
                Assert.False(File.Exists(c.FullPath), c.Test);
                continue;
            }
            Assert.Null(c.ExpectError);
            var packages = GradleLockfile.Parse(File.ReadAllBytes(c.FullPath), out var badLines);
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
            Assert.All(packages, p => Assert.Equal("Maven", p.Ecosystem));
            // with-bad-pkg: ">>>", "////", "a", "b" are not coordinates (the "empty=======" line is Gradle's empty list).
            Assert.Equal(c.Fixture.EndsWith("with-bad-pkg", StringComparison.Ordinal) ? [3, 4, 9, 10] : (int[])[], badLines);
        }
        Assert.Equal(6, cases.Count);
    }

    [Fact]
    public void IsApplicable_OsvScannerShouldExtractTable()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedData.Require(OsvLockfileFixtures.Folder), "expected-should-extract.json")));
        var analyzer = new GradleLockAnalyzer();
        var rows = doc.RootElement.GetProperty("GradleLockExtractor").EnumerateArray().ToList();
        foreach (var row in rows)
        {
            var path = row.GetProperty("path").GetString()!;
            Assert.True(row.GetProperty("want").GetBoolean() == analyzer.IsApplicable(path), path);
        }
        Assert.True(rows.Count >= 10);
    }

    [Fact]
    public async Task Analyze_LockfileWithTestOnlyModules_MarksThemDevAndWarnsOnBadLines()
    {
        const string Lockfile = """
            # This is a Gradle generated file for dependency locking.
            # Manual edits can break the build and are not advised.
            # This file is expected to be part of source control.
            com.fasterxml.jackson.core:jackson-databind:2.13.4.2=compileClasspath,runtimeClasspath,testCompileClasspath,testRuntimeClasspath
            junit:junit:4.13.2=testCompileClasspath,testRuntimeClasspath
            org.hamcrest:hamcrest-core:1.3=testCompileClasspath,testRuntimeClasspath
            not a coordinate
            empty=annotationProcessor,testAnnotationProcessor
            """;
        var root = Directory.CreateTempSubdirectory("seawall-gradle-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "gradle.lockfile"), Lockfile.Replace("\n", "\r\n", StringComparison.Ordinal), Encoding.UTF8);
            var sink = await new AnalyzerHost([new GradleLockAnalyzer()]).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);
            var result = Assert.Single(sink.Results);
            Assert.Equal(("gradle.lockfile", "gradle"), (result.Target, result.Type));
            Assert.Equal(["com.fasterxml.jackson.core:jackson-databind@2.13.4.2 False", "junit:junit@4.13.2 True", "org.hamcrest:hamcrest-core@1.3 True"],
                result.Packages.Select(p => $"{p.Name}@{p.Version} {p.Dev}"));
            Assert.Equal(["gradle.lockfile: line 7 is not group:artifact:version=configurations; skipped"], sink.Warnings);
            Assert.Equal(PackageSources.Lockfiles, ((IAnalyzer)new GradleLockAnalyzer()).Sources);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
