using Seawall.Core.Model;
using Seawall.Reporting.Writers;

namespace Seawall.Cli;

/// <summary>Picks the writer for --format and sends the report to --output or stdout.</summary>
internal static class ReportOutput
{
    public static IReportWriter WriterFor(string format) => format switch
    {
        "json" => new JsonReportWriter(),
        "cyclonedx" => new CycloneDxWriter(),
        "spdx-json" => new SpdxJsonWriter(),
        "sarif" => new SarifWriter(),
        _ => new TableReportWriter(),
    };

    public static async Task WriteAsync(ScanReport report, RunSettings settings, CancellationToken ct)
    {
        var writer = WriterFor(settings.Format);
        if (settings.Output is { } path)
        {
            // Write beside the target and rename, so a failed run never leaves half a report.
            var full = Path.GetFullPath(path);
            var temp = full + ".tmp-" + Environment.ProcessId;
            await using (var file = File.Create(temp))
            {
                await writer.WriteAsync(report, file, ct).ConfigureAwait(false);
            }
            File.Move(temp, full, overwrite: true);
            return;
        }
        var stdout = System.Console.OpenStandardOutput();
        await using (stdout.ConfigureAwait(false))
        {
            await writer.WriteAsync(report, stdout, ct).ConfigureAwait(false);
            if (settings.Format != "table")
            {
                await stdout.WriteAsync("\n"u8.ToArray(), ct).ConfigureAwait(false);
            }
            await stdout.FlushAsync(ct).ConfigureAwait(false);
        }
    }
}
