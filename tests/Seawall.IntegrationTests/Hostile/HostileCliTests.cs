using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Seawall.IntegrationTests.Support;
using Seawall.Tests.Support;

namespace Seawall.IntegrationTests.Hostile;

/// <summary>
/// The real `seawall image --input` on hostile archives: exit 3 and one `error:` line with nothing on stdout
/// where the scan cannot go on, exit 0 with one-line warnings where it can, never a stack trace, and no file
/// written anywhere outside what Seawall owns (checked with TMPDIR, HOME and the cache in a fresh sandbox).
/// </summary>
public sealed class HostileCliTests : IDisposable
{
    private readonly TempDir _sandbox = new("seawall-hostile-");

    public void Dispose() => _sandbox.Dispose();

    private string Tmp => Directory.CreateDirectory(_sandbox.File("tmp")).FullName;

    private string Home => Directory.CreateDirectory(_sandbox.File("home")).FullName;

    /// <summary>Where archives are written and the CLI runs: a few levels down, so "../" names have somewhere to land.</summary>
    private string Work => Directory.CreateDirectory(Path.Combine(_sandbox.Path, "a", "b", "c")).FullName;

    private sealed record Run(int ExitCode, string StdOut, string[] StdErrLines, long PeakRssKb);

    private BuiltImage Write(ImageSpec spec, ArchiveFormat format = ArchiveFormat.OciLayoutTar) =>
        ImageBuilder.Write(spec, Path.Combine(Work, "image-" + Guid.NewGuid().ToString("N")[..8] + (format == ArchiveFormat.OciLayoutDirectory ? string.Empty : ".tar")), format);

    /// <summary>Runs the CLI from the work directory with TMPDIR, HOME and XDG_CACHE_HOME inside the sandbox, measuring peak memory when /usr/bin/time is there.</summary>
    private async Task<Run> ScanAsync(string image, params string[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["TMPDIR"] = Tmp,
            ["HOME"] = Home,
            ["XDG_CACHE_HOME"] = Path.Combine(Home, ".cache"),
            ["DOTNET_EnableDiagnostics"] = "0", // no diagnostics IPC socket in TMPDIR: TMPDIR must stay empty
            ["NO_COLOR"] = "1",
        };
        string[] args = [SeawallCli.DllPath, "image", "--input", image, "--format", "json", .. extra];
        var rssFile = _sandbox.File("rss-" + Guid.NewGuid().ToString("N"));
        var time = File.Exists("/usr/bin/time") ? "/usr/bin/time" : null;
        var result = time is null
            ? await ProcessRunner.RunAsync("dotnet", args, TimeSpan.FromMinutes(3), env, Work)
            : await ProcessRunner.RunAsync(time, ["-f", "%M", "-o", rssFile, "dotnet", .. args], TimeSpan.FromMinutes(3), env, Work);
        var rss = time is not null && File.Exists(rssFile) && long.TryParse(File.ReadAllLines(rssFile).LastOrDefault(), out var kb) ? kb : -1;
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
        {
            Assert.True(line.StartsWith("error: ", StringComparison.Ordinal) || line.StartsWith("warning: ", StringComparison.Ordinal), $"stray stderr line: {line}");
            Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
            Assert.DoesNotContain(line, char.IsControl);
        }
        // These tests are about hostile input: the no-database warning of every scan in a fresh cache is not theirs.
        return new Run(result.ExitCode, result.StdOut, [.. lines.Where(l => !l.StartsWith(SeawallCli.NoDatabaseWarning, StringComparison.Ordinal))], rss);
    }

    private static void AssertFails(Run run, string expected)
    {
        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {string.Join('\n', run.StdErrLines)}");
        Assert.Equal(string.Empty, run.StdOut);
        var line = Assert.Single(run.StdErrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    private static JsonElement AssertScans(Run run)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {string.Join('\n', run.StdErrLines)}");
        Assert.DoesNotContain(run.StdErrLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(run.StdOut);
        return doc.RootElement.Clone();
    }

    /// <summary>Nothing but the archives, the cache Seawall owns and our own bookkeeping exists in the sandbox; TMPDIR is empty.</summary>
    private void AssertNothingWritten(params string[] allowed)
    {
        var unexpected = Directory.EnumerateFileSystemEntries(_sandbox.Path, "*", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(Path.Combine(Home, ".cache"), StringComparison.Ordinal) && !Path.GetFileName(p).StartsWith("rss-", StringComparison.Ordinal))
            .Where(p => !Directory.Exists(p) && !allowed.Any(a => p.StartsWith(a, StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(unexpected);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Tmp));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_sandbox.Path, "*", SearchOption.AllDirectories), p => p.Contains("evil", StringComparison.Ordinal) && !p.EndsWith(".tar", StringComparison.Ordinal));
    }

    private static ImageSpec Debian()
    {
        var spec = new ImageSpec();
        spec.AddLayer("ADD rootfs").Dir("etc").File("etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n")
            .Dir("var/lib/dpkg").File("var/lib/dpkg/status", "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4+deb12u5\n\n");
        return spec;
    }

    [Theory]
    [InlineData(ArchiveFormat.DockerLegacy)]
    [InlineData(ArchiveFormat.OciLayoutTar)]
    public async Task TraversalNames_ScanGoesOnWithWarningsAndNothingIsWrittenAnywhere(ArchiveFormat format)
    {
        var marker = "seawall-evil-" + Guid.NewGuid().ToString("N");
        var spec = Debian();
        spec.AddLayer("RUN evil").File("../evil", "x").File("../../../evil-deep", "x").File("/" + marker, "x")
            .File("../../../../../../../../../tmp/" + marker, "x");
        spec.ExtraArchiveEntries.Add(new LayerEntry(TarEntryType.RegularFile, "../evil-outer", () => new MemoryStream("x"u8.ToArray())));
        spec.ExtraArchiveEntries.Add(new LayerEntry(TarEntryType.RegularFile, "/tmp/" + marker + "-abs", () => new MemoryStream("x"u8.ToArray())));
        var image = Write(spec, format).Path;

        var run = await ScanAsync(image, "--cache-dir", Path.Combine(Home, ".cache", "seawall"));

        var report = AssertScans(run);
        Assert.Equal("debian", report.GetProperty("os").GetProperty("family").GetString());
        Assert.Equal(3, run.StdErrLines.Count(l => l.Contains("leaves the image root", StringComparison.Ordinal)));
        AssertNothingWritten(image);
        Assert.Empty(Directory.EnumerateFileSystemEntries("/tmp", marker + "*"));
        Assert.False(File.Exists("/" + marker));
    }

    [Fact]
    public async Task DecompressionBomb_ExitsThreeWithBoundedMemory()
    {
        var spec = Debian();
        var bomb = spec.AddLayer("RUN bomb");
        bomb.Level = System.IO.Compression.CompressionLevel.Optimal;
        bomb.ZeroFile("usr/share/zeros", 600L * 1024 * 1024);
        var image = Write(spec).Path;

        var run = await ScanAsync(image, "--no-cache");

        AssertFails(run, "decompression bomb");
        Assert.Contains("layer 1", run.StdErrLines[0], StringComparison.Ordinal);
        if (run.PeakRssKb > 0)
        {
            Assert.True(run.PeakRssKb < 256 * 1024, $"peak RSS {run.PeakRssKb / 1024} MiB while refusing a 600 MiB bomb");
        }
        AssertNothingWritten(image);
    }

    [Fact]
    public async Task TruncatedLayer_ExitsThree()
    {
        var spec = Debian();
        var layer = spec.AddLayer("RUN big");
        layer.File("usr/share/big", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20000).Select(i => $"line {i}\n"))));
        layer.TamperBlob = blob => blob.SetLength(blob.Length / 2);
        var image = Write(spec).Path;

        AssertFails(await ScanAsync(image, "--no-cache"), "layer 1");
    }

    [Fact]
    public async Task DigestMismatch_ExitsThreeAndNamesTheDigest()
    {
        var spec = Debian();
        var layer = spec.AddLayer("RUN tamper");
        layer.Compression = LayerCompression.None;
        layer.File("etc/motd", "hello hello hello");
        layer.TamperBlob = blob =>
        {
            var bytes = new byte[blob.Length];
            blob.ReadExactly(bytes);
            blob.Position = Encoding.ASCII.GetString(bytes).IndexOf("hello", StringComparison.Ordinal);
            blob.WriteByte((byte)'J');
        };
        var built = Write(spec);

        var run = await ScanAsync(built.Path, "--cache-dir", Path.Combine(Home, ".cache", "seawall"));

        AssertFails(run, "digest mismatch");
        Assert.Contains(built.Layers[1].BlobDigest, run.StdErrLines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task CorruptCompressedLayer_ExitsThreeWithoutAStackTrace(LayerCompression compression)
    {
        var spec = Debian();
        var layer = spec.AddLayer("RUN big");
        layer.Compression = compression;
        layer.File("usr/share/big", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20000).Select(i => $"line {i}\n"))));
        layer.TamperBlob = blob =>
        {
            blob.Position = blob.Length / 2;
            var b = blob.ReadByte();
            blob.Position--;
            blob.WriteByte((byte)(b ^ 0x5A));
        };
        var image = Write(spec).Path;

        AssertFails(await ScanAsync(image, "--no-cache"), "layer 1");
    }

    [Theory]
    [InlineData(ArchiveFormat.DockerLegacy, "this is { not JSON")]
    [InlineData(ArchiveFormat.OciLayoutTar, "<html>not an index</html>")]
    [InlineData(ArchiveFormat.OciLayoutDirectory, "{\"schemaVersion\": 1.5}")]
    public async Task ManifestNotJson_ExitsThree(ArchiveFormat format, string manifest)
    {
        var spec = Debian();
        spec.ManifestOverride = Encoding.UTF8.GetBytes(manifest);
        var image = Write(spec, format).Path;

        AssertFails(await ScanAsync(image, "--no-cache"), image);
    }

    [Fact]
    public async Task ControlCharactersInHostileNames_NeverReachTheTerminal()
    {
        var spec = Debian();
        // Entry names that would forge a second stderr line and colour the terminal.
        spec.AddLayer().File("../\u001b[31mevil\nerror: forged line", "x").Hardlink("usr/\u001b[2Jclear\nerror: forged too", "../../etc/shadow");
        var image = Write(spec).Path;

        var run = await ScanAsync(image, "--no-cache");

        AssertScans(run);
        Assert.Equal(2, run.StdErrLines.Length);
        Assert.Contains(run.StdErrLines, l => l.Contains("?[31mevil?error: forged line", StringComparison.Ordinal));
        Assert.Contains(run.StdErrLines, l => l.Contains("usr/?[2Jclear?error: forged too", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ControlCharactersInManifestLayerPath_ErrorStaysOneLine()
    {
        var spec = Debian();
        var built = Write(spec, ArchiveFormat.DockerLegacy);
        spec.ManifestOverride = Encoding.UTF8.GetBytes($"[{{\"Config\":\"{built.ConfigDigest[7..]}.json\",\"RepoTags\":[\"a:b\"],\"Layers\":[\"\\u001b[2Jgone\\nwarning: forged/layer.tar\"]}}]");
        ImageBuilder.Write(spec, built.Path, ArchiveFormat.DockerLegacy);

        var run = await ScanAsync(built.Path, "--no-cache");

        AssertFails(run, "?[2Jgone?warning: forged/layer.tar is missing");
    }

    [Fact]
    public async Task SymlinkOutOfTheRoot_ExitsZeroWithAWarningAndNeverReadsTheHost()
    {
        var spec = new ImageSpec();
        spec.AddLayer().Dir("etc").Symlink("etc/os-release", "../../../../../../../etc/os-release").Hardlink("etc/passwd", "../../../etc/passwd");
        var image = Write(spec).Path;

        var run = await ScanAsync(image, "--no-cache");

        var report = AssertScans(run);
        Assert.True(!report.TryGetProperty("os", out var os) || os.ValueKind == JsonValueKind.Null, "the host's os-release was read");
        Assert.Contains(run.StdErrLines, l => l.StartsWith("warning: etc/os-release: link to", StringComparison.Ordinal));
        Assert.Contains(run.StdErrLines, l => l.Contains("hardlink 'etc/passwd' points outside the image root", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FileOverTheSizeCap_ExitsZeroWithAWarning()
    {
        var spec = Debian();
        spec.AddLayer().ZeroFile("var/lib/dpkg/status.d/huge", 64L * 1024 * 1024 + 1);
        var image = Write(spec).Path;

        var run = await ScanAsync(image, "--no-cache");

        AssertScans(run);
        var warning = Assert.Single(run.StdErrLines);
        Assert.Equal("warning: var/lib/dpkg/status.d/huge: 67108865 bytes is over the 67108864-byte cap of dpkg; skipped", warning);
    }

    [Fact]
    public async Task LayerOf100000TinyFiles_ScansWithBoundedMemory()
    {
        var spec = Debian();
        spec.AddLayer("RUN touch").ManyFiles("usr/share/many", 100_000, 32);
        var image = Write(spec).Path;

        var run = await ScanAsync(image, "--no-cache");

        var report = AssertScans(run);
        Assert.Equal("debian", report.GetProperty("os").GetProperty("family").GetString());
        if (run.PeakRssKb > 0)
        {
            Assert.True(run.PeakRssKb < 256 * 1024, $"peak RSS {run.PeakRssKb / 1024} MiB for 100,000 files");
        }
    }

    [Fact]
    public async Task SecondRun_SameReportFromTheCache_AndADamagedCacheOnlyWarns()
    {
        var spec = Debian();
        spec.AddLayer("RUN apt-get install curl").File("var/lib/dpkg/status",
            "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4+deb12u5\n\nPackage: curl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 7.88.1-10\n\n");
        var built = Write(spec, ArchiveFormat.OciLayoutDirectory);
        var image = built.Path;
        var cache = Path.Combine(Home, ".cache", "seawall");

        var cold = await ScanAsync(image, "--cache-dir", cache);
        AssertScans(cold);
        // Destroy the layer blobs: a warm run must not need them.
        foreach (var layer in built.Layers)
        {
            var blob = Path.Combine(image, layer.PathInArchive);
            File.WriteAllBytes(blob, new byte[new FileInfo(blob).Length]);
        }
        var warm = await ScanAsync(image, "--cache-dir", cache);
        AssertScans(warm);
        Assert.Equal(cold.StdOut, warm.StdOut);
        Assert.Empty(warm.StdErrLines);

        // A truncated cache entry with the blobs gone: the fallback read fails cleanly (exit 3), never a crash.
        var entry = Directory.GetFiles(Path.Combine(cache, "layers")).OrderByDescending(f => new FileInfo(f).Length).First();
        File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..100]);
        var broken = await ScanAsync(image, "--cache-dir", cache);
        Assert.Equal(3, broken.ExitCode);
        Assert.Equal(string.Empty, broken.StdOut);
        Assert.Contains(broken.StdErrLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DamagedCacheEntry_RereadsTheLayerWithAWarningAndTheSameReport()
    {
        var image = Write(Debian(), ArchiveFormat.DockerOci).Path;
        var cache = Path.Combine(Home, ".cache", "seawall");
        var cold = await ScanAsync(image, "--cache-dir", cache);
        AssertScans(cold);
        var entry = Assert.Single(Directory.GetFiles(Path.Combine(cache, "layers")));
        File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..^10]);

        var warm = await ScanAsync(image, "--cache-dir", cache);

        AssertScans(warm);
        var warning = Assert.Single(warm.StdErrLines);
        Assert.StartsWith("warning: layer cache entry " + entry, warning, StringComparison.Ordinal);
        Assert.Equal(Packages(cold.StdOut), Packages(warm.StdOut));
        // Rewritten from the layer: the third run is warm and quiet.
        var again = await ScanAsync(image, "--cache-dir", cache);
        Assert.Empty(again.StdErrLines);
        Assert.Equal(cold.StdOut, again.StdOut);
    }

    private static string Packages(string report)
    {
        using var doc = JsonDocument.Parse(report);
        return string.Join(',', doc.RootElement.GetProperty("results").EnumerateArray()
            .SelectMany(r => r.GetProperty("packages").EnumerateArray()).Select(p => p.GetProperty("name").GetString() + "=" + p.GetProperty("version").GetString()));
    }
}
