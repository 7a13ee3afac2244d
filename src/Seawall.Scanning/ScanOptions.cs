using Seawall.Core.Analysis;

namespace Seawall.Scanning;

/// <summary>What every scan shares, whatever its target.</summary>
public sealed record ScanOptions
{
    /// <summary>Layer cache directory; null turns the cache off (--no-cache).</summary>
    public string? CacheDir { get; init; }

    public int MaxConcurrency { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Where packages are read from; null: installed for images and root file systems, lockfiles for fs (as Trivy).</summary>
    public PackageSources? PackageSources { get; init; }

    /// <summary>
    /// Keep Go and Rust binaries an OS package installed, naming that package. On by default, unlike Trivy: the
    /// modules linked into them are not covered by the distribution's advisories.
    /// </summary>
    public bool IncludeOsOwnedBinaries { get; init; } = true;

    /// <summary>What the scan looks for (--scanners); null: <see cref="Scanning.Scanners.Default"/>.</summary>
    public IReadOnlySet<Scanner>? Scanners { get; init; }

    /// <summary>The advisory database the vulnerability scanner reads; null: no vulnerability matching.</summary>
    public string? AdvisoryDatabase { get; init; }

    /// <summary>Sources imported longer ago than this are named in a warning.</summary>
    public TimeSpan DatabaseMaxAge { get; init; } = Vulnerabilities.Store.DatabaseInfo.DefaultMaxAge;

    /// <summary>Clock for the database age check.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>List checks that passed or only inform (pass, info, manual); by default only fail and warn are reported.</summary>
    public bool IncludePassed { get; init; }

    /// <summary>The secret scanner's YAML config (--secret-config); null: the built-in rules.</summary>
    public string? SecretConfig { get; init; }

    /// <summary>The report is written as an SBOM (cyclonedx, spdx-json): its packages are read whatever the scanners.</summary>
    public bool SbomOutput { get; init; }

    /// <summary>
    /// Whether the package analyzers run: the vulnerability and license scanners need the packages, and an SBOM is
    /// them (no scanner at all, or an SBOM output format); secrets and misconfig alone do not.
    /// </summary>
    public bool ReadsPackages =>
        SbomOutput || EffectiveScanners.Count == 0 || EffectiveScanners.Contains(Scanner.Vuln) || EffectiveScanners.Contains(Scanner.License);

    /// <summary>The scanners this scan runs.</summary>
    public IReadOnlySet<Scanner> EffectiveScanners => Scanners ?? Scanning.Scanners.Default;

    /// <summary>The sources a scan of this artifact type reads unless told otherwise.</summary>
    public PackageSources SourcesFor(Core.Model.ArtifactType type) =>
        PackageSources ?? (type == Core.Model.ArtifactType.Filesystem ? Core.Analysis.PackageSources.Lockfiles : Core.Analysis.PackageSources.Installed);
}
