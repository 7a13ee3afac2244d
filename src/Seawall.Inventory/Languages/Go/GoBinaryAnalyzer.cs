using Seawall.Core.Analysis;
using Seawall.Core.Model;
using Seawall.Inventory.Executables;

namespace Seawall.Inventory.Languages.Go;

/// <summary>
/// Go binaries wherever they lie (any executable): the modules linked in, with replacements applied, the main
/// module when it carries a version (its own, or one passed with -ldflags -X), and the toolchain as the "stdlib" package (go1.22.5 becomes v1.22.5,
/// as Trivy writes it). Versions keep Go's "v" prefix.
/// </summary>
public sealed class GoBinaryAnalyzer : ExecutableAnalyzer
{
    public override string Id => "gobinary";

    public override int Version => 1;

    /// <summary>Kept after a build-info magic found in a streamed binary: the header and inline strings of any real binary.</summary>
    private const int BlobWindow = 1024 * 1024;

    /// <summary>Hits kept per file: a real binary has one blob (plus the magic as a constant in binaries that read others).</summary>
    private const int MaxBlobHits = 8;

    internal override void FindSignatures(long offset, ReadOnlySpan<byte> chunk, SparseCapture capture, ExecutableLayout layout)
    {
        // Go aligns the blob to 16 bytes in the file as in memory; chunks start at multiples of 1 MB, so an aligned
        // 14-byte magic never spans two chunks.
        var hits = 0;
        var from = 0;
        while (from < chunk.Length && hits < MaxBlobHits)
        {
            var at = chunk[from..].IndexOf(GoBuildInfoReader.Magic);
            if (at < 0)
            {
                break;
            }
            var absolute = offset + from + at;
            if (absolute % 16 == 0)
            {
                capture.Request(absolute, BlobWindow);
                hits++;
            }
            from += at + 1;
        }
    }

    protected override byte[] CondensedError(string message) => GoBuildInfoReader.SerializeError(message);

    protected override byte[] CondenseExecutable(string path, Stream content)
    {
        var result = GoBuildInfoReader.Read(content);
        return result.Info is { } info ? GoBuildInfoReader.Serialize(info)
            : result.Error is { } error ? GoBuildInfoReader.SerializeError(error)
            : [];
    }

    public override Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.Content.Length == 0)
            {
                continue; // condensed to nothing: not a Go binary
            }
            GoBuildInfoResult result;
            using (var stream = new MemoryStream(file.Content, writable: false))
            {
                result = GoBuildInfoReader.Read(stream);
            }
            if (result.Error is { } error)
            {
                sink.Warn($"{file.Path}: {error}");
                continue;
            }
            if (result.Info is not { } info)
            {
                continue;
            }
            var packages = Packages(GoModInfo.Parse(info), file.Path, file.Node.Layer);
            if (packages.Count > 0)
            {
                sink.AddResult(new ScanResult { Target = file.Path, Class = ResultClass.LangPackages, Type = "gobinary", Packages = packages });
            }
        }
        return Task.CompletedTask;
    }

    internal static IReadOnlyList<Package> Packages(GoModInfo modInfo, string filePath, LayerRef? layer)
    {
        var packages = new List<Package>();
        if (StdlibVersion(modInfo.GoVersion) is { } stdlib)
        {
            // The main module depends on the standard library it was built with.
            packages.Add(new Package { Name = "stdlib", Version = stdlib, Ecosystem = "Go", Direct = true, FilePath = filePath, Layer = layer });
        }
        foreach (var dep in modInfo.Deps)
        {
            var module = dep.Effective;
            // Binaries from old toolchains can list the main module again as a dep with an empty path.
            if (module.Path.Length == 0)
            {
                continue;
            }
            packages.Add(new Package { Name = module.Path, Version = RealVersion(module.Version), Ecosystem = "Go", FilePath = filePath, Layer = layer });
        }
        if (MainVersion(modInfo) is { } mainVersion)
        {
            var main = modInfo.Main!.Effective;
            packages.Add(new Package
            {
                Name = main.Path,
                Version = mainVersion,
                Ecosystem = "Go",
                FilePath = filePath,
                Layer = layer,
                DependsOn = [.. packages.Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal)],
            });
        }
        return [.. packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The application's own version, or null when the binary does not tell: `go install path@version` stamps it; a build
    /// from a checkout stamps "(devel)" or a v0.0.0 pseudo-version, where a version passed with -ldflags -X wins (as Trivy).
    /// </summary>
    internal static string? MainVersion(GoModInfo modInfo)
    {
        if (modInfo.Main is not { } main || main.Effective.Path.Length == 0)
        {
            return null;
        }
        var version = RealVersion(main.Effective.Version);
        if (version.Length == 0 || version.StartsWith("v0.0.0", StringComparison.Ordinal))
        {
            version = GoLdflagsVersion.Find(main.Path, modInfo.Settings) ?? version;
        }
        return version.Length > 0 ? version : null;
    }

    /// <summary>"go1.22.5" or "go1.22.3 X:boringcrypto" to "v1.22.5"; null for a development toolchain ("devel go1.23-...").</summary>
    internal static string? StdlibVersion(string goVersion)
    {
        if (!goVersion.StartsWith("go", StringComparison.Ordinal) || goVersion.Length < 3)
        {
            return null;
        }
        var version = goVersion[2..];
        var space = version.IndexOf(' ', StringComparison.Ordinal);
        return "v" + (space >= 0 ? version[..space] : version);
    }

    /// <summary>"(devel)" is the toolchain's word for "no version": a local replacement, a main module built from a checkout.</summary>
    private static string RealVersion(string version) => version == "(devel)" ? string.Empty : version;
}
