using System.Text;
using System.Xml.Linq;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.Inventory.Languages.Java;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory.Languages;

public sealed class JavaPomTests
{
    private const string DebianMavenRepo = "/usr/share/maven-repo";

    [Fact]
    public void Parse_OsvScannerMavenFixtures_GiveExpectedPackages()
    {
        var cases = OsvLockfileFixtures.Cases("parse-maven-lock_test.go");
        foreach (var c in cases)
        {
            if (c.ExpectError == "is:fs.ErrNotExist")
            {
                // The analyzer host hands over only files that exist.
                Assert.False(File.Exists(c.FullPath), c.Test);
                continue;
            }
            if (c.ExpectError is not null)
            {
                // "could not extract from" (not XML) and "XML syntax error" (a malformed tag): both are invalid POMs, with the line.
                var ex = Assert.Throws<InvalidDataException>(() => PomFile.Parse(File.ReadAllBytes(c.FullPath)));
                Assert.Contains("(line ", ex.Message, StringComparison.Ordinal);
                continue;
            }
            var packages = PomResolver.Resolve(PomFile.Parse(File.ReadAllBytes(c.FullPath)), [], out var unresolved);
            Assert.Empty(unresolved);
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
            Assert.All(packages, p => Assert.Equal("Maven", p.Ecosystem));
            foreach (var expected in c.Packages)
            {
                // dep_groups ["test"] is the test scope, which Seawall marks Dev.
                Assert.Equal(expected.DepGroups.Contains("test"), packages.Single(p => p.Name == expected.Name).Dev);
            }
        }
        Assert.Equal(9, cases.Count);
    }

    [Fact]
    public void Resolve_DependencyManagement_ExplicitVersionWinsAndManagedOnlyEntriesAreNotDirect()
    {
        var path = Path.Combine(SharedData.Require(OsvLockfileFixtures.Folder), "fixtures/maven/with-dependency-management.xml");
        var packages = PomResolver.Resolve(PomFile.Parse(File.ReadAllBytes(path)), [], out _).ToDictionary(p => p.Name);
        Assert.Equal(("4.1.9", true), (packages["io.netty:netty-all"].Version, packages["io.netty:netty-all"].Direct));
        Assert.Equal(("3.0.2", (bool?)null), (packages["com.google.code.findbugs:jsr305"].Version, packages["com.google.code.findbugs:jsr305"].Direct));
    }

    [Fact]
    public void Parse_RealDebianPoms_AllParseAndLiteralVersionsAreKept()
    {
        Assert.SkipUnless(Directory.Exists(DebianMavenRepo), "Debian's maven-repo is not installed");
        var poms = Directory.EnumerateFiles(DebianMavenRepo, "*.pom", SearchOption.AllDirectories).Where(f => new FileInfo(f).LinkTarget is null).ToList();
        var literal = 0;
        foreach (var file in poms)
        {
            var pom = PomFile.Parse(File.ReadAllBytes(file));
            var packages = PomResolver.Resolve(pom, [], out _);
            foreach (var dependency in pom.Dependencies.Where(d => d.Version is { } v && !v.Contains('$') && !v.StartsWith('[') && !v.StartsWith('(')))
            {
                Assert.Contains(packages, p => p.Name == $"{dependency.GroupId}:{dependency.ArtifactId}" && p.Version == dependency.Version);
                literal++;
            }
        }
        Assert.True(poms.Count >= 50 && literal >= 20, $"{poms.Count} poms, {literal} literal versions");
    }

    [Fact]
    public async Task Analyze_RealMavenCoreModuleWithParentBesideIt_ResolvesVersionsFromTheParent()
    {
        var parent = Path.Combine(DebianMavenRepo, "org/apache/maven/maven/3.8.7/maven-3.8.7.pom");
        var core = Path.Combine(DebianMavenRepo, "org/apache/maven/maven-core/3.8.7/maven-core-3.8.7.pom");
        Assert.SkipUnless(File.Exists(parent) && File.Exists(core), "Debian's maven 3.8.7 POMs are not installed");
        // Maven's own source layout: maven/pom.xml is the parent of maven/maven-core/pom.xml (default relativePath ../pom.xml).
        var root = Directory.CreateTempSubdirectory("seawall-pom-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "maven/maven-core"));
            File.Copy(parent, Path.Combine(root, "maven/pom.xml"));
            File.Copy(core, Path.Combine(root, "maven/maven-core/pom.xml"));
            var sink = await new AnalyzerHost([new PomAnalyzer()]).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);
            var module = sink.Results.Single(r => r.Target == "maven/maven-core/pom.xml");
            Assert.Equal(("pom", ResultClass.LangPackages), (module.Type, module.Class));
            var versions = module.Packages.ToDictionary(p => p.Name, p => p.Version);
            // Debian pins its own versions ("3.x", "2.x", "debian") in the parent's dependencyManagement; the module has none.
            Assert.Equal("3.x", versions["org.apache.maven:maven-model"]);
            Assert.Equal("2.x", versions["org.codehaus.plexus:plexus-utils"]);
            Assert.Equal("debian", versions["com.google.inject:guice"]);
            // Cross-check with the parent read by LINQ to XML: every module dependency has the version the parent manages.
            var ns = XNamespace.Get("http://maven.apache.org/POM/4.0.0");
            var managed = XDocument.Load(parent).Descendants(ns + "dependencyManagement").Descendants(ns + "dependency")
                .GroupBy(d => $"{d.Element(ns + "groupId")!.Value}:{d.Element(ns + "artifactId")!.Value}")
                .ToDictionary(g => g.Key, g => g.First().Element(ns + "version")!.Value);
            Assert.All(module.Packages, p => Assert.Equal("maven/maven-core/pom.xml", p.FilePath));
            Assert.DoesNotContain(sink.Warnings, w => w.StartsWith("maven/maven-core/pom.xml", StringComparison.Ordinal));
            string Name(XElement d) => $"{d.Element(ns + "groupId")!.Value}:{d.Element(ns + "artifactId")!.Value}";
            var own = XDocument.Load(core).Root!.Element(ns + "dependencies")!.Elements(ns + "dependency").Select(Name).ToList();
            var inherited = XDocument.Load(parent).Root!.Element(ns + "dependencies")!.Elements(ns + "dependency").Select(Name).ToList();
            Assert.All(own, name => Assert.Equal(managed[name], versions[name]));
            // A module inherits its parent's dependencies (here junit and friends, test scope).
            Assert.Equal(own.Concat(inherited).Distinct().Order(StringComparer.Ordinal), module.Packages.Where(p => p.Direct == true).Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.True(module.Packages.Single(p => p.Name == "junit:junit").Dev);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Resolve_ProjectAndParentProperties_InterpolateRecursively()
    {
        var pom = Pom("""
            <project>
              <parent><groupId>org.example</groupId><artifactId>parent</artifactId><version>7</version><relativePath/></parent>
              <artifactId>app</artifactId>
              <version>${revision}${changelist}</version>
              <properties><revision>1.2</revision><changelist>-SNAPSHOT</changelist><lib.version>${project.version}</lib.version></properties>
              <dependencies>
                <dependency><groupId>${project.groupId}</groupId><artifactId>lib</artifactId><version>${lib.version}</version></dependency>
                <dependency><groupId>org.example</groupId><artifactId>bom-user</artifactId><version>${project.parent.version}</version><scope>test</scope><optional>true</optional></dependency>
                <dependency><groupId>org.example</groupId><artifactId>missing</artifactId><version>${not.here}</version></dependency>
                <dependency><groupId>org.example</groupId><artifactId>unmanaged</artifactId></dependency>
                <dependency><groupId>org.example</groupId><artifactId>ranged</artifactId><version>(,2.0]</version></dependency>
              </dependencies>
            </project>
            """);
        var packages = PomResolver.Resolve(pom, [], out var unresolved).ToDictionary(p => p.Name);
        Assert.Equal("1.2-SNAPSHOT", packages["org.example:lib"].Version);
        Assert.Equal(("7", true, true), (packages["org.example:bom-user"].Version, packages["org.example:bom-user"].Dev, packages["org.example:bom-user"].Optional));
        Assert.Equal("", packages["org.example:missing"].Version);
        Assert.Equal("", packages["org.example:unmanaged"].Version);
        Assert.Equal("", packages["org.example:ranged"].Version);
        Assert.Equal(3, unresolved.Count);
    }

    [Fact]
    public void Resolve_SelfDoublingProperties_StayBounded()
    {
        var properties = string.Concat(Enumerable.Range(0, 40).Select(i => $"<p{i}>${{p{i + 1}}}${{p{i + 1}}}</p{i}>"));
        var pom = Pom($"<project><properties>{properties}<p40>x</p40></properties><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${{p0}}</version></dependency></dependencies></project>");
        var package = Assert.Single(PomResolver.Resolve(pom, [], out _));
        Assert.True(package.Version.Length <= 200_000);
    }

    [Fact]
    public void Parse_ExternalEntity_IsNotResolved()
    {
        var pom = Pom("""
            <?xml version="1.0"?>
            <!DOCTYPE project [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>1</version></dependency></dependencies></project>
            """);
        Assert.Equal("g", pom.Dependencies.Single().GroupId);
        Assert.Throws<InvalidDataException>(() => Pom("""
            <?xml version="1.0"?>
            <!DOCTYPE project [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <project><properties><x>&xxe;</x></properties></project>
            """));
    }

    [Fact]
    public async Task Analyze_ParentLoopAndMismatchedParent_StopWithoutHanging()
    {
        var root = Directory.CreateTempSubdirectory("seawall-pom-loop-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "a"));
            // a/pom.xml names ../pom.xml as parent "top"; pom.xml names a/pom.xml as its parent "a": a cycle.
            File.WriteAllText(Path.Combine(root, "a/pom.xml"), "<project><artifactId>a</artifactId><parent><artifactId>top</artifactId></parent><dependencies><dependency><groupId>g</groupId><artifactId>x</artifactId><version>${v}</version></dependency></dependencies></project>");
            File.WriteAllText(Path.Combine(root, "pom.xml"), "<project><artifactId>top</artifactId><parent><artifactId>a</artifactId><relativePath>a</relativePath></parent><properties><v>9</v></properties></project>");
            var sink = await new AnalyzerHost([new PomAnalyzer()]).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);
            Assert.Equal("9", sink.Results.Single(r => r.Target == "a/pom.xml").Packages.Single().Version);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static PomFile Pom(string xml) => PomFile.Parse(Encoding.UTF8.GetBytes(xml));
}
