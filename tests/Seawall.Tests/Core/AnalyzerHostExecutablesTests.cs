using Seawall.Core.Analysis;
using Seawall.Core.FileTree;

namespace Seawall.Tests.Core;

public sealed class AnalyzerHostExecutablesTests
{
    /// <summary>Condenses a file that starts with its tag to "tag:summary", anything else to nothing, as binary analyzers do.</summary>
    private sealed class BinaryLike(string tag) : IAnalyzer
    {
        public string Id => tag;

        public int Version => 1;

        public bool WantsExecutables => true;

        public bool IsApplicable(string path) => false;

        public byte[] Condense(string path, byte[] content) =>
            content.AsSpan().StartsWith(System.Text.Encoding.ASCII.GetBytes(tag)) ? System.Text.Encoding.ASCII.GetBytes(tag + ":summary") : [];

        public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
        {
            foreach (var file in input.Files)
            {
                sink.Warn($"{tag} got {file.Path}={System.Text.Encoding.ASCII.GetString(file.Content)}");
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>Wants one path by name and keeps it whole.</summary>
    private sealed class ByName(string name) : IAnalyzer
    {
        public string Id => "byname";

        public int Version => 1;

        public bool IsApplicable(string path) => path == name;

        public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
        {
            foreach (var file in input.Files)
            {
                sink.Warn($"byname got {file.Path} ({file.Content.Length} bytes)");
            }
            return Task.CompletedTask;
        }
    }

    private static readonly AnalyzerHost Host = new([new BinaryLike("GO"), new BinaryLike("RUST"), new ByName("etc/tool")]);

    private static byte[] Program(string tag) => [.. System.Text.Encoding.ASCII.GetBytes(tag), .. new byte[8192]];

    [Theory]
    [InlineData(0x1ED, 8192, true)] // 0755
    [InlineData(0x1C0, 8192, true)] // 0700
    [InlineData(0x1A4, 8192, false)] // 0644: data
    [InlineData(0x1ED, 4095, false)] // a script
    public void MaxSizeFor_ExecutableBitAndSize_DecideWhetherBinaryAnalyzersWantIt(int mode, long size, bool wanted) =>
        Assert.Equal(wanted, Host.MaxSizeFor("opt/x", mode, size) >= 0);

    [Fact]
    public void Condense_SeveralBinaryAnalyzers_KeepTheOneSummaryThereIs()
    {
        Assert.Equal("GO:summary"u8.ToArray(), Host.Condense("bin/a", 0x1ED, Program("GO")));
        Assert.Equal("RUST:summary"u8.ToArray(), Host.Condense("bin/b", 0x1ED, Program("RUST")));
        Assert.Empty(Host.Condense("bin/c", 0x1ED, Program("ELF")));
        using var stream = new MemoryStream(Program("RUST"));
        Assert.Equal("RUST:summary"u8.ToArray(), Host.Condense("bin/b", 0x1ED, stream));
        // Not executable: no binary analyzer wants it, kept as it is.
        var data = Program("GO");
        Assert.Same(data, Host.Condense("share/a", 0x1A4, data));
        // Wanted by name too (and kept whole by that analyzer): two summaries, so the file stays whole.
        var tool = Program("GO");
        Assert.Same(tool, Host.Condense("etc/tool", 0x1ED, tool));
    }

    [Fact]
    public async Task Run_DirectoryTree_HandsEachExecutableToItsBinaryAnalyzerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "file modes are Unix's");
        var root = Directory.CreateTempSubdirectory("seawall-host-").FullName;
        try
        {
            void Write(string path, byte[] content, UnixFileMode mode)
            {
                var full = Path.Combine(root, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllBytes(full, content);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(full, mode);
                }
            }
            const UnixFileMode exec = (UnixFileMode)0x1ED;
            Write("bin/go-tool", Program("GO"), exec);
            Write("bin/rust-tool", Program("RUST"), exec);
            Write("bin/c-tool", Program("ELF"), exec);
            Write("share/go-copy", Program("GO"), (UnixFileMode)0x1A4);
            Write("bin/script", "GO script"u8.ToArray(), exec);
            Write("etc/tool", Program("RUST"), exec);
            var sink = await Host.RunAsync(DirectoryFileTree.Walk(root), CancellationToken.None);
            Assert.Equal(
                ["GO got bin/go-tool=GO:summary", "RUST got bin/rust-tool=RUST:summary", "RUST got etc/tool=RUST:summary", "byname got etc/tool (8196 bytes)"],
                sink.Warnings.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
