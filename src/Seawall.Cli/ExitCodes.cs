using Seawall.Core.Model;
using Seawall.Vulnerabilities.Filtering;

namespace Seawall.Cli;

/// <summary>Exit codes, in one place: 0 ok, 1 findings at or above the --exit-code threshold, 2 usage error, 3 runtime error.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Findings = 1;
    public const int Usage = 2;
    public const int RuntimeError = 3;

    /// <summary>
    /// Trivy's --exit-code: the code asked for when any vulnerability or failed check is left after --severity,
    /// --ignore-unfixed, the ignore file and VEX (so "--severity CRITICAL --exit-code 1" fails only on critical ones);
    /// A secret left after --severity counts too, as in Trivy. 0 otherwise. Suppressed findings and warn/pass/info/manual checks never count.
    /// </summary>
    public static int ForReport(ScanReport report, int exitCode) =>
        exitCode != Ok && (VulnerabilityFilter.Remaining(report) > 0 || report.Results.Any(r => r.Secrets.Count > 0)) ? exitCode : Ok;

    /// <summary>
    /// The one line a verb prints before exiting with <see cref="RuntimeError"/>: our own errors and I/O failures as
    /// they are, anything else as a bug to report; never a stack trace. Null for a cancellation (the verb words it).
    /// </summary>
    public static string? RuntimeErrorLine(Exception ex) => ex switch
    {
        OperationCanceledException => null,
        Core.Errors.ScanException or IOException or UnauthorizedAccessException or HttpRequestException => ex.Message,
        _ => $"unexpected {ex.GetType().Name}: {ex.Message} (please report this)",
    };
}
