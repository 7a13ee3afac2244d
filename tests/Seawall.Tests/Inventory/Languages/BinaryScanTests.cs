using System.Text;
using Seawall.Artifacts.Archive;
using Seawall.Artifacts.Layers;
using Seawall.Core.Analysis;
using Seawall.Core.Model;
using Seawall.Inventory;
using Seawall.Inventory.Languages.Go;
using Seawall.Inventory.Languages.Rust;
using Seawall.Scanning;
using Seawall.TestSupport;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>Go and Rust binaries found by mode, not name, in an image and in a root directory, end to end through the scan service.</summary>
public sealed class BinaryScanTests(GoBuildFixture go, RustBuildFixture rust) : IClassFixture<GoBuildFixture>, IClassFixture<RustBuildFixture>
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;

    private Dictionary<string, (byte[] Content, UnixFileMode Mode)> Files() => new()
    {
        ["usr/local/bin/hello-go"] = (File.ReadAllBytes(go.Binary("linux/amd64")), Executable),
        ["opt/app/hello-rust"] = (File.ReadAllBytes(rust.WithSection("hello-auditable", RustBuildFixture.Zlib(Encoding.UTF8.GetBytes(RustBinaryAnalyzerTests.DependencyJson)))), Executable),
        // The same Go program without an execute bit is data, not a program: Trivy skips it too.
        ["usr/share/doc/hello-go.copy"] = (File.ReadAllBytes(go.Binary("linux/amd64")), (UnixFileMode)0b110_100_100),
        ["usr/bin/script.sh"] = ("#!/bin/sh\necho hi\n"u8.ToArray(), Executable),
        ["usr/bin/plain-rust"] = (File.ReadAllBytes(rust.Plain), Executable),
    };

    [Fact]
    public async Task ScanImage_ExecutablesAnywhere_AreCondensedAtReadAndReported()
    {
        var files = Files();
        using var dir = new TempFolder();
        var archivePath = Path.Combine(dir.Path, "image.tar");
        TestImageBuilder.WriteDockerArchive(archivePath, "binaries:1", [new TestLayer("COPY bins /", files.ToDictionary(f => f.Key, f => f.Value.Content))
        {
            Modes = files.ToDictionary(f => f.Key, f => f.Value.Mode),
        }]);
        using var archive = ImageArchive.Open(archivePath);
        var cacheDir = Path.Combine(dir.Path, "cache");
        var cold = await new ScanService(new ScanOptions { CacheDir = cacheDir }).ScanImageAsync(archive.Images[0], CancellationToken.None);
        var warm = await new ScanService(new ScanOptions { CacheDir = cacheDir }).ScanImageAsync(archive.Images[0], CancellationToken.None);
        AssertBinaryResults(cold, files);
        Assert.Equal(Summary(cold), Summary(warm));

        // What the layer keeps: each binary's summary (a few hundred bytes), nothing for other programs.
        var host = new AnalyzerHost([.. AnalyzerCatalog.All().Where(a => (a.Sources & PackageSources.Installed) != 0)]);
        await using var layer = await archive.Images[0].OpenLayerAsync(0, CancellationToken.None);
        var snapshot = await LayerReader.ReadAsync(layer.Tar, archive.Images[0].Layers[0], host.MaxSizeFor, CancellationToken.None, condense: host.Condense);
        Assert.Equal(new GoBinaryAnalyzer().Condense("", files["usr/local/bin/hello-go"].Content), snapshot.Contents["usr/local/bin/hello-go"]);
        Assert.Equal(new RustBinaryAnalyzer().Condense("", files["opt/app/hello-rust"].Content), snapshot.Contents["opt/app/hello-rust"]);
        Assert.Empty(snapshot.Contents["usr/bin/plain-rust"]);
        Assert.False(snapshot.Contents.ContainsKey("usr/share/doc/hello-go.copy"));
        Assert.False(snapshot.Contents.ContainsKey("usr/bin/script.sh")); // under 4 KB: a script
        Assert.True(snapshot.Contents.Values.Sum(c => c.Length) < 8 * 1024);
    }

    [Fact]
    public async Task ScanRootfs_ExecutablesAnywhere_AreReportedAndFsScansLeaveThemOut()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "file modes are Unix's");
        var files = Files();
        using var dir = new TempFolder();
        foreach (var (path, (content, mode)) in files)
        {
            var full = Path.Combine(dir.Path, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(full, mode);
            }
        }
        var report = await new ScanService(new ScanOptions()).ScanDirectoryAsync(dir.Path, ArtifactType.Rootfs, CancellationToken.None);
        AssertBinaryResults(report, files);
        var fs = await new ScanService(new ScanOptions()).ScanDirectoryAsync(dir.Path, ArtifactType.Filesystem, CancellationToken.None);
        Assert.DoesNotContain(fs.Results, r => r.Type is "gobinary" or "rustbinary");
    }

    private static void AssertBinaryResults(ScanReport report, Dictionary<string, (byte[] Content, UnixFileMode Mode)> files)
    {
        Assert.Empty(report.Warnings);
        var binaries = report.Results.Where(r => r.Type is "gobinary" or "rustbinary").ToList();
        Assert.Equal(["opt/app/hello-rust rustbinary", "usr/local/bin/hello-go gobinary"], binaries.Select(r => $"{r.Target} {r.Type}"));
        var goPackages = binaries.Single(r => r.Type == "gobinary").Packages;
        Assert.Equal(["./lib@", "stdlib@" + GoBinaryAnalyzer.StdlibVersion(GoVersion(files["usr/local/bin/hello-go"].Content))], goPackages.Select(p => $"{p.Name}@{p.Version}"));
        Assert.Equal("pkg:golang/stdlib@" + goPackages.Single(p => p.Name == "stdlib").Version, goPackages.Single(p => p.Name == "stdlib").Purl);
        var rustPackages = binaries.Single(r => r.Type == "rustbinary").Packages;
        Assert.Equal(5, rustPackages.Count);
        Assert.Equal("pkg:cargo/serde@1.0.197", rustPackages.Single(p => p.Name == "serde").Purl);
    }

    private static string GoVersion(byte[] binary)
    {
        using var stream = new MemoryStream(binary);
        return Encoding.UTF8.GetString(GoBuildInfoReader.Read(stream).Info!.GoVersion);
    }

    private static string Summary(ScanReport report) =>
        string.Join('\n', report.Results.SelectMany(r => r.Packages.Select(p => $"{r.Target} {r.Type} {p.Name}@{p.Version} {p.Layer?.Index}")));

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("seawall-binscan-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
