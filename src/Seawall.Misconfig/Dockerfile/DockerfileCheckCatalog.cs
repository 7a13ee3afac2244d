namespace Seawall.Misconfig.Dockerfile;

/// <summary>Every Dockerfile check, in catalog order (`seawall checks list`, docs/checks.md).</summary>
public static class DockerfileCheckCatalog
{
    public static IReadOnlyList<DockerfileCheck> All { get; } = [.. DockerfileChecks.All()];
}
