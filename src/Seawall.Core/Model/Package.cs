namespace Seawall.Core.Model;

/// <summary>
/// One installed package. Version is the full version as the package manager writes it
/// (dpkg "epoch:upstream-revision", rpm "version-release" with Epoch kept apart, apk "x.y.z-rN").
/// Source name and version are what distribution advisories are keyed by.
/// </summary>
public sealed record Package
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public int? Epoch { get; init; }
    public string? Release { get; init; }
    public string? Arch { get; init; }
    public string? SourceName { get; init; }
    public string? SourceVersion { get; init; }
    public IReadOnlyList<string> Licenses { get; init; } = [];
    /// <summary>Files the package owns, rooted paths without the leading slash.</summary>
    public IReadOnlyList<string> InstalledFiles { get; init; } = [];
    /// <summary>The database or manifest the package was read from.</summary>
    public string? FilePath { get; init; }
    public LayerRef? Layer { get; init; }
    public string? Purl { get; init; }
    public string? Maintainer { get; init; }
    public IReadOnlyList<string> DependsOn { get; init; } = [];
}
