using Seawall.Core.FileTree;

namespace Seawall.Core.Analysis;

/// <summary>
/// An analyzer reads the files it asks for and reports what it found. It never walks the tree:
/// the host walks once and hands every analyzer the files whose paths it accepted.
/// </summary>
public interface IAnalyzer
{
    /// <summary>Stable id, used to select analyzers and in the cache key.</summary>
    string Id { get; }

    /// <summary>Bump when the analyzer reads more or different files or parses differently: it invalidates cached layers.</summary>
    int Version { get; }

    /// <summary>Cheap, path-only test. Called for every file of every layer: no allocation, no I/O.</summary>
    bool IsApplicable(string path);

    /// <summary>
    /// Which scans run this analyzer: image and rootfs scans read what is installed (package databases, installed
    /// metadata, binaries); fs scans read what a project declares (lockfiles, manifests), as Trivy does.
    /// </summary>
    PackageSources Sources => PackageSources.All;

    /// <summary>Largest file this analyzer wants; bigger files are skipped with a warning.</summary>
    long MaxFileSize => 64L * 1024 * 1024;

    /// <summary>
    /// Reduces a file to the part this analyzer reads, before it is held: as an image layer is read (and cached), and as
    /// a directory tree's files are loaded (a 20 KB copyright file becomes its licence lines, a binary its build info).
    /// The result must parse exactly as the original does, and condensing it again must give it back unchanged.
    /// </summary>
    byte[] Condense(string path, byte[] content) => content;

    /// <summary>
    /// Binaries can lie anywhere under any name: an analyzer that says true is also handed every regular file with an
    /// execute bit of at least <see cref="AnalyzerHost.MinExecutableSize"/> bytes, besides the paths it accepts.
    /// </summary>
    bool WantsExecutables => false;

    /// <summary>
    /// <see cref="Condense(string, byte[])"/> from a seekable stream over a file on disk, so an analyzer that needs a few
    /// bytes of a large binary can read just those. By default the file is read whole and condensed.
    /// </summary>
    byte[] CondenseFrom(string path, Stream content)
    {
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return Condense(path, buffer.ToArray());
    }

    /// <summary>
    /// For a file too large to hold whole as an image layer streams past (a 100 MB binary): a collector that keeps, in
    /// one forward pass, the ranges <see cref="CondenseFrom"/> will read; it is then handed a <see cref="SparseFileStream"/>.
    /// Null (the default): this analyzer needs the file whole.
    /// </summary>
    ISparseCollector? CollectorFor(string path, long size) => null;

    /// <summary>
    /// For a file too large to hold whole that this analyzer reads from start to end (a secret scan of a 50 MB log):
    /// a summarizer that sees every chunk once, in order, and returns what <see cref="Condense"/> would have. Takes
    /// precedence over <see cref="CollectorFor"/>. Null (the default): none.
    /// </summary>
    IStreamSummarizer? SummarizerFor(string path, long size) => null;

    /// <summary>
    /// Also hand this analyzer the regular files a later layer deleted or replaced (<see cref="IFileTree.DeletedNodes"/>),
    /// marked <see cref="AnalyzerFile.Deleted"/>: what a whiteout hides is still in the image (secrets).
    /// </summary>
    bool WantsDeletedFiles => false;

    /// <summary>
    /// Only regular files under their own names: links are not followed, so each file is read once (a secret scan
    /// would otherwise report one file under every name that points to it).
    /// </summary>
    bool RegularFilesOnly => false;

    Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken);
}

/// <summary>Where packages are read from; a scan asks for one or both.</summary>
[Flags]
public enum PackageSources
{
    /// <summary>Package databases, installed metadata (dist-info, node_modules package.json, gemspecs) and binaries.</summary>
    Installed = 1,
    /// <summary>Lockfiles and manifests of a project checkout.</summary>
    Lockfiles = 2,
    All = Installed | Lockfiles,
}

/// <summary>A file handed to an analyzer: its tree path, the entry it resolved to (which carries the layer) and its content.</summary>
public sealed record AnalyzerFile(string Path, FileNode Node, byte[] Content)
{
    /// <summary>A later layer deleted or replaced this file (see <see cref="IAnalyzer.WantsDeletedFiles"/>).</summary>
    public bool Deleted { get; init; }

    /// <summary>The layer that deleted or replaced it, where the tree knows.</summary>
    public Model.LayerRef? DeletedBy { get; init; }
}

/// <summary>Sees a large file once, chunk by chunk in order, and returns its analyzer's summary of it.</summary>
public interface IStreamSummarizer
{
    void Observe(long offset, ReadOnlySpan<byte> chunk);

    byte[] Finish();
}

public sealed record AnalyzerInput(IReadOnlyList<AnalyzerFile> Files, IFileTree Tree);
