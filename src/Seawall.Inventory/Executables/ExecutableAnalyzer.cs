using Seawall.Core.Analysis;

namespace Seawall.Inventory.Executables;

/// <summary>
/// What every analyzer of compiled binaries shares: it is handed executables by mode, not by path, and reads what it
/// needs from a stream, so an in-memory file (an image layer) is condensed through the same code as a file on disk.
/// </summary>
public abstract class ExecutableAnalyzer : IAnalyzer
{
    public abstract string Id { get; }

    public abstract int Version { get; }

    public PackageSources Sources => PackageSources.Installed;

    public bool WantsExecutables => true;

    /// <summary>Read from disk through a stream, so size costs no memory there; an image layer holds one at a time.</summary>
    public long MaxFileSize => 1L << 30;

    public bool IsApplicable(string path) => false;

    public byte[] Condense(string path, byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        return CondenseFrom(path, stream);
    }

    public abstract byte[] CondenseFrom(string path, Stream content);

    public abstract Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken);
}
