using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Seawall.Inventory.Languages.Go;
using Seawall.Inventory.Languages.Rust;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>
/// A real Rust binary, built here with rustc (no crates: crates.io is out of reach), given a .dep-v0 section with
/// objcopy exactly as cargo-auditable's linker step would: zlib-compressed JSON in a section of that name (Debian has
/// no cargo-auditable package to build one the usual way).
/// </summary>
public sealed class RustBuildFixture : IDisposable
{
    private readonly Lazy<string?> _dir;

    public RustBuildFixture()
    {
        _dir = new Lazy<string?>(Build);
    }

    public static string? Rustc => ExternalTool.Find("rustc", Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".cargo", "bin"));

    public static string? Objcopy => ExternalTool.Find("objcopy");

    /// <summary>The plain binary (no .dep-v0), or a skip when rustc or objcopy is missing.</summary>
    public string Plain => Path.Combine(Dir, "hello");

    public string Dir
    {
        get
        {
            Assert.SkipWhen(Rustc is null || Objcopy is null, "rustc and objcopy (binutils) are needed to build the Rust test binary");
            return _dir.Value!;
        }
    }

    /// <summary>The binary with a .dep-v0 section holding these bytes (written once per name).</summary>
    public string WithSection(string name, byte[] section)
    {
        var output = Path.Combine(Dir, name);
        if (!File.Exists(output))
        {
            var sectionFile = output + ".section";
            File.WriteAllBytes(sectionFile, section);
            ExternalTool.Run(Objcopy!, Dir, null, "--add-section", $".dep-v0={sectionFile}", "--set-section-flags", ".dep-v0=noload,readonly", Plain, output);
        }
        return output;
    }

    public static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }
        return output.ToArray();
    }

    private static string? Build()
    {
        if (Rustc is not { } rustc)
        {
            return null;
        }
        var dir = Path.Combine(Path.GetTempPath(), "seawall-rustbuild-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "main.rs"), "fn main() { println!(\"hello\"); }\n");
        ExternalTool.Run(rustc, dir, null, "-O", "main.rs", "-o", "hello");
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

public sealed class RustBinaryAnalyzerTests(RustBuildFixture build) : IClassFixture<RustBuildFixture>
{
    private static readonly RustBinaryAnalyzer Analyzer = new();

    /// <summary>The shape cargo-auditable writes: indices into "packages", kind only when not "runtime", root on the built crate.</summary>
    internal static readonly string DependencyJson = """
        {"packages":[
          {"name":"anyhow","version":"1.0.80","source":"crates.io","dependencies":[3]},
          {"name":"cc","version":"1.0.90","source":"crates.io","kind":"build"},
          {"name":"hello","version":"0.1.0","source":"local","dependencies":[0,4,5,6],"root":true},
          {"name":"itoa","version":"1.0.10","source":"crates.io"},
          {"name":"mylib","version":"0.2.0","source":"local","dependencies":[3]},
          {"name":"serde","version":"1.0.197","source":"crates.io","dependencies":[7]},
          {"name":"zstd-sys","version":"2.0.9+zstd.1.5.5","source":"crates.io","dependencies":[1]},
          {"name":"serde_derive","version":"1.0.197","source":"crates.io","kind":"build"}
        ]}
        """;

    [Fact]
    public async Task Analyze_CargoAuditableBinary_ReportsRuntimeCratesWithoutRootOrBuildOnly()
    {
        var path = build.WithSection("hello-auditable", RustBuildFixture.Zlib(Encoding.UTF8.GetBytes(DependencyJson)));
        var bytes = File.ReadAllBytes(path);
        var condensed = Analyzer.Condense(path, bytes);
        using (var stream = File.OpenRead(path))
        {
            Assert.Equal(condensed, Analyzer.CondenseFrom(path, stream));
        }
        Assert.Equal(condensed, Analyzer.Condense(path, condensed));
        Assert.True(condensed.Length < 1024, $"condensed to {condensed.Length} bytes");

        var sink = await GoModAnalyzerTests.Analyze("usr/bin/hello", condensed, Analyzer);
        Assert.Empty(sink.Warnings);
        var result = Assert.Single(sink.Results);
        Assert.Equal("rustbinary", result.Type);
        Assert.Equal("usr/bin/hello", result.Target);
        Assert.Equal(["anyhow@1.0.80", "itoa@1.0.10", "mylib@0.2.0", "serde@1.0.197", "zstd-sys@2.0.9+zstd.1.5.5"], result.Packages.Select(p => $"{p.Name}@{p.Version}"));
        var byName = result.Packages.ToDictionary(p => p.Name);
        Assert.True(byName["anyhow"].Direct);
        Assert.False(byName["itoa"].Direct);
        Assert.Equal(["itoa@1.0.10"], byName["anyhow"].DependsOn);
        Assert.Empty(byName["serde"].DependsOn); // serde_derive is build-only
        Assert.Empty(byName["zstd-sys"].DependsOn); // cc too
        Assert.All(result.Packages, p => Assert.Equal("crates.io", p.Ecosystem));
        Assert.All(result.Packages, p => Assert.Equal("usr/bin/hello", p.FilePath));

        var raw = await GoModAnalyzerTests.Analyze("usr/bin/hello", bytes, Analyzer);
        Assert.Equal(result.Packages.Select(GoBinaryAnalyzerTests.Describe), raw.Results.Single().Packages.Select(GoBinaryAnalyzerTests.Describe));
        // The Go analyzer has nothing to say about it, and neither does this one about a Go binary.
        Assert.Empty(new GoBinaryAnalyzer().Condense(path, bytes));
    }

    [Fact]
    public async Task Analyze_RustBinaryWithoutDependencyList_IsSilent()
    {
        var bytes = File.ReadAllBytes(build.Plain);
        Assert.Empty(Analyzer.Condense(build.Plain, bytes));
        var sink = await GoModAnalyzerTests.Analyze("hello", bytes, Analyzer);
        Assert.Empty(sink.Results);
        Assert.Empty(sink.Warnings);
    }

    [Fact]
    public async Task Analyze_SectionPastTheEnd_Warns()
    {
        var bytes = File.ReadAllBytes(build.WithSection("hello-auditable", RustBuildFixture.Zlib(Encoding.UTF8.GetBytes(DependencyJson))));
        var header = GoBinaryAnalyzerTests.ElfSectionHeader(bytes, ".dep-v0");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(header + 24), (ulong)bytes.Length + 10);
        var sink = await GoModAnalyzerTests.Analyze("bad", bytes, Analyzer);
        Assert.Empty(sink.Results);
        Assert.Contains("section .dep-v0 lies outside the file", Assert.Single(sink.Warnings));
        Assert.Equal(sink.Warnings, (await GoModAnalyzerTests.Analyze("bad", Analyzer.Condense("bad", bytes), Analyzer)).Warnings);
    }

    [Fact]
    public async Task Analyze_HostileSections_WarnWithoutThrowing()
    {
        var cases = new (string Name, byte[] Section, string Expected)[]
        {
            ("not-zlib", "this is not zlib"u8.ToArray(), "section .dep-v0 is not zlib data"),
            // 64 MiB of spaces compress to a few KB: inflating stops at the cap.
            ("bomb", RustBuildFixture.Zlib(new byte[64 * 1024 * 1024]), "dependency list inflates past the 8388608-byte cap"),
            ("not-json", RustBuildFixture.Zlib("{\"packages\":[{"u8.ToArray()), "dependency list is not valid JSON"),
            ("no-packages", RustBuildFixture.Zlib("[1,2,3]"u8.ToArray()), "dependency list has no \"packages\" array"),
        };
        foreach (var (name, section, expected) in cases)
        {
            var sink = await GoModAnalyzerTests.Analyze(name, File.ReadAllBytes(build.WithSection(name, section)), Analyzer);
            Assert.Empty(sink.Results);
            Assert.Contains(expected, Assert.Single(sink.Warnings));
        }
    }

    [Fact]
    public async Task Analyze_DependencyIndexOutOfRange_WarnsAndKeepsTheCrates()
    {
        var json = """{"packages":[{"name":"app","version":"1.0.0","root":true,"dependencies":[1,99]},{"name":"log","version":"0.4.21","dependencies":[-1]}]}""";
        var sink = await GoModAnalyzerTests.Analyze("x", File.ReadAllBytes(build.WithSection("bad-index", RustBuildFixture.Zlib(Encoding.UTF8.GetBytes(json)))), Analyzer);
        Assert.Equal("log@0.4.21", Assert.Single(Assert.Single(sink.Results).Packages) is var p ? $"{p.Name}@{p.Version}" : null);
        Assert.Contains("crate log depends on entry -1, which the list does not have", Assert.Single(sink.Warnings));
    }

    [Fact]
    public void Parse_RealFormatExample_ReadsKindsAndDefaults()
    {
        var crates = CargoAuditableInfo.Parse(RustBuildFixture.Zlib(Encoding.UTF8.GetBytes(DependencyJson)));
        Assert.Equal(8, crates.Count);
        Assert.Equal("runtime", crates[0].Kind);
        Assert.Equal("build", crates[1].Kind);
        Assert.True(crates[2].Root);
        Assert.Equal([0, 4, 5, 6], crates[2].Dependencies);
        using var doc = JsonDocument.Parse(DependencyJson);
        Assert.Equal(doc.RootElement.GetProperty("packages").GetArrayLength(), crates.Count);
    }
}
