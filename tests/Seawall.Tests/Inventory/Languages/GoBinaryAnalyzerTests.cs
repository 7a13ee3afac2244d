using System.Buffers.Binary;
using System.Text;
using Seawall.Core.Analysis;
using Seawall.Inventory.Executables;
using Seawall.Inventory.Languages.Go;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>
/// Builds a tiny Go program (with a dependency replaced by a local directory) for every executable format, with the
/// Go toolchain this machine has (`apt-get install golang-go`; .ci/install installs it). Offline: the only
/// dependency is local. The build cache makes later runs take a second.
/// </summary>
public sealed class GoBuildFixture : IDisposable
{
    public static readonly string[] Targets = ["linux/amd64", "linux/386", "linux/s390x", "windows/amd64", "darwin/arm64"];

    private readonly Lazy<string?> _dir;

    public GoBuildFixture()
    {
        _dir = new Lazy<string?>(Build);
    }

    public static string? Go => ExternalTool.Find("go", "/usr/lib/go/bin", "/usr/local/go/bin");

    /// <summary>The binary built for "os/arch", or a skip when Go is not installed.</summary>
    public string Binary(string target)
    {
        Assert.SkipWhen(Go is null, "the Go toolchain is not installed (apt-get install golang-go); it builds the test binaries");
        return Path.Combine(_dir.Value!, "hello-" + target.Replace('/', '-'));
    }

    private static string? Build()
    {
        if (Go is not { } go)
        {
            return null;
        }
        var dir = Path.Combine(Path.GetTempPath(), "seawall-gobuild-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "lib"));
        File.WriteAllText(Path.Combine(dir, "go.mod"), "module example.com/hello\n\ngo 1.19\n\nrequire example.com/lib v1.2.3\n\nreplace example.com/lib v1.2.3 => ./lib\n");
        File.WriteAllText(Path.Combine(dir, "main.go"), "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\nfunc main() { fmt.Println(lib.Greeting()) }\n");
        File.WriteAllText(Path.Combine(dir, "lib", "go.mod"), "module example.com/lib\n\ngo 1.19\n");
        File.WriteAllText(Path.Combine(dir, "lib", "lib.go"), "package lib\n\nfunc Greeting() string { return \"hello\" }\n");
        foreach (var target in Targets)
        {
            var env = new Dictionary<string, string>
            {
                ["GOOS"] = target.Split('/')[0],
                ["GOARCH"] = target.Split('/')[1],
                ["GOPROXY"] = "off",
                ["GOFLAGS"] = "-mod=mod",
                ["CGO_ENABLED"] = "0",
                ["GOWORK"] = "off",
            };
            ExternalTool.Run(go, dir, env, "build", "-o", "hello-" + target.Replace('/', '-'), ".");
        }
        return dir;
    }

    public void Dispose()
    {
        if (_dir.IsValueCreated && _dir.Value is { } dir)
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class GoBinaryAnalyzerTests(GoBuildFixture build) : IClassFixture<GoBuildFixture>
{
    private static readonly GoBinaryAnalyzer Analyzer = new();

    /// <summary>Go binaries this machine has after .ci/install (Debian's, built without module information), and others with many modules.</summary>
    public static TheoryData<string> RealBinaries =>
    [
        "/usr/bin/docker",
        "/usr/sbin/dockerd",
        "/usr/bin/containerd",
        "/usr/sbin/runc",
        "/usr/bin/skopeo",
        "/usr/bin/umoci",
        "/usr/bin/docker-registry",
        "/usr/local/bin/terraform",
        "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
        "/usr/lib/google-cloud-sdk/bin/anthoscli",
        "/usr/lib/google-cloud-sdk/platform/bigtable-emulator/cbtemulator",
        "/usr/lib/google-cloud-sdk/platform/google_appengine/go-app-stager",
    ];

    [Theory]
    [MemberData(nameof(RealBinaries))]
    public async Task Analyze_RealGoBinary_MatchesGoVersionM(string path)
    {
        Assert.SkipUnless(File.Exists(path), $"{path} is not on this machine");
        Assert.SkipWhen(GoBuildFixture.Go is null, "the Go toolchain (`go version -m`, the oracle) is not installed");
        var packages = await AnalyzeFile(path);
        var (expected, main) = Oracle(path);
        // The main module's version may come from -ldflags, which `go version -m` does not interpret: compared below.
        Assert.Equal(expected, packages.Where(p => p.Name != main).Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal).ToList());
        Assert.All(packages, p => Assert.Equal("Go", p.Ecosystem));
        Assert.Equal(path.TrimStart('/'), Assert.Single(packages.Select(p => p.FilePath).Distinct()));
    }

    [Theory]
    [InlineData("linux/amd64", ExecutableFormat.Elf)]
    [InlineData("linux/386", ExecutableFormat.Elf)]
    [InlineData("linux/s390x", ExecutableFormat.Elf)]
    [InlineData("windows/amd64", ExecutableFormat.Pe)]
    [InlineData("darwin/arm64", ExecutableFormat.MachO)]
    public async Task Analyze_BinaryOfEachFormat_MatchesGoVersionM(string target, ExecutableFormat format)
    {
        var path = build.Binary(target);
        using (var stream = File.OpenRead(path))
        {
            Assert.Equal(format, ExecutableFile.Open(stream)!.Format);
        }
        var packages = await AnalyzeFile(path);
        Assert.Equal(Oracle(path).Expected, packages.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal).ToList());
        // The dependency replaced by a directory keeps the directory's path and no version; the main module is "(devel)".
        Assert.Contains(packages, p => p.Name == "./lib" && p.Version.Length == 0);
        Assert.DoesNotContain(packages, p => p.Name == "example.com/hello");
        Assert.True(Assert.Single(packages, p => p.Name == "stdlib").Direct);
    }

    [Fact]
    public async Task Analyze_UpxPackedOrNonGoExecutables_AreSilentlyNotGo()
    {
        // trivy-cdxgen is UPX-packed: its build info is compressed, as Trivy's own docs say it cannot be read.
        var checkedAny = false;
        foreach (var path in new[] { "/usr/local/bin/trivy-cdxgen", "/bin/ls", "/usr/bin/dpkg", Environment.ProcessPath! })
        {
            if (!File.Exists(path))
            {
                continue;
            }
            var bytes = File.ReadAllBytes(path);
            Assert.Empty(Analyzer.Condense(path, bytes));
            var sink = await GoModAnalyzerTests.Analyze(path.TrimStart('/'), bytes, Analyzer);
            Assert.Empty(sink.Results);
            Assert.Empty(sink.Warnings);
            checkedAny = true;
        }
        Assert.True(checkedAny);
    }

    [Fact]
    public async Task Analyze_PointerLayoutOfGoBefore118_ReadsStringsThroughTheSegments()
    {
        // No pre-1.18 toolchain is installable here, so this builds the layout Go 1.13-1.17 wrote, by its spec: an ELF
        // whose data segment holds the 32-byte header with two pointers to Go string headers (address, length).
        var mod = "path\texample.com/old\nmod\texample.com/old\tv1.0.0\th1:abc=\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:def=\ndep\tgolang.org/x/text\tv0.3.0\n=>\tgolang.org/x/text\tv0.3.7\th1:ghi=\n";
        var elf = OldLayoutElf("go1.16.15", Sentinels(mod), bigEndian: false);
        var packages = (await GoModAnalyzerTests.Analyze("old", elf, Analyzer)).Results.Single().Packages;
        Assert.Equal(["example.com/old@v1.0.0", "github.com/pkg/errors@v0.9.1", "golang.org/x/text@v0.3.7", "stdlib@v1.16.15"], packages.Select(p => $"{p.Name}@{p.Version}"));
        Assert.Equal(["github.com/pkg/errors@v0.9.1", "golang.org/x/text@v0.3.7", "stdlib@v1.16.15"], packages.Single(p => p.Name == "example.com/old").DependsOn);
        // Condensed to the inline layout, which parses the same and condenses to itself.
        var condensed = Analyzer.Condense("old", elf);
        Assert.True(condensed.Length < 400);
        Assert.Equal(condensed, Analyzer.Condense("old", condensed));
        var again = (await GoModAnalyzerTests.Analyze("old", condensed, Analyzer)).Results.Single().Packages;
        Assert.Equal(packages.Select(p => $"{p.Name}@{p.Version}"), again.Select(p => $"{p.Name}@{p.Version}"));

        var bigEndian = OldLayoutElf("go1.15", Sentinels("path\tx\n"), bigEndian: true);
        Assert.Equal(["stdlib@v1.15"], (await GoModAnalyzerTests.Analyze("be", bigEndian, Analyzer)).Results.Single().Packages.Select(p => $"{p.Name}@{p.Version}"));
    }

    [Fact]
    public async Task Analyze_PointerLayoutPointingOutsideTheFile_Warns()
    {
        var elf = OldLayoutElf("go1.16", Sentinels("path\tx\n"), bigEndian: false);
        // The module pointer at header+24 now points far outside any segment.
        var blob = elf.AsSpan().IndexOf(GoBuildInfoReader.Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(blob + 24), 0x7fff_0000_0000);
        var sink = await GoModAnalyzerTests.Analyze("bad", elf, Analyzer);
        Assert.Empty(sink.Results);
        Assert.Contains("module information: string header at 0x7fff00000000 is not in the file", Assert.Single(sink.Warnings));
    }

    [Fact]
    public async Task Analyze_TruncatedBinary_WarnsOrRecoversNeverThrows()
    {
        var full = File.ReadAllBytes(build.Binary("linux/amd64"));
        var expected = await Names(full);
        foreach (var fraction in new[] { 0.001, 0.05, 0.2, 0.5, 0.8, 0.95, 0.999 })
        {
            var cut = full[..(int)(full.Length * fraction)];
            var sink = await GoModAnalyzerTests.Analyze("cut", cut, Analyzer);
            if (sink.Results.Count > 0)
            {
                // The build info survived the cut: found anyway, by a scan of the raw bytes when the tables are gone.
                Assert.Equal(expected, sink.Results.Single().Packages.Select(p => $"{p.Name}@{p.Version}").ToList());
            }
            else
            {
                // Cut before the build info, or inside it.
                Assert.Matches("truncated or malformed ELF file|runs past the end of the file|lies outside the file", Assert.Single(sink.Warnings));
            }
        }
        // The header alone (64 bytes of a 1.8 MB program): its tables point past the end.
        var headerOnly = await GoModAnalyzerTests.Analyze("cut", full[..64], Analyzer);
        Assert.Contains("lies past the end of the 64-byte file", Assert.Single(headerOnly.Warnings));
    }

    [Fact]
    public async Task Analyze_SectionTablePastTheEnd_FindsTheBuildInfoThroughTheSegments()
    {
        var bytes = File.ReadAllBytes(build.Binary("linux/amd64"));
        var expected = await Names(bytes);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x28), (ulong)bytes.Length + 4096); // e_shoff
        Assert.Equal(expected, await Names(bytes));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x28), 0); // no section table at all (sstrip)
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3C), 0);
        Assert.Equal(expected, await Names(bytes));
    }

    [Fact]
    public async Task Analyze_BuildInfoSectionPastTheEnd_Warns()
    {
        var bytes = File.ReadAllBytes(build.Binary("linux/amd64"));
        var header = ElfSectionHeader(bytes, ".go.buildinfo");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(header + 24), (ulong)bytes.Length + 100); // sh_offset
        var sink = await GoModAnalyzerTests.Analyze("bad", bytes, Analyzer);
        Assert.Empty(sink.Results);
        Assert.Contains("section .go.buildinfo lies outside the file", Assert.Single(sink.Warnings));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "Go version claims 9223372036854775808 bytes, over the 1024-byte cap")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, "Go version: bad length prefix")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0x7F }, "Go version claims 268435455 bytes")]
    public async Task Analyze_HugeOrBrokenVarintLength_Warns(byte[] prefix, string expected)
    {
        var bytes = File.ReadAllBytes(build.Binary("linux/amd64"));
        var blob = bytes.AsSpan().IndexOf(GoBuildInfoReader.Magic);
        prefix.CopyTo(bytes, blob + 32);
        var sink = await GoModAnalyzerTests.Analyze("bad", bytes, Analyzer);
        Assert.Empty(sink.Results);
        Assert.Contains(expected, Assert.Single(sink.Warnings));
        // The warning survives condensing, so an image layer reports it too.
        var again = await GoModAnalyzerTests.Analyze("bad", Analyzer.Condense("bad", bytes), Analyzer);
        Assert.Equal(sink.Warnings, again.Warnings);
    }

    [Fact]
    public async Task Analyze_ModuleTextLengthPastTheEnd_Warns()
    {
        var bytes = File.ReadAllBytes(build.Binary("linux/amd64"));
        var blob = bytes.AsSpan().IndexOf(GoBuildInfoReader.Magic);
        var versionLength = bytes[blob + 32];
        var modAt = blob + 33 + versionLength;
        var cut = bytes[..(modAt + 3)];
        cut[modAt] = 0xE8;
        cut[modAt + 1] = 0x07; // 1000 bytes, of which 1 remains
        var sink = await GoModAnalyzerTests.Analyze("bad", cut, Analyzer);
        Assert.Contains("module information (1000 bytes at offset", Assert.Single(sink.Warnings));
    }

    [Fact]
    public async Task Analyze_RandomlyCorruptedHeaders_NeverThrow()
    {
        var original = File.ReadAllBytes(build.Binary("linux/amd64"));
        var blob = original.AsSpan().IndexOf(GoBuildInfoReader.Magic);
        var random = new Random(1234);
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var n = 0; n < 8; n++)
            {
                // The ELF header and tables, and the build info blob: where every offset and length is read.
                var at = random.Next(2) == 0 ? random.Next(0, 4096) : blob + random.Next(0, 64);
                bytes[at] = (byte)random.Next(256);
            }
            var condensed = Analyzer.Condense("x", bytes);
            Assert.Equal(condensed, Analyzer.Condense("x", condensed));
            await GoModAnalyzerTests.Analyze("x", condensed, Analyzer);
        }
    }

    /// <summary>Condenses the way an image layer does and the way a directory scan does, checks both agree, and analyzes.</summary>
    private static async Task<IReadOnlyList<Seawall.Core.Model.Package>> AnalyzeFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var condensed = Analyzer.Condense(path, bytes);
        using (var stream = File.OpenRead(path))
        {
            Assert.Equal(condensed, Analyzer.CondenseFrom(path, stream));
        }
        Assert.Equal(condensed, Analyzer.Condense(path, condensed));
        Assert.True(condensed.Length < bytes.Length / 20 && condensed.Length < 256 * 1024, $"{path}: condensed to {condensed.Length} bytes");
        var raw = await GoModAnalyzerTests.Analyze(path.TrimStart('/'), bytes, Analyzer);
        var sink = await GoModAnalyzerTests.Analyze(path.TrimStart('/'), condensed, Analyzer);
        Assert.Empty(sink.Warnings);
        var result = Assert.Single(sink.Results);
        Assert.Equal("gobinary", result.Type);
        Assert.Equal(raw.Results.Single().Packages.Select(Describe), result.Packages.Select(Describe));
        return result.Packages;
    }

    /// <summary>Everything an analyzer sets, comparable (records compare their lists by reference).</summary>
    internal static string Describe(Seawall.Core.Model.Package p) =>
        $"{p.Name}@{p.Version} {p.Ecosystem} direct={p.Direct} file={p.FilePath} deps=[{string.Join(',', p.DependsOn)}]";

    private static async Task<List<string>> Names(byte[] bytes) =>
        [.. (await GoModAnalyzerTests.Analyze("x", bytes, Analyzer)).Results.SelectMany(r => r.Packages).Select(p => $"{p.Name}@{p.Version}")];

    [Theory]
    [InlineData("/usr/lib/google-cloud-sdk/bin/kpt", "github.com/GoogleContainerTools/kpt@1.0.0-beta.56")] // (devel), -X .../run.version=1.0.0-beta.56
    [InlineData("/usr/lib/google-cloud-sdk/bin/cbt", "cloud.google.com/go/cbt@1.23.2")] // v0.0.0-2025...+dirty, -X "main.version=1.23.2"
    [InlineData("/usr/local/bin/terraform", null)] // (devel), no -X version
    public async Task Analyze_MainModuleBuiltFromACheckout_TakesTheLdflagsVersion(string path, string? expected)
    {
        Assert.SkipUnless(File.Exists(path), $"{path} is not on this machine");
        var packages = await AnalyzeFile(path);
        var main = packages.Where(p => p.DependsOn.Count > 0).Select(p => $"{p.Name}@{p.Version}").SingleOrDefault();
        Assert.Equal(expected, main);
    }

    [Theory]
    [InlineData("\"-X main.version=1.2.3 -X main.commit=abc\"", "1.2.3")]
    [InlineData("\"-X 'main.Version=v2.0.0' -X=example.com/m/cmd/tool.version=3.1.0\"", "3.1.0")] // the module's cmd/ wins
    [InlineData("\"-X main.version=1.0.0 -X common.version=1.0.1\"", null)] // two in the same group: no version
    [InlineData("\"-X example.com/m/internal/build.ver=0.9.0-rc.1\"", "0.9.0-rc.1")]
    [InlineData("\"-X main.version=dev\"", null)] // not semver
    [InlineData("\"-X main.version=\\\"unterminated\"", null)]
    [InlineData("-s", null)]
    public void MainVersion_LdflagsRules(string ldflags, string? expected)
    {
        var modInfo = new GoModInfo("go1.22.0", "example.com/m", new GoModule("example.com/m", "(devel)"), [], [new("-ldflags", ldflags)]);
        Assert.Equal(expected, GoBinaryAnalyzer.MainVersion(modInfo));
    }

    /// <summary>What `go version -m` lists, as Seawall names it: deps with replacements applied, "(devel)" as no version, stdlib "v1.x.y".</summary>
    private static (List<string> Expected, string? Main) Oracle(string binary)
    {
        var output = ExternalTool.Run(GoBuildFixture.Go!, Path.GetTempPath(), null, "version", "-m", binary);
        var lines = output.Split('\n');
        var goVersion = lines[0][(lines[0].LastIndexOf(": ", StringComparison.Ordinal) + 2)..].Trim();
        (string Path, string Version)? main = null;
        var deps = new List<(string Path, string Version)>();
        var last = "";
        foreach (var line in lines.Skip(1).Where(l => l.StartsWith('\t')))
        {
            var f = line[1..].Split('\t');
            switch (f[0])
            {
                case "mod":
                    main = (f[1], f[2]);
                    last = "mod";
                    break;
                case "dep":
                    deps.Add((f[1], f[2]));
                    last = "dep";
                    break;
                case "=>" when last == "dep":
                    deps[^1] = (f[1], f[2]);
                    break;
                case "=>" when last == "mod":
                    main = (f[1], f[2]);
                    break;
            }
        }
        static string V(string v) => v == "(devel)" ? "" : v;
        var names = deps.Select(d => $"{d.Path}@{V(d.Version)}").ToList();
        names.Add($"stdlib@v{goVersion[2..].Split(' ')[0]}");
        return ([.. names.Order(StringComparer.Ordinal)], main?.Path);
    }

    private static byte[] Sentinels(string text) =>
        [.. Convert.FromHexString("3077af0c9274080241e1c107e6d618e6"), .. Encoding.UTF8.GetBytes(text), .. Convert.FromHexString("f932433186182072008242104116d8f2")];

    /// <summary>A minimal ELF64 with one read-write PT_LOAD segment holding a pre-1.18 (pointer layout) build info blob.</summary>
    private static byte[] OldLayoutElf(string goVersion, byte[] mod, bool bigEndian)
    {
        const ulong baseAddress = 0x500000;
        const int segmentOffset = 0x1000;
        var version = Encoding.ASCII.GetBytes(goVersion);
        var segment = new byte[0x200 + mod.Length];
        void Put64(Span<byte> at, ulong v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt64BigEndian(at, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(at, v);
            }
        }
        GoBuildInfoReader.Magic.CopyTo(segment);
        segment[14] = 8;
        segment[15] = bigEndian ? (byte)1 : (byte)0;
        Put64(segment.AsSpan(16), baseAddress + 0x40);
        Put64(segment.AsSpan(24), baseAddress + 0x50);
        Put64(segment.AsSpan(0x40), baseAddress + 0x100);
        Put64(segment.AsSpan(0x48), (ulong)version.Length);
        Put64(segment.AsSpan(0x50), baseAddress + 0x200);
        Put64(segment.AsSpan(0x58), (ulong)mod.Length);
        version.CopyTo(segment, 0x100);
        mod.CopyTo(segment, 0x200);

        var elf = new byte[segmentOffset + segment.Length];
        "\u007fELF"u8.CopyTo(elf);
        elf[4] = 2; // 64-bit
        elf[5] = bigEndian ? (byte)2 : (byte)1;
        elf[6] = 1;
        void Put16(int at, ushort v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(elf.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(at), v);
            }
        }
        void Put32(int at, uint v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(elf.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(at), v);
            }
        }
        Put16(0x10, 2); // ET_EXEC
        Put64(elf.AsSpan(0x20), 64); // e_phoff
        Put16(0x36, 56); // e_phentsize
        Put16(0x38, 1); // e_phnum
        Put32(64, 1); // PT_LOAD
        Put32(68, 6); // PF_R | PF_W
        Put64(elf.AsSpan(72), segmentOffset);
        Put64(elf.AsSpan(80), baseAddress);
        Put64(elf.AsSpan(96), (ulong)segment.Length);
        Put64(elf.AsSpan(104), (ulong)segment.Length);
        segment.CopyTo(elf, segmentOffset);
        return elf;
    }

    /// <summary>The file offset of a named section's header in a little-endian ELF64.</summary>
    internal static int ElfSectionHeader(byte[] elf, string name)
    {
        var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        var names = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3E));
        var namesOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(shoff + names * 64 + 24));
        for (var i = 0; i < count; i++)
        {
            var header = shoff + i * 64;
            var nameAt = namesOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(header));
            var end = Array.IndexOf(elf, (byte)0, nameAt);
            if (Encoding.ASCII.GetString(elf, nameAt, end - nameAt) == name)
            {
                return header;
            }
        }
        throw new InvalidOperationException($"no section {name}");
    }
}
