using System.IO.Compression;
using Seawall.Artifacts.Archive;
using Seawall.Core.Model;
using Seawall.Scanning;
using Seawall.TestSupport;
using static Seawall.Tests.Inventory.Languages.JavaArchiveBuilder;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>Jars and deps.json in an image: read through the layer cache, where each jar is held condensed.</summary>
public sealed class JavaImageTests
{
    [Fact]
    public async Task ScanImage_FatJarInALayer_SameReportFromTheCacheWhichHoldsKilobytes()
    {
        var random = new Random(1);
        var classes = Enumerable.Range(0, 12).Select(i =>
        {
            var bytes = new byte[1024 * 1024];
            random.NextBytes(bytes);
            return ($"BOOT-INF/classes/app/C{i}.class", bytes);
        });
        var libs = new[] { ("BOOT-INF/lib/jackson-databind-2.9.8.jar", Zip(PomEntry("com.fasterxml.jackson.core", "jackson-databind", "2.9.8"))), ("BOOT-INF/lib/log4j-core-2.14.1.jar", Zip(PomEntry("org.apache.logging.log4j", "log4j-core", "2.14.1"))) };
        var fat = Zip(CompressionLevel.Fastest, [Manifest("Manifest-Version: 1.0\nImplementation-Vendor-Id: com.example\nImplementation-Title: shop\nImplementation-Version: 1.0.0\n\n"), .. classes, .. libs]);
        var layers = new List<TestLayer>
        {
            new("COPY app.jar /opt/app/app.jar", new Dictionary<string, byte[]>
            {
                ["opt/app/app.jar"] = fat,
                ["opt/app/app.deps.json"] = File.ReadAllBytes(DotNetTestData.Repo("oldjson/oldjson.deps.json")),
                // Lockfiles are for fs scans: an image scan leaves them alone.
                ["opt/app/packages.lock.json"] = File.ReadAllBytes(DotNetTestData.Repo("oldjson/packages.lock.json")),
            }),
        };
        var dir = Directory.CreateTempSubdirectory("seawall-jar-image-");
        try
        {
            TestImageBuilder.WriteOciLayoutDirectory(Path.Combine(dir.FullName, "image"), "shop:1", layers);
            var cache = Path.Combine(dir.FullName, "cache");
            var options = new ScanOptions { CacheDir = cache };
            ScanReport first, second;
            using (var archive = ImageArchive.Open(Path.Combine(dir.FullName, "image")))
            {
                first = await new ScanService(options).ScanImageAsync(archive.Images[0], TestContext.Current.CancellationToken);
                second = await new ScanService(options).ScanImageAsync(archive.Images[0], TestContext.Current.CancellationToken);
            }
            var jar = first.Results.Single(r => r.Type == "jar");
            Assert.Equal("opt/app/app.jar", jar.Target);
            Assert.Equal(
                [
                    "pkg:maven/com.example/shop@1.0.0 opt/app/app.jar",
                    "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8 opt/app/app.jar/BOOT-INF/lib/jackson-databind-2.9.8.jar",
                    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1 opt/app/app.jar/BOOT-INF/lib/log4j-core-2.14.1.jar",
                ],
                jar.Packages.Select(p => $"{p.Purl} {p.FilePath}"));
            Assert.All(jar.Packages, p => Assert.NotNull(p.Layer));
            Assert.Equal(["dotnet-core", "jar"], first.Results.Select(r => r.Type).Order(StringComparer.Ordinal));
            Assert.Equal(8, first.Results.Single(r => r.Type == "dotnet-core").Packages.Count);
            Assert.Equal(Summary(first), Summary(second));
            var cached = Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Assert.True(fat.Length > 12_000_000 && cached < 256 * 1024, $"a {fat.Length}-byte jar left {cached} bytes in the cache");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static List<string> Summary(ScanReport report) =>
        [.. report.Results.SelectMany(r => r.Packages.Select(p => $"{r.Target} {p.Purl} {p.FilePath}")), .. report.Warnings];
}
