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
public sealed record AnalyzerFile(string Path, FileNode Node, byte[] Content);

public sealed record AnalyzerInput(IReadOnlyList<AnalyzerFile> Files, IFileTree Tree);
