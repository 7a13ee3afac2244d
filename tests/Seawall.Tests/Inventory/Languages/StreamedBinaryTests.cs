using System.Formats.Tar;
using System.Text;
using Seawall.Artifacts.Layers;
using Seawall.Core.Analysis;
using Seawall.Core.Model;
using Seawall.Inventory.Languages.Go;
using Seawall.Inventory.Languages.Rust;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>
/// Large binaries in image layers stream past once through a capture instead of a buffer their size: what the Go and
/// Rust analyzers keep must be byte for byte what they keep from the whole file.
/// </summary>
public sealed class StreamedBinaryTests(GoBuildFixture go, RustBuildFixture rust) : IClassFixture<GoBuildFixture>, IClassFixture<RustBuildFixture>
{
    private static readonly AnalyzerHost Host = new([new GoBinaryAnalyzer(), new RustBinaryAnalyzer()]);

    private const int Executable = 0x1ED; // 0755

    public static TheoryData<string> GoTargets => [.. GoBuildFixture.Targets];

    private static byte[] Whole(string path) => Host.Condense(path, Executable, File.ReadAllBytes(path));

    private static byte[] Streamed(string path)
    {
        using var file = File.OpenRead(path);
        using var forward = new ForwardOnlyStream(file);
        var condensed = Host.CondenseStreaming(path, Executable, forward, file.Length);
        Assert.NotNull(condensed);
        Assert.Equal(file.Length, file.Position); // the whole file went through, once
        return condensed;
    }

    [Theory]
    [MemberData(nameof(GoTargets))]
    public void CondenseStreaming_GoBinaryOfEveryFormat_KeepsWhatTheWholeFileGives(string target)
    {
        var binary = go.Binary(target);
        var whole = Whole(binary);
        Assert.StartsWith(Encoding.ASCII.GetString(GoBuildInfoReader.Magic), Encoding.ASCII.GetString(whole)); // it is Go
        Assert.Equal(whole, Streamed(binary));
    }

    [Theory]
    [MemberData(nameof(GoBinaryAnalyzerTests.RealBinaries), MemberType = typeof(GoBinaryAnalyzerTests))]
    public void CondenseStreaming_RealGoBinary_KeepsWhatTheWholeFileGives(string path)
    {
        Assert.SkipUnless(File.Exists(path), $"{path} is not on this machine");
        Assert.Equal(Whole(path), Streamed(path));
    }

    [Fact]
    public void CondenseStreaming_CargoAuditableBinary_FindsTheSectionAfterTheLoadedBytes()
    {
        var json = """{"packages":[{"name":"hello","version":"0.1.0","source":"local","root":true,"dependencies":[1]},{"name":"serde","version":"1.0.190","source":"crates.io"}]}""";
        var binary = rust.WithSection("hello-streamed", RustBuildFixture.Zlib(Encoding.UTF8.GetBytes(json)));
        var whole = Whole(binary);
        Assert.StartsWith("SEAWALL-DEP-V0\n", Encoding.ASCII.GetString(whole));
        Assert.Equal(whole, Streamed(binary));
    }

    [Fact]
    public void CondenseStreaming_NativeBinaryWithoutBuildInfo_KeepsNothing()
    {
        var binary = rust.Plain;
        Assert.Empty(Whole(binary));
        Assert.Empty(Streamed(binary));
    }

    [Fact]
    public void CondenseFrom_CaptureMissingTheBuildInfo_GivesAnErrorNamingTheStreamedPass()
    {
        var binary = File.ReadAllBytes(go.Binary("linux/amd64"));
        var capture = new SparseCapture(binary.Length);
        capture.Request(0, 64 * 1024); // the headers only
        capture.Fill(binary);
        using var sparse = capture.ToStream();
        var condensed = new GoBinaryAnalyzer().CondenseFrom("hello", sparse);
        var result = GoBuildInfoReader.Read(new MemoryStream(condensed));
        Assert.Null(result.Info);
        Assert.Contains("streamed in one pass", result.Error);
    }

    [Fact]
    public async Task ReadAsync_LayerWithABinaryOverTheThreshold_StreamsItAndKeepsTheSameSummary()
    {
        // A Go binary padded past the streaming threshold: ELF readers ignore bytes after the section table.
        var binary = File.ReadAllBytes(go.Binary("linux/amd64"));
        var padded = new byte[LayerReader.StreamingThreshold + 4096];
        binary.CopyTo(padded, 0);
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "usr/bin/big") { Mode = (UnixFileMode)Executable, DataStream = new MemoryStream(padded) };
            writer.WriteEntry(entry);
        }
        tar.Position = 0;
        var layer = new LayerRef(0, "sha256:test", null);
        var snapshot = await LayerReader.ReadAsync(new ForwardOnlyStream(tar), layer, Host.MaxSizeFor, TestContext.Current.CancellationToken,
            condense: Host.Condense, condenseStreaming: Host.CondenseStreaming);
        Assert.Equal(Host.Condense("usr/bin/big", Executable, padded), snapshot.Contents["usr/bin/big"]);
        Assert.NotEmpty(snapshot.Contents["usr/bin/big"]);
    }

    /// <summary>A stream that can only be read forward, as a layer's decompressed tar is.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
