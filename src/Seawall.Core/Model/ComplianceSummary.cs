namespace Seawall.Core.Model;

/// <summary>How a control fared: a failure anywhere fails it; without any mapped check it was not checked at all.</summary>
public enum ComplianceStatus
{
    Pass,
    Fail,
    /// <summary>Checks map to the control, but none applied to anything in the scanned input.</summary>
    NotApplicable,
    /// <summary>No Seawall check maps to the control: a gap the user has to cover otherwise.</summary>
    NotChecked,
}

/// <summary>One control of a framework with the checks that answer to it and their findings counted by status.</summary>
public sealed record ComplianceControl(string Id, string Title)
{
    /// <summary>Ids of the checks whose references name this control.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>Findings of those checks that passed.</summary>
    public int Pass { get; init; }

    /// <summary>Findings of those checks that failed (fail and warn).</summary>
    public int Fail { get; init; }

    public ComplianceStatus Status => Checks.Count == 0 ? ComplianceStatus.NotChecked
        : Fail > 0 ? ComplianceStatus.Fail
        : Pass > 0 ? ComplianceStatus.Pass
        : ComplianceStatus.NotApplicable;
}

/// <summary>`--compliance FRAMEWORK`: every control of the framework, in benchmark order, with pass and fail counts.</summary>
public sealed record ComplianceSummary(string Framework, string Title)
{
    public IReadOnlyList<ComplianceControl> Controls { get; init; } = [];

    public int ControlsPassed => Controls.Count(c => c.Status == ComplianceStatus.Pass);

    public int ControlsFailed => Controls.Count(c => c.Status == ComplianceStatus.Fail);

    public int ControlsNotApplicable => Controls.Count(c => c.Status == ComplianceStatus.NotApplicable);

    public int ControlsNotChecked => Controls.Count(c => c.Status == ComplianceStatus.NotChecked);
}
