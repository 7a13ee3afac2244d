using System.IO.Compression;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.Inventory;
using Seawall.Inventory.Languages.Java;
using static Seawall.Tests.Inventory.Languages.JavaArchiveBuilder;

namespace Seawall.Tests.Inventory.Languages;

public sealed class JavaJarTests
{
    private static readonly string[] RealJarFolders = ["/usr/share/java", "/usr/share/maven/lib", "/usr/share/maven-repo"];

    /// <summary>Every regular jar file Debian's Java packages installed here (links skipped: they name the same files).</summary>
    private static List<string> RealJars()
    {
        var jars = RealJarFolders.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.jar", SearchOption.AllDirectories))
            .Where(f => new FileInfo(f).LinkTarget is null)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.SkipWhen(jars.Count == 0, "no jars under /usr/share/java or /usr/share/maven*: install maven (Debian) to run");
        return jars;
    }

    /// <summary>The coordinates of every pom.properties in a jar, read with ZipFile and a plain key=value split.</summary>
    private static List<string> PomPropertiesOf(string jar)
    {
        using var zip = ZipFile.OpenRead(jar);
        var found = new List<string>();
        foreach (var entry in zip.Entries.Where(e => e.Name == "pom.properties"))
        {
            using var reader = new StreamReader(entry.Open());
            var values = reader.ReadToEnd().Split('\n').Select(l => l.Trim().Split('=', 2)).Where(kv => kv.Length == 2)
                .GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.Last()[1].Trim());
            if (values.TryGetValue("groupId", out var g) && values.TryGetValue("artifactId", out var a) && values.TryGetValue("version", out var v))
            {
                found.Add($"{g}:{a}@{v}");
            }
        }
        return found;
    }

    /// <summary>
    /// Real jars with one pom.properties, and the artifactId-version.jar name Maven gives them (Debian installs them
    /// unversioned and links the versioned name): under that name a jar is exactly its pom.properties package.
    /// </summary>
    private static List<(string Path, string MavenName)> SelfNamedRealJars() =>
        [.. RealJars().Select(j => (j, PomPropertiesOf(j))).Where(p => p.Item2.Count == 1).Select(p => (p.j, p.Item2[0].Split(':')[1].Replace('@', '-') + ".jar"))];

    [Fact]
    public void Scan_RealDebianJars_ReportEveryPomPropertiesAndNoWarnings()
    {
        var jars = RealJars();
        var withProperties = 0;
        foreach (var jar in jars)
        {
            var path = jar.TrimStart('/');
            var (packages, warnings) = JarWalker.Scan(path, File.ReadAllBytes(jar));
            Assert.True(warnings.Count == 0, $"{jar}: {string.Join("; ", warnings)}");
            Assert.All(packages, p => Assert.Equal("Maven", p.Ecosystem));
            Assert.All(packages, p => Assert.Equal(path, p.FilePath));
            var got = packages.Select(p => $"{p.Name}@{p.Version}").ToHashSet();
            foreach (var expected in PomPropertiesOf(jar))
            {
                Assert.True(got.Contains(expected), $"{jar}: {expected} missing from [{string.Join(", ", got)}]");
                withProperties++;
            }
        }
        Assert.True(jars.Count >= 30 && withProperties >= 30, $"only {jars.Count} jars, {withProperties} pom.properties");
    }

    [Fact]
    public void Scan_RealJarsWithKnownCoordinates_GiveThoseExactly()
    {
        const string Guava = "/usr/share/java/guava-31.1-jre.jar";
        const string Guice = "/usr/share/java/guice-no-aop-4.2.3.jar";
        const string Cdi = "/usr/share/java/cdi-api.jar";
        Assert.SkipUnless(File.Exists(Guava) && File.Exists(Guice) && File.Exists(Cdi), "Debian's libguava-java, libguice-java and libcdi-api-java are not installed");
        // pom.properties, and the file name matches it, so the manifest is not asked.
        var guava = JarWalker.Scan("guava-31.1-jre.jar", File.ReadAllBytes(Guava)).Packages;
        Assert.Equal(["com.google.guava:guava@31.1-jre"], guava.Select(p => $"{p.Name}@{p.Version}"));
        // No pom.properties: the manifest names it, Trivy's way (Bundle-SymbolicName less its last segment, Bundle-Name, Bundle-Version).
        var guice = JarWalker.Scan("guice-no-aop-4.2.3.jar", File.ReadAllBytes(Guice)).Packages;
        Assert.Equal(["com.google:guice@4.2.3"], guice.Select(p => $"{p.Name}@{p.Version}"));
        // A name without a version and one pom.properties: that is the jar, and the manifest's "CDI APIs" 1.2.0 is not asked.
        var cdi = JarWalker.Scan("usr/share/java/cdi-api.jar", File.ReadAllBytes(Cdi)).Packages;
        Assert.Equal(["javax.enterprise:cdi-api@1.2"], cdi.Select(p => $"{p.Name}@{p.Version}"));
    }

    [Fact]
    public void Condense_RealJars_ParsesIdenticallyIsIdempotentAndSmall()
    {
        long original = 0, condensed = 0;
        foreach (var jar in RealJars())
        {
            var content = File.ReadAllBytes(jar);
            var small = JarWalker.Condense(jar, content);
            AssertSameScan(jar, content, small);
            Assert.Equal(small, JarWalker.Condense(jar, small));
            original += content.Length;
            condensed += small.Length;
        }
        Assert.True(condensed * 20 < original, $"condensed {condensed} of {original} bytes");
    }

    [Fact]
    public void Scan_EarWithWarWithRealJars_ReportsNestedPackagesWithNestedPaths()
    {
        var real = SelfNamedRealJars().Take(3).ToList();
        Assert.True(real.Count == 3, "need three real jars with pom.properties");
        var war = Zip([PomEntry("com.example", "web", "1.0"), .. real.Select(j => ($"WEB-INF/lib/{j.MavenName}", File.ReadAllBytes(j.Path)))]);
        var ear = Zip(CompressionLevel.NoCompression, ("web.war", war), Manifest("Manifest-Version: 1.0\nImplementation-Vendor-Id: com.example\nImplementation-Title: shop\nImplementation-Version: 2.0\n\n"));
        var (packages, warnings) = JarWalker.Scan("opt/app/shop.ear", ear);
        Assert.Empty(warnings);
        var expected = real.Select(j => $"opt/app/shop.ear/web.war/WEB-INF/lib/{j.MavenName} {PomPropertiesOf(j.Path)[0]}")
            .Append("opt/app/shop.ear/web.war com.example:web@1.0")
            .Append("opt/app/shop.ear com.example:shop@2.0")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, packages.Select(p => $"{p.FilePath} {p.Name}@{p.Version}").Order(StringComparer.Ordinal));

        var condensed = JarWalker.Condense("opt/app/shop.ear", ear);
        AssertSameScan("opt/app/shop.ear", ear, condensed);
        Assert.Equal(condensed, JarWalker.Condense("opt/app/shop.ear", condensed));
    }

    [Fact]
    public void Condense_FatJarOfFiftyMegabytes_KeepsKilobytes()
    {
        var random = new Random(42);
        var classes = Enumerable.Range(0, 50).Select(i =>
        {
            var bytes = new byte[1024 * 1024];
            random.NextBytes(bytes);
            return ($"BOOT-INF/classes/com/example/C{i}.class", bytes);
        });
        var libs = Enumerable.Range(0, 20).Select(i => ($"BOOT-INF/lib/lib{i}-1.{i}.jar", Zip(PomEntry("org.example", $"lib{i}", $"1.{i}"), ($"org/example/L{i}.class", new byte[64 * 1024]))));
        var fat = Zip(CompressionLevel.Fastest, [Manifest("Manifest-Version: 1.0\nStart-Class: com.example.App\n\n"), PomEntry("com.example", "app", "3.1.0"), .. classes, .. libs]);
        var condensed = JarWalker.Condense("app/app.jar", fat);
        Assert.True(fat.Length > 50_000_000, $"fat jar is {fat.Length} bytes");
        Assert.True(condensed.Length < 64 * 1024, $"condensed to {condensed.Length} bytes");
        AssertSameScan("app/app.jar", fat, condensed);
        Assert.Equal(21, JarWalker.Scan("app/app.jar", condensed).Packages.Count);
    }

    [Fact]
    public void Scan_PomPropertiesNamingAnotherArtifact_AlsoReportsTheJarFromItsManifest()
    {
        // A shaded jar: the absorbed dependency's pom.properties does not name the jar (file name tells), so the manifest does.
        var jar = Zip(PomEntry("org.slf4j", "slf4j-api", "1.7.36"),
            Manifest("Manifest-Version: 1.0\r\nImplementation-Title: tool\r\nImplementation-Vendor: org.example\r\nImplementation-Versi\r\n on: 0.9\r\n\r\nName: org/x/\r\nImplementation-Version: 7\r\n"));
        var packages = JarWalker.Scan("tool-0.9.jar", jar).Packages;
        Assert.Equal(["org.example:tool@0.9", "org.slf4j:slf4j-api@1.7.36"], packages.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Manifest-Version: 1.0\nBundle-Name: %bundle.name\nBundle-SymbolicName: org.example.thing\nBundle-Version: 1.0\n")]
    [InlineData("Manifest-Version: 1.0\nImplementation-Title: Apache Commons IO\nImplementation-Vendor: The Apache Software Foundation\nImplementation-Version: 2.11.0\n")]
    [InlineData("Manifest-Version: 1.0\nImplementation-Title: thing\nImplementation-Version: 1.0\n")]
    public void Scan_ManifestWithLocalisedMissingOrNonMavenFields_ReportsNothing(string manifest)
    {
        Assert.Empty(JarWalker.Scan("thing-1.0.jar", Zip(Manifest(manifest))).Packages);
    }

    [Fact]
    public void Scan_SamePackageTwiceWithPaddedVersion_IsReportedOnce()
    {
        var jar = Zip(("META-INF/maven/a/b/pom.properties", PomProperties("a", "b", "2.17")), ("other/pom.properties", PomProperties("a", "b", "2.17.0")));
        Assert.Single(JarWalker.Scan("x.jar", jar).Packages);
    }

    [Fact]
    public void Scan_ZipBombNestedJar_WarnsAndStaysWithinMemory()
    {
        // 60 MB of zeros deflate to about 60 KB: a 1000-fold expansion, which no real nested jar has.
        var bomb = Zip(CompressionLevel.Optimal, ("WEB-INF/lib/bomb.jar", new byte[60 * 1024 * 1024]), PomEntry("com.example", "web", "1.0"));
        Assert.True(bomb.Length < 1024 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (packages, warnings) = JarWalker.Scan("app.war", bomb);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(["com.example:web@1.0"], packages.Select(p => $"{p.Name}@{p.Version}"));
        Assert.Contains(warnings, w => w.StartsWith("app.war: entry 'WEB-INF/lib/bomb.jar' expands 1", StringComparison.Ordinal) && w.Contains("zip bomb", StringComparison.Ordinal));
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated} bytes");
        AssertSameScan("app.war", bomb, JarWalker.Condense("app.war", bomb));
    }

    [Fact]
    public void Scan_NestedEntryLyingAboutItsSize_ExpandsNoMoreThanDeclared()
    {
        // 150 MB of zeros declared as 1000 bytes in both the local header and the central directory.
        var jar = Zip(CompressionLevel.SmallestSize, ("lib/liar.jar", new byte[150 * 1024 * 1024]));
        var local = jar.AsSpan().IndexOf("PK\u0003\u0004"u8);
        var central = jar.AsSpan().IndexOf("PK\u0001\u0002"u8);
        BitConverter.GetBytes(1000u).CopyTo(jar, local + 22);
        BitConverter.GetBytes(1000u).CopyTo(jar, central + 24);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (packages, warnings) = JarWalker.Scan("liar.jar", jar);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(packages);
        // The entry stream ends at the declared size (and Read would cut it at the cap): 1000 zeros are no zip.
        Assert.Equal(["liar.jar/lib/liar.jar: is not a zip archive; not read"], warnings);
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated} bytes");
        AssertSameScan("liar.jar", jar, JarWalker.Condense("liar.jar", jar));
    }

    [Fact]
    public void Scan_NestedArchiveOverSizeCap_WarnsWithoutExpanding()
    {
        // Random bytes do not compress, so the ratio check passes; the 128 MB cap stops it.
        var payload = new byte[ArchiveLimits.MaxNestedArchiveBytes + 1];
        new Random(7).NextBytes(payload.AsSpan(0, 1024 * 1024));
        var big = Zip(CompressionLevel.NoCompression, ("lib/huge.jar", payload));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (_, warnings) = JarWalker.Scan("big.jar", big);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
        Assert.Equal([$"big.jar: entry 'lib/huge.jar' expands to {payload.Length} bytes, over the cap of {ArchiveLimits.MaxNestedArchiveBytes}; not read"], warnings);
    }

    [Fact]
    public void Scan_EntryClimbingOutOfTheArchive_IsNotOpenedAndWarns()
    {
        var inner = Zip(PomEntry("evil", "evil", "6.6.6"));
        var jar = Zip(("../../../tmp/evil.jar", inner), ("/etc/abs.jar", inner), PomEntry("com.example", "ok", "1.0"));
        var (packages, warnings) = JarWalker.Scan("srv/ok.jar", jar);
        // The absolute name is a path inside the archive once its leading '/' goes, as TreePath treats layer entries.
        Assert.Equal(["com.example:ok@1.0 srv/ok.jar", "evil:evil@6.6.6 srv/ok.jar/etc/abs.jar"], packages.Select(p => $"{p.Name}@{p.Version} {p.FilePath}").Order(StringComparer.Ordinal));
        Assert.Equal(["srv/ok.jar: entry '../../../tmp/evil.jar' climbs out of the archive; not read"], warnings);
        AssertSameScan("srv/ok.jar", jar, JarWalker.Condense("srv/ok.jar", jar));
    }

    [Fact]
    public void Scan_JarsNestedTenDeep_StopsAtTheCapWithAWarning()
    {
        var jar = Zip(PomEntry("level", "l10", "10"));
        for (var level = 9; level >= 0; level--)
        {
            jar = Zip(PomEntry("level", $"l{level}", $"{level}"), ($"lib/l{level + 1}.jar", jar));
        }
        var (packages, warnings) = JarWalker.Scan("l0.jar", jar);
        Assert.Equal(Enumerable.Range(0, ArchiveLimits.MaxNestingDepth + 1).Select(i => $"level:l{i}@{i}"), packages.Select(p => $"{p.Name}@{p.Version}"));
        var deepest = string.Concat(Enumerable.Range(1, ArchiveLimits.MaxNestingDepth).Select(i => $"/lib/l{i}.jar"));
        Assert.Equal([$"l0.jar{deepest}: entry 'lib/l{ArchiveLimits.MaxNestingDepth + 1}.jar' is nested more than {ArchiveLimits.MaxNestingDepth} archives deep; not read"], warnings);
        var condensed = JarWalker.Condense("l0.jar", jar);
        AssertSameScan("l0.jar", jar, condensed);
        Assert.Equal(condensed, JarWalker.Condense("l0.jar", condensed));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 9, 0, 9, 0, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0, 0 })]
    public void Scan_NotAZip_WarnsOnce(byte[] content)
    {
        var (packages, warnings) = JarWalker.Scan("bad.jar", content);
        Assert.Empty(packages);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("bad.jar: is not a", warning, StringComparison.Ordinal);
        AssertSameScan("bad.jar", content, JarWalker.Condense("bad.jar", content));
    }

    [Fact]
    public void Scan_Zip64DirectoryClaimingABillionEntries_IsRefusedBeforeOpening()
    {
        var zip64End = new byte[56];
        BitConverter.GetBytes(0x06064b50u).CopyTo(zip64End, 0);
        BitConverter.GetBytes(1_000_000_000UL).CopyTo(zip64End, 24);
        BitConverter.GetBytes(1_000_000_000UL).CopyTo(zip64End, 32);
        var locator = new byte[20];
        BitConverter.GetBytes(0x07064b50u).CopyTo(locator, 0);
        var end = new byte[22];
        BitConverter.GetBytes(0x06054b50u).CopyTo(end, 0);
        BitConverter.GetBytes((ushort)0xffff).CopyTo(end, 8);
        BitConverter.GetBytes((ushort)0xffff).CopyTo(end, 10);
        byte[] content = [.. zip64End, .. locator, .. end];
        Assert.Equal(1_000_000_000L, ZipDirectory.DeclaredEntryCount(content));
        var (_, warnings) = JarWalker.Scan("many.jar", content);
        Assert.Equal([$"many.jar: lists 1000000000 entries, over the cap of {ArchiveLimits.MaxEntries}; not read"], warnings);
    }

    [Fact]
    public void Scan_CorruptEntryData_WarnsAndKeepsTheRest()
    {
        var jar = Zip(PomEntry("com.example", "a", "1.0"), ("lib/inner.jar", Zip(PomEntry("com.example", "b", "2.0"))));
        // Flip bytes inside the deflated data of the nested jar (after its local header).
        var at = jar.AsSpan().IndexOf("lib/inner.jar"u8) + "lib/inner.jar".Length + 8;
        for (var i = 0; i < 16; i++)
        {
            jar[at + i] ^= 0xA5;
        }
        var (packages, warnings) = JarWalker.Scan("c.jar", jar);
        Assert.Contains(packages, p => p.Name == "com.example:a");
        Assert.NotEmpty(warnings);
        AssertSameScan("c.jar", jar, JarWalker.Condense("c.jar", jar));
    }

    [Fact]
    public async Task Analyze_DirectoryWithJarAndLink_OneResultPerArchiveFileAndInstalledOnly()
    {
        var real = SelfNamedRealJars()[0];
        var root = Directory.CreateTempSubdirectory("seawall-jar-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "opt/app"));
            File.Copy(real.Path, Path.Combine(root, "opt/app", real.MavenName));
            File.WriteAllBytes(Path.Combine(root, "opt/app/broken.war"), "not a zip"u8.ToArray());
            File.WriteAllText(Path.Combine(root, "opt/app/readme.txt"), "x");
            var analyzer = new JarAnalyzer();
            Assert.Equal(PackageSources.Installed, ((IAnalyzer)analyzer).Sources);
            Assert.Contains(AnalyzerCatalog.LanguagePackages(), a => a is JarAnalyzer);
            var sink = await new AnalyzerHost([analyzer]).RunAsync(DirectoryFileTree.Walk(root), TestContext.Current.CancellationToken);
            var result = Assert.Single(sink.Results);
            Assert.Equal(("opt/app/" + real.MavenName, "jar", ResultClass.LangPackages), (result.Target, result.Type, result.Class));
            Assert.Equal(PomPropertiesOf(real.Path), result.Packages.Select(p => $"{p.Name}@{p.Version}"));
            Assert.Equal(["opt/app/broken.war: is not a zip archive; not read"], sink.Warnings);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void AssertSameScan(string path, byte[] original, byte[] condensed)
    {
        var (a, aw) = JarWalker.Scan(path, original);
        var (b, bw) = JarWalker.Scan(path, condensed);
        Assert.Equal(a.Select(p => $"{p.FilePath} {p.Name}@{p.Version}"), b.Select(p => $"{p.FilePath} {p.Name}@{p.Version}"));
        Assert.Equal(aw, bw);
    }
}
