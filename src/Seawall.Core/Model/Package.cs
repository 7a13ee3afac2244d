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
    /// <summary>
    /// Packages of the same result this one needs: "name@version" where the format resolves it (lockfiles),
    /// else "name" (dpkg Depends). Writers turn them into CycloneDX dependencies and SPDX DEPENDS_ON.
    /// </summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>OSV ecosystem of a language package (npm, NuGet, PyPI, Go, Maven, crates.io, RubyGems, Packagist); null for OS packages.</summary>
    public string? Ecosystem { get; init; }
    /// <summary>A direct dependency of the project (true), a transitive one (false), or not told by the format (null).</summary>
    public bool? Direct { get; init; }
    /// <summary>Only needed to develop or test the project (npm devDependencies, Poetry dev groups, ...).</summary>
    public bool Dev { get; init; }
    /// <summary>Installed only when the platform allows it (npm optionalDependencies).</summary>
    public bool Optional { get; init; }
    /// <summary>The VCS commit of a dependency taken from git, where the lockfile records it.</summary>
    public string? Commit { get; init; }
    /// <summary>For a package found in a file an OS package installed (a Go binary from a .deb): that OS package's name.</summary>
    public string? OwnedBy { get; init; }
    /// <summary>rpm modularity label of a package built in a module stream (RHEL 8 AppStream); part of its purl.</summary>
    public string? ModularityLabel { get; init; }
}
