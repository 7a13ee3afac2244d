using Seawall.Core.Model;

namespace Seawall.Reporting.Writers;

/// <summary>A writer only formats: the report is complete before it is called.</summary>
public interface IReportWriter
{
    string Format { get; }

    Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken);
}

public static class ReportNames
{
    public static string Severity(Severity s) => s switch
    {
        Core.Model.Severity.Critical => "CRITICAL",
        Core.Model.Severity.High => "HIGH",
        Core.Model.Severity.Medium => "MEDIUM",
        Core.Model.Severity.Low => "LOW",
        _ => "UNKNOWN",
    };

    public static string Status(FindingStatus s) => s.ToString().ToLowerInvariant();

    public static string Status(VulnerabilityStatus s) => s switch
    {
        VulnerabilityStatus.Fixed => "fixed",
        VulnerabilityStatus.Affected => "affected",
        VulnerabilityStatus.WillNotFix => "will_not_fix",
        _ => "end_of_life",
    };

    /// <summary>OpenVEX's status names.</summary>
    public static string Vex(VexStatus s) => s switch
    {
        VexStatus.NotAffected => "not_affected",
        VexStatus.Affected => "affected",
        VexStatus.Fixed => "fixed",
        _ => "under_investigation",
    };

    public static string Reason(SuppressionReason r) => r == SuppressionReason.Vex ? "vex" : "ignorefile";

    /// <summary>Timestamps in reports: UTC, whole seconds, ISO 8601.</summary>
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    public static string ArtifactType(ArtifactType t) => t switch
    {
        Core.Model.ArtifactType.ContainerImage => "container-image",
        Core.Model.ArtifactType.Filesystem => "filesystem",
        Core.Model.ArtifactType.Rootfs => "rootfs",
        Core.Model.ArtifactType.Host => "host",
        Core.Model.ArtifactType.Config => "config",
        Core.Model.ArtifactType.Sbom => "sbom",
        _ => "containers",
    };

    public static string ResultClass(ResultClass c) => c switch
    {
        Core.Model.ResultClass.OsPackages => "os-packages",
        Core.Model.ResultClass.LangPackages => "lang-packages",
        Core.Model.ResultClass.Secrets => "secrets",
        Core.Model.ResultClass.Config => "config",
        Core.Model.ResultClass.Host => "host",
        _ => "containers",
    };
}
