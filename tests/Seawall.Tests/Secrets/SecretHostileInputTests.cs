using System.Text;
using Seawall.Core.Model;
using Seawall.Scanning;
using Seawall.Secrets.Config;
using Seawall.Secrets.Engine;
using Seawall.Tests.Support;

namespace Seawall.Tests.Secrets;

/// <summary>
/// Bad input: a 2 GB sparse file, one 100 MB line, invalid UTF-8. Each scan ends with its memory bounded (the big
/// files stream through a fixed window or are skipped) and a warning names what was skipped. No timing asserts:
/// the bench measures time. Allocation is counted process-wide, so these run alone (the memory-measuring collection).
/// </summary>
[Collection(nameof(Artifacts.MemoryMeasuringCollection))]
public sealed class SecretHostileInputTests : IDisposable
{
    private const string GitHubToken = "ghp_B7kq9Zr2Xw4Lm8Np3Vt6Yc1Hd5Fs0JgQw8eR";
    private readonly TempDir _dir = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private Task<ScanReport> ScanFsAsync() =>
        new ScanService(new ScanOptions { Scanners = new HashSet<Scanner> { Scanner.Secret } }).ScanDirectoryAsync(_dir.Path, ArtifactType.Filesystem, Token);

    [Fact]
    public async Task ScanFs_SparseFileOf2GB_SkippedWithWarning()
    {
        using (var file = File.Create(_dir.File("disk.img")))
        {
            file.SetLength(2L * 1024 * 1024 * 1024);
        }
        _dir.Write("app.env", $"GH={GitHubToken}\n");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var report = await ScanFsAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains(report.Warnings, w => w.Contains("disk.img", StringComparison.Ordinal) && w.Contains("cap of secret", StringComparison.Ordinal));
        Assert.Single(report.Results.SelectMany(r => r.Secrets), s => s.Path == "app.env");
        Assert.True(allocated < 200L * 1024 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public async Task ScanFs_OneLineOf100MB_StreamedWithBoundedMemoryAndFound()
    {
        var path = _dir.File("one-line.txt");
        using (var file = File.Create(path))
        {
            var block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("lorem,ipsum,dolor,sit,amet,", 38_000)));
            long written = 0;
            while (written < 100L * 1024 * 1024)
            {
                file.Write(block);
                written += block.Length;
            }
            file.Write(Encoding.ASCII.GetBytes($" {GitHubToken} end"));
        }
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var report = await ScanFsAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var secret = Assert.Single(report.Results.SelectMany(r => r.Secrets));
        Assert.Equal("github-pat", secret.RuleId);
        Assert.Equal(1, secret.Line);
        // Streamed: a few windows of a few MB, not a copy of the 100 MB file (200 MB as characters).
        Assert.True(allocated < 100L * 1024 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Scan_InvalidUtf8_SecretStillFoundOnItsLine()
    {
        var bytes = new List<byte>();
        bytes.AddRange([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, (byte)'\n']);
        bytes.AddRange([0xFF, 0xFE, (byte)' ']);
        bytes.AddRange(Encoding.ASCII.GetBytes($"token={GitHubToken}\n"));
        var scan = new SecretScanner(SecretConfig.Default()).Scan("app/blob.txt", bytes.ToArray());
        var hit = Assert.Single(scan.Hits);
        Assert.Equal("github-pat", hit.RuleId);
        Assert.Equal(2, hit.Line);
        Assert.Contains("\uFFFD", hit.Match, StringComparison.Ordinal);
        Assert.DoesNotContain(GitHubToken[4..], hit.Match, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_ManySecrets_CappedWithWarning()
    {
        var text = string.Concat(Enumerable.Range(0, 300).Select(i => $"k{i}=AKIAQ3VZ7XKD2LMN{i:D4}\n"));
        var scan = new SecretScanner(SecretConfig.Default()).Scan("app/keys.txt", Encoding.ASCII.GetBytes(text));
        Assert.Equal(SecretScanner.MaxHitsPerFile, scan.Hits.Count);
        Assert.Contains(scan.Warnings, w => w.Contains("more than", StringComparison.Ordinal));
    }

    [Fact]
    public void StreamingScan_SecretAcrossChunkBoundary_FoundOnce()
    {
        var scanner = new SecretScanner(SecretConfig.Default());
        var text = Encoding.ASCII.GetBytes(new string('a', 3 * 1024 * 1024 - 10) + "\n" + GitHubToken + "\n" + new string('b', 100));
        var stream = scanner.BeginStream("app/x.log");
        for (var at = 0; at < text.Length; at += 1 << 20)
        {
            stream.Observe(text.AsSpan(at, Math.Min(1 << 20, text.Length - at)));
        }
        var hit = Assert.Single(stream.Finish().Hits);
        Assert.Equal(2, hit.Line);
        Assert.Equal(1, hit.Column);
    }
}
