namespace Seawall.Core.Model;

/// <summary>The detected operating system. Family is a lower-case id (debian, ubuntu, alpine, redhat, ...).</summary>
public sealed record OsInfo(string Family, string Version, string? Name = null, string? Codename = null)
{
    /// <summary>Distroless images carry dpkg status.d but no os-release of their own.</summary>
    public bool Distroless { get; init; }
}
