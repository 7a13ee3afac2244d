namespace Seawall.Core.Model;

/// <summary>
/// A running container's risk: a grade (critical when it can reach host root, else the worst failed check's
/// severity, "minimal" when nothing failed), the reasons behind it and each way it has to host root.
/// </summary>
public sealed record ContainerRisk(string Grade, IReadOnlyList<string> Reasons, IReadOnlyList<string> HostRootPaths)
{
    public required string ContainerId { get; init; }
    public string Image { get; init; } = string.Empty;
    /// <summary>False when /proc showed none of the container's processes: only the runtime's word was judged.</summary>
    public bool KernelChecked { get; init; }
}

/// <summary>The host's side of a containers audit: how many containers can reach host root, and by which path.</summary>
public sealed record ContainerOverview(int Containers, int ReachHostRoot)
{
    /// <summary>Path ("runtime socket mounted", "privileged", ...) to the names of the containers that have it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByPath { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public string? Daemon { get; init; }
}
