namespace Seawall.Core.Model;

public enum ArtifactType
{
    ContainerImage,
    Filesystem,
    Rootfs,
    Host,
    Config,
    Containers,
    /// <summary>An SBOM document (CycloneDX or SPDX) read in place of the artifact it describes.</summary>
    Sbom,
}

public enum ResultClass
{
    OsPackages,
    LangPackages,
    Secrets,
    Config,
    Host,
    Containers,
}

public sealed record ArtifactInfo(string Name, ArtifactType Type, string? Digest = null)
{
    public IReadOnlyList<LayerRef> Layers { get; init; } = [];
    public IReadOnlyList<string> RepoTags { get; init; } = [];
    /// <summary>repo@sha256:... names the image has in registries (from the Docker Engine or the pulled manifest).</summary>
    public IReadOnlyList<string> RepoDigests { get; init; } = [];
    public string? Architecture { get; init; }
    /// <summary>How many bottom layers came from the base image (guessed from the history); 0 when unknown.</summary>
    public int BaseImageLayers { get; init; }
}

/// <summary>One group of results: for example the dpkg database of an image.</summary>
public sealed record ScanResult
{
    public required string Target { get; init; }
    public required ResultClass Class { get; init; }
    /// <summary>dpkg, apk, rpm, npm, ...</summary>
    public required string Type { get; init; }
    public IReadOnlyList<Package> Packages { get; init; } = [];
    public IReadOnlyList<Finding> Findings { get; init; } = [];
    /// <summary>Known vulnerabilities of this result's packages (filled when the vuln scanner runs).</summary>
    public IReadOnlyList<DetectedVulnerability> Vulnerabilities { get; init; } = [];
    /// <summary>Vulnerabilities an ignore file or a VEX document took out of <see cref="Vulnerabilities"/>, kept for audit.</summary>
    public IReadOnlyList<SuppressedVulnerability> Suppressed { get; init; } = [];
    /// <summary>Check findings the scanned file itself suppressed (a checkov.io/skip or kube-linter ignore annotation), kept for audit.</summary>
    public IReadOnlyList<SuppressedFinding> SuppressedFindings { get; init; } = [];
    /// <summary>A running container's grade and paths to host root (containers audits only).</summary>
    public ContainerRisk? Risk { get; init; }
    /// <summary>Secrets found in this result's file (class Secrets; filled when the secret scanner runs).</summary>
    public IReadOnlyList<SecretFinding> Secrets { get; init; } = [];
}

/// <summary>The one report model every writer formats. Field names are the JSON contract (schemaVersion 1).</summary>
public sealed record ScanReport
{
    public int SchemaVersion { get; init; } = 1;
    public required ArtifactInfo Artifact { get; init; }
    public OsInfo? Os { get; init; }
    public IReadOnlyList<ScanResult> Results { get; init; } = [];
    /// <summary>The summary of a containers audit (`seawall containers`, `seawall host --containers`).</summary>
    public ContainerOverview? Containers { get; init; }
    /// <summary>Pass and fail counts per control of the framework `--compliance` named; null without it.</summary>
    public ComplianceSummary? Compliance { get; init; }
    /// <summary>The image's (or root file system's) attack surface, when --scanners has misconfig.</summary>
    public AttackSurface? AttackSurface { get; init; }
    /// <summary>Who can do what, from the RBAC objects of a config scan (`seawall config`).</summary>
    public RbacSummary? Rbac { get; init; }
    /// <summary>Non-fatal problems met during the scan (a skipped file, a link out of the root).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>Allowed connections between the manifests' workloads (`seawall config`); null for other scans.</summary>
    public IReadOnlyList<Reachability>? Reachability { get; init; }
}
