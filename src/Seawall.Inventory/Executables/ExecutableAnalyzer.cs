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

    public byte[] CondenseFrom(string path, Stream content)
    {
        try
        {
            return CondenseExecutable(path, content);
        }
        catch (UncapturedRegionException ex)
        {
            // A large binary streamed once, and this analyzer needed bytes the pass did not keep: say so, never guess.
            return CondensedError($"{content.Length}-byte binary streamed in one pass; {ex.Message}");
        }
    }

    /// <summary>Large executables in image layers stream past once; see <see cref="ExecutableCollector"/>.</summary>
    public ISparseCollector? CollectorFor(string path, long size) => new ExecutableCollector(this);

    /// <summary>
    /// Looks for this analyzer's data by content in a chunk of a streamed file and asks the capture to keep it, for data
    /// the headers cannot locate before it streams past (an ELF section table comes last).
    /// </summary>
    internal abstract void FindSignatures(long offset, ReadOnlySpan<byte> chunk, SparseCapture capture, ExecutableLayout layout);

    /// <summary>The condensed form of this file (empty when it is not this analyzer's kind of binary).</summary>
    protected abstract byte[] CondenseExecutable(string path, Stream content);

    /// <summary>The condensed form of an error, reported as a warning naming the file when the layer is analyzed.</summary>
    protected abstract byte[] CondensedError(string message);

    public abstract Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken);
}
