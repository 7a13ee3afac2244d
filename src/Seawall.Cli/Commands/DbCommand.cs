using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Seawall.Cli.Console;
using Seawall.Core.Errors;
using Seawall.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Cli.Commands;

/// <summary>
/// `seawall db import|update|info`: the advisory database under the cache directory. Imports and updates build a
/// new database and swap it in only when complete; the summary goes to stdout, warnings and progress to stderr.
/// </summary>
internal static class DbCommand
{
    /// <summary>Warnings printed one by one before the rest are only counted: a broken mirror must not flood a terminal.</summary>
    private const int WarningsShown = 25;

    public static Command Create() => new("db", "Manage the advisory database: import files or URLs, update from the OSV mirror, show what it holds")
    {
        Import(),
        Update(),
        Info(),
    };

    private static Command Import()
    {
        var db = new DatabaseOptions();
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "OSV all.zip files, directories of OSV records, single records, a Debian security tracker JSON, Alpine secdb files (YAML or JSON), or http(s) URLs of any of those",
            Arity = ArgumentArity.OneOrMore,
        };
        var source = new Option<string?>("--source") { Description = "The format of every input, when sniffing it is not wanted: osv, debian (security tracker JSON) or alpine (secdb)" };
        source.AcceptOnlyFromAmong("osv", "debian", "alpine");
        var quiet = QuietOption();
        var command = new Command("import", "Import advisories from files, directories or URLs; each source replaces its previous import") { inputs, source, quiet };
        db.AddTo(command, maxAge: false);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(quiet), async (console, token) =>
        {
            var options = Options(parse, db, console) with
            {
                Format = parse.GetValue(source) switch
                {
                    "osv" => AdvisoryFormat.Osv,
                    "debian" => AdvisoryFormat.DebianTracker,
                    "alpine" => AdvisoryFormat.AlpineSecdb,
                    _ => AdvisoryFormat.Auto,
                },
            };
            var result = await AdvisoryImporter.ImportAsync(parse.GetValue(inputs) ?? [], options, token).ConfigureAwait(false);
            await WriteSummaryAsync(result, console).ConfigureAwait(false);
        }, ct));
        return command;
    }

    private static Command Update()
    {
        var db = new DatabaseOptions();
        var mirror = new Option<string?>("--mirror") { Description = $"Base URL of an OSV export laid out as <base>/<Ecosystem>/all.zip (default {AdvisoryImporter.DefaultMirror})" };
        var ecosystems = new Option<string[]>("--ecosystems")
        {
            Description = $"OSV ecosystems to fetch, comma-separated (default: those the database holds, else {string.Join(",", OsvEcosystems.DefaultUpdate)})",
            AllowMultipleArgumentsPerToken = true,
        };
        var quiet = QuietOption();
        var command = new Command("update", "Download each ecosystem's all.zip from the OSV mirror and import it") { mirror, ecosystems, quiet };
        db.AddTo(command, maxAge: false);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(quiet), async (console, token) =>
        {
            var wanted = (parse.GetValue(ecosystems) ?? [])
                .SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToList();
            var result = await AdvisoryImporter.UpdateAsync(parse.GetValue(mirror), wanted, Options(parse, db, console), token).ConfigureAwait(false);
            await WriteSummaryAsync(result, console).ConfigureAwait(false);
        }, ct));
        return command;
    }

    private static Command Info()
    {
        var db = new DatabaseOptions();
        var format = new Option<string>("--format", "-f") { Description = "Output format: table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var quiet = QuietOption();
        var command = new Command("info", "Show the advisory database: its sources, record counts, age and size") { format, quiet };
        db.AddTo(command, offline: false);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(quiet), async (console, token) =>
        {
            var maxAge = db.ReadMaxAge(parse);
            DatabaseInfo info;
            using (var store = AdvisoryStore.Open(db.DatabasePath(parse)))
            {
                info = store.Info();
            }
            var now = DateTimeOffset.UtcNow;
            foreach (var warning in info.AgeWarnings(maxAge, now))
            {
                console.Warn(warning);
            }
            var text = parse.GetValue(format) == "json" ? InfoJson(info, maxAge, now) : InfoTable(info, maxAge, now);
            await System.Console.Out.WriteAsync(text.AsMemory(), token).ConfigureAwait(false);
            await System.Console.Out.FlushAsync(token).ConfigureAwait(false);
        }, ct));
        return command;
    }

    private static Option<bool> QuietOption() => new("--quiet", "-q") { Description = "No progress or warnings on stderr" };

    private static ImportOptions Options(ParseResult parse, DatabaseOptions db, ImportConsole console) => new()
    {
        DatabasePath = db.DatabasePath(parse),
        Offline = parse.GetValue(db.Offline),
        Warning = console.Warn,
        Progress = console.Progress,
    };

    /// <summary>Errors to exit codes, one line each: usage 2, anything that stopped the import 3 (the database is then unchanged).</summary>
    private static async Task<int> RunAsync(bool quiet, Func<ImportConsole, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var console = new ImportConsole(new ErrorConsole(System.Console.Error, quiet));
        try
        {
            await action(console, cancellationToken).ConfigureAwait(false);
            console.End();
            return ExitCodes.Ok;
        }
        catch (UsageException ex)
        {
            console.End();
            console.Error(ex.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.End();
            console.Error("interrupted; the advisory database is unchanged");
            return ExitCodes.RuntimeError;
        }
        catch (Exception ex) when (ExitCodes.RuntimeErrorLine(ex) is { } line)
        {
            console.End();
            console.Error(line);
            return ExitCodes.RuntimeError;
        }
    }

    private static async Task WriteSummaryAsync(ImportResult result, ImportConsole console)
    {
        console.End();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"advisory database {result.DatabasePath}\n\n");
        var rows = result.Sources.Select(s => new[] { s.Name, Count(s.Advisories), Count(s.Affected), Count(s.Warnings), s.Origin }).ToList();
        AppendTable(text, ["SOURCE", "ADVISORIES", "AFFECTED", "WARNINGS", "ORIGIN"], rows, rightAligned: [1, 2, 3]);
        await System.Console.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
        await System.Console.Out.FlushAsync().ConfigureAwait(false);
    }

    private static string InfoTable(DatabaseInfo info, TimeSpan maxAge, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"database  {info.Path}\n");
        text.Append(CultureInfo.InvariantCulture, $"schema    {info.SchemaVersion}\n");
        text.Append(CultureInfo.InvariantCulture, $"size      {info.SizeBytes / 1048576.0:F1} MB\n");
        text.Append(CultureInfo.InvariantCulture, $"updated   {(info.UpdatedAt is { } updated ? $"{Timestamp(updated)} ({Age(now - updated)} ago)" : "never")}\n");
        text.Append(CultureInfo.InvariantCulture, $"sources   {info.Sources.Count}, {Count(info.Sources.Sum(s => s.Advisories))} advisories, {Count(info.Sources.Sum(s => s.Affected))} affected packages\n\n");
        var rows = info.Sources.Select(s => new[]
        {
            s.Name, s.Kind, Count(s.Advisories), Count(s.Affected), Count(s.Warnings), Timestamp(s.ImportedAt),
            Age(now - s.ImportedAt) + (now - s.ImportedAt > maxAge ? " (stale)" : string.Empty), s.Origin,
        }).ToList();
        AppendTable(text, ["SOURCE", "KIND", "ADVISORIES", "AFFECTED", "WARNINGS", "IMPORTED", "AGE", "ORIGIN"], rows, rightAligned: [2, 3, 4]);
        return text.ToString();
    }

    private static string InfoJson(DatabaseInfo info, TimeSpan maxAge, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("path", info.Path);
            w.WriteNumber("schemaVersion", info.SchemaVersion);
            w.WriteNumber("sizeBytes", info.SizeBytes);
            if (info.UpdatedAt is { } updated)
            {
                w.WriteString("updatedAt", Timestamp(updated));
            }
            else
            {
                w.WriteNull("updatedAt");
            }
            w.WriteNumber("maxAgeDays", Math.Round(maxAge.TotalDays, 3));
            w.WriteStartArray("sources");
            foreach (var source in info.Sources)
            {
                var age = now - source.ImportedAt;
                w.WriteStartObject();
                w.WriteString("name", source.Name);
                w.WriteString("kind", source.Kind);
                w.WriteString("origin", source.Origin);
                w.WriteString("importedAt", Timestamp(source.ImportedAt));
                w.WriteNumber("ageDays", Math.Round(age.TotalDays, 3));
                w.WriteBoolean("stale", age > maxAge);
                w.WriteNumber("advisories", source.Advisories);
                w.WriteNumber("affected", source.Affected);
                w.WriteNumber("warnings", source.Warnings);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void AppendTable(StringBuilder text, string[] header, List<string[]> rows, int[] rightAligned)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            for (var i = 0; i < row.Length; i++)
            {
                var cell = ErrorConsole.OneLine(row[i]);
                var last = i == row.Length - 1;
                text.Append(rightAligned.Contains(i) ? cell.PadLeft(widths[i]) : last ? cell : cell.PadRight(widths[i]));
                text.Append(last ? "\n" : "  ");
            }
        }
    }

    private static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Age(TimeSpan age) => age.TotalDays >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalDays:0.#} d")
        : age.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalHours:0} h") : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, age.TotalMinutes):0} min");

    /// <summary>stderr during an import: a progress line, warnings up to <see cref="WarningsShown"/>, then only their number.</summary>
    private sealed class ImportConsole(ErrorConsole console)
    {
        private readonly Lock _gate = new();
        private int _warnings;

        public void Progress(string message)
        {
            lock (_gate)
            {
                console.Progress(message);
                console.Debug(message);
            }
        }

        public void Warn(string message)
        {
            lock (_gate)
            {
                if (++_warnings <= WarningsShown)
                {
                    console.EndProgress();
                    console.Warn(message);
                }
            }
        }

        public void Error(string message) => console.Error(message);

        public void End()
        {
            lock (_gate)
            {
                console.EndProgress();
                if (_warnings > WarningsShown)
                {
                    console.Warn($"{_warnings - WarningsShown} more warnings not shown ({_warnings} in all)");
                }
                _warnings = Math.Min(_warnings, WarningsShown);
            }
        }
    }
}
