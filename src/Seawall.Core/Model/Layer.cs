namespace Seawall.Core.Model;

/// <summary>
/// Where a file (and so a package or finding) came from: the layer's position in the image,
/// its diffID (sha256 of the uncompressed tar) and the build step that created it.
/// </summary>
public sealed record LayerRef(int Index, string DiffId, string? CreatedBy);
