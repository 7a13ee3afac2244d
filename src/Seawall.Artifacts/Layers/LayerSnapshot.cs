using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Artifacts.Layers;

/// <summary>
/// What one layer holds, as far as a scan cares: every entry (no content), the whiteouts and opaque
/// directories it applies to the layers below, and the content of the files the analyzers asked for.
/// It is what the layer cache stores, so a warm scan reads no layer content.
/// </summary>
public sealed class LayerSnapshot
{
    public required LayerRef Layer { get; init; }
    public List<FileNode> Nodes { get; } = [];
    /// <summary>Paths a ".wh.name" entry deletes.</summary>
    public List<string> Whiteouts { get; } = [];
    /// <summary>Directories a ".wh..wh..opq" entry empties of lower layers' content.</summary>
    public List<string> OpaqueDirs { get; } = [];
    public Dictionary<string, byte[]> Contents { get; } = new(StringComparer.Ordinal);
    /// <summary>Problems in this layer, without the layer's name: a cached layer may sit at another index in another image.</summary>
    public List<string> Warnings { get; } = [];
    /// <summary>Some wanted content was not kept (the memory budget was spent): such a snapshot is never cached.</summary>
    public bool Incomplete { get; set; }
}
