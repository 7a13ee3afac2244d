namespace Seawall.Core.Model;

/// <summary>Severity names are part of the JSON report contract: CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN.</summary>
public enum Severity
{
    Unknown = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>Status of a check finding; only Fail and Warn are listed unless the user asks for passed checks.</summary>
public enum FindingStatus
{
    Fail,
    Warn,
    Pass,
    Info,
    Manual,
}
