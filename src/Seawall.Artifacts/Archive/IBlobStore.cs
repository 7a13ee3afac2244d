namespace Seawall.Artifacts.Archive;

/// <summary>Files of an image archive or layout, by their path inside it. Paths are hostile: stores refuse any that leave the archive.</summary>
public interface IBlobStore : IDisposable
{
    string Description { get; }

    bool Exists(string path);

    /// <summary>Size in bytes, or -1 when the path is missing.</summary>
    long SizeOf(string path);

    Stream Open(string path);
}
