namespace Seawall.Core.Model;

public sealed record Location(string? Path = null, int? Line = null, string? Document = null, string? JsonPath = null)
{
    /// <summary>The image layer that holds the path (image file checks).</summary>
    public LayerRef? Layer { get; init; }
}

public sealed record Finding
{
    public required string CheckId { get; init; }
    public required string Title { get; init; }
    public Severity Severity { get; init; }
    public FindingStatus Status { get; init; }
    public string? Target { get; init; }
    public Location? Location { get; init; }
    public string? Evidence { get; init; }
    public string? Remediation { get; init; }
    /// <summary>A patch that fixes the failure where the fix is mechanical (a strategic merge YAML patch for workloads).</summary>
    public string? Fix { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
}

/// <summary>
/// A check finding the scanned file suppressed in place, as checkov's <c>checkov.io/skip</c> and kube-linter's
/// <c>ignore-check.kube-linter.io/</c> annotations do: kept aside, not dropped, so a reviewer sees what was waived.
/// </summary>
/// <param name="Source">Where the waiver is: the annotation's key.</param>
/// <param name="Statement">The reason the annotation gives, if any.</param>
public sealed record SuppressedFinding(Finding Finding, string Source, string? Statement);
