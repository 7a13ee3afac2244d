namespace Seawall.Core.Model;

/// <summary>
/// A check's stable metadata (the kube-bench / Kubescape shape): the id users filter and suppress by, what it looks
/// for, how to fix it, and the benchmark ids it answers to ("CIS-Docker-2.1", "lynis:SSH-7408", "NIST-800-190-4.5").
/// Checks build their findings from it so a finding always carries the same title, severity and references.
/// </summary>
public sealed record CheckInfo(string Id, string Title, Severity Severity)
{
    public string Description { get; init; } = string.Empty;

    /// <summary>The command or change that fixes a failure.</summary>
    public string? Remediation { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    public Finding Fail(string? evidence, Location? location = null) => Result(FindingStatus.Fail, evidence, location);

    public Finding Warn(string? evidence, Location? location = null) => Result(FindingStatus.Warn, evidence, location);

    public Finding Pass(string? evidence, Location? location = null) => Result(FindingStatus.Pass, evidence, location);

    public Finding Info(string? evidence, Location? location = null) => Result(FindingStatus.Info, evidence, location);

    /// <summary>Cannot be decided from files alone (needs a person, or a source the audit cannot read).</summary>
    public Finding Manual(string? evidence, Location? location = null) => Result(FindingStatus.Manual, evidence, location);

    public Finding Result(FindingStatus status, string? evidence, Location? location = null, string? target = null) => new()
    {
        CheckId = Id,
        Title = Title,
        Severity = Severity,
        Status = status,
        Target = target,
        Location = location,
        Evidence = evidence,
        // A passing check needs no fix; keep the report about what to do.
        Remediation = status is FindingStatus.Fail or FindingStatus.Warn or FindingStatus.Manual ? Remediation : null,
        References = References,
    };
}
