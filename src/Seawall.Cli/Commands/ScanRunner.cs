using System.CommandLine;
using Seawall.Artifacts.Layers;
using Seawall.Cli.Console;
using Seawall.Core.Errors;
using Seawall.Core.Model;
using Seawall.Scanning;
using Seawall.Vulnerabilities.Filtering;

namespace Seawall.Cli.Commands;

/// <summary>The shared shape of a scanning verb: settings, timeout, progress, errors to exit codes, report out.</summary>
internal static class ScanRunner
{
    public static async Task<int> RunAsync(ParseResult parse, CommonOptions common, Func<ScanService, ErrorConsole, CancellationToken, Task<ScanReport>> scan, CancellationToken cancellationToken, ComplianceOption? compliance = null)
    {
        RunSettings settings;
        try
        {
            settings = common.Read(parse);
        }
        catch (UsageException ex)
        {
            await System.Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        var console = new ErrorConsole(System.Console.Error, settings.Quiet);
        var framework = compliance?.Read(parse);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var progress = new SyncProgress<LayerProgress>(p =>
        {
            var line = $"layer {p.Index + 1}/{p.Count} {p.DiffId[..Math.Min(19, p.DiffId.Length)]}{(p.FromCache ? " (cached)" : string.Empty)}";
            console.Progress(line);
            console.Debug(line);
        });
        try
        {
            // The ignore file and VEX documents are read first: a typo in one should not cost a whole scan.
            var policy = settings.LoadPolicy();
            var service = new ScanService(new ScanOptions
            {
                CacheDir = settings.CacheDir,
                PackageSources = settings.PackageSources,
                IncludeOsOwnedBinaries = settings.IncludeOsOwnedBinaries,
                // A control's pass count needs the passes: keep them through the scan, drop them after counting.
                IncludePassed = settings.IncludePassed || framework is not null,
                Scanners = settings.Scanners,
                SbomOutput = settings.Format is "cyclonedx" or "spdx-json",
                SecretConfig = settings.SecretConfig,
                AdvisoryDatabase = settings.DatabasePath,
                DatabaseMaxAge = settings.DatabaseMaxAge,
            }, progress);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = await scan(service, console, timeout.Token).ConfigureAwait(false);
            if (framework is not null)
            {
                report = ComplianceScan.Apply(report, framework, settings.IncludePassed);
            }
            report = VulnerabilityFilter.Apply(report, policy, TimeProvider.System);
            report = SecretFilter.BySeverity(report, settings.Severities);
            var scanTime = clock.Elapsed;
            console.EndProgress();
            foreach (var warning in report.Warnings)
            {
                console.Warn(warning);
            }
            await ReportOutput.WriteAsync(report, settings, timeout.Token).ConfigureAwait(false);
            DebugFigures.Print(scanTime, clock.Elapsed - scanTime);
            return ExitCodes.ForReport(report, settings.ExitCode);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            console.EndProgress();
            console.Error($"timed out after {settings.Timeout}; raise --timeout");
            return ExitCodes.RuntimeError;
        }
        catch (Exception ex) when (ExitCodes.RuntimeErrorLine(ex) is { } line)
        {
            // Ours, I/O, or a bug no check foresaw: one line and exit 3, never a stack trace on a user's terminal.
            console.EndProgress();
            console.Error(line);
            return ExitCodes.RuntimeError;
        }
    }
}

/// <summary>IProgress that reports on the calling thread: Progress&lt;T&gt; would post to a thread pool and race the final output.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
