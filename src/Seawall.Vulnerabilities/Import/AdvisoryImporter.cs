using Seawall.Vulnerabilities.Store;

namespace Seawall.Vulnerabilities.Import;

/// <summary>
/// `seawall db import` and `seawall db update`: inputs are resolved (URLs downloaded first, formats sniffed), then
/// every source is written into one new database that replaces the current one only when all of them are in.
/// A failure or a cancellation anywhere leaves the current database as it was.
/// </summary>
public static class AdvisoryImporter
{
    /// <summary>osv.dev's public export: &lt;base&gt;/&lt;Ecosystem&gt;/all.zip.</summary>
    public const string DefaultMirror = "https://osv-vulnerabilities.storage.googleapis.com";

    /// <summary>One source to write: its name (replaced if present), what reads it, and into what.</summary>
    private sealed record PlannedSource(string Name, string Kind, string Origin, Action<AdvisoryStoreWriter, Action<string>, CancellationToken> Write);

    /// <summary>Imports files, directories and http(s) URLs (each a zip, a directory or a file of a known format).</summary>
    public static async Task<ImportResult> ImportAsync(IReadOnlyList<string> inputs, ImportOptions options, CancellationToken cancellationToken)
    {
        if (inputs.Count == 0)
        {
            throw new AdvisoryStoreException("nothing to import: give OSV zips or directories, a Debian tracker JSON or Alpine secdb files");
        }
        var downloads = DownloadFolder(options);
        try
        {
            var plan = new List<PlannedSource>();
            foreach (var input in inputs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (AdvisoryDownloader.IsUrl(input))
                {
                    var file = Path.Combine(downloads.Value, $"{plan.Count}-{SafeFileName(input)}");
                    Directory.CreateDirectory(downloads.Value);
                    await AdvisoryDownloader.DownloadAsync(input, file, options, cancellationToken).ConfigureAwait(false);
                    plan.AddRange(PlanFile(file, input, ExportName(new Uri(input).AbsolutePath), options, required: true));
                }
                else if (input.Contains("://", StringComparison.Ordinal))
                {
                    throw new AdvisoryStoreException($"{input}: only http and https URLs can be imported");
                }
                else if (Directory.Exists(input))
                {
                    plan.AddRange(PlanDirectory(Path.GetFullPath(input), options));
                }
                else if (File.Exists(input))
                {
                    var full = Path.GetFullPath(input);
                    plan.AddRange(PlanFile(full, full, ExportName(full), options, required: true));
                }
                else
                {
                    throw new AdvisoryStoreException($"{input}: no such file or directory");
                }
            }
            return Write(plan, options, cancellationToken);
        }
        finally
        {
            DeleteFolder(downloads);
        }
    }

    /// <summary>
    /// Fetches &lt;mirror&gt;/&lt;Ecosystem&gt;/all.zip for each ecosystem and imports them as osv:&lt;Ecosystem&gt;. Without
    /// <paramref name="ecosystems"/>: those the database already holds, else <see cref="OsvEcosystems.DefaultUpdate"/>.
    /// </summary>
    public static async Task<ImportResult> UpdateAsync(string? mirror, IReadOnlyList<string>? ecosystems, ImportOptions options, CancellationToken cancellationToken)
    {
        if (options.Offline)
        {
            throw new AdvisoryStoreException("seawall db update downloads from the OSV mirror and --offline forbids the network; import local files with `seawall db import` instead");
        }
        mirror = (mirror ?? DefaultMirror).TrimEnd('/');
        if (!AdvisoryDownloader.IsUrl(mirror))
        {
            throw new AdvisoryStoreException($"--mirror {mirror}: not an http or https URL");
        }
        var wanted = ecosystems is { Count: > 0 } ? ecosystems : HeldEcosystems(options.DatabasePath) is { Count: > 0 } held ? held : OsvEcosystems.DefaultUpdate;
        foreach (var ecosystem in wanted)
        {
            if (!OsvEcosystems.IsExportName(ecosystem))
            {
                throw new AdvisoryStoreException($"unknown OSV ecosystem '{ecosystem}' (names are case-sensitive: Go, npm, PyPI, crates.io, Debian, ...)");
            }
        }
        var downloads = DownloadFolder(options);
        try
        {
            Directory.CreateDirectory(downloads.Value);
            var plan = new List<PlannedSource>();
            foreach (var ecosystem in wanted.Distinct(StringComparer.Ordinal))
            {
                var url = $"{mirror}/{Uri.EscapeDataString(ecosystem)}/all.zip";
                var file = Path.Combine(downloads.Value, $"{plan.Count}-all.zip");
                await AdvisoryDownloader.DownloadAsync(url, file, options, cancellationToken).ConfigureAwait(false);
                plan.Add(OsvZip(file, url, ecosystem, options));
            }
            return Write(plan, options, cancellationToken);
        }
        finally
        {
            DeleteFolder(downloads);
        }
    }

    private static ImportResult Write(List<PlannedSource> plan, ImportOptions options, CancellationToken cancellationToken)
    {
        var imported = new List<ImportedSource>();
        using var writer = AdvisoryStoreWriter.Begin(options.DatabasePath, message => options.Warning?.Invoke(message));
        foreach (var source in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            options.Progress?.Invoke($"importing {source.Name}");
            var warnings = 0;
            void Warn(string message)
            {
                warnings++;
                options.Warning?.Invoke(message);
            }
            writer.BeginSource(source.Name, source.Kind, source.Origin, options.Time.GetUtcNow());
            source.Write(writer, Warn, cancellationToken);
            var counts = writer.EndSource(warnings);
            imported.Add(new ImportedSource(source.Name, source.Kind, source.Origin, counts.Advisories, counts.Affected, warnings));
        }
        cancellationToken.ThrowIfCancellationRequested();
        options.Progress?.Invoke("writing the database");
        writer.Commit(options.Time.GetUtcNow());
        return new ImportResult(Path.GetFullPath(options.DatabasePath), imported);
    }

    private static IEnumerable<PlannedSource> PlanFile(string path, string origin, string? exportName, ImportOptions options, bool required)
    {
        var format = options.Format != AdvisoryFormat.Auto ? options.Format : AdvisoryFormatSniffer.Sniff(path);
        switch (format)
        {
            case AdvisoryFormat.Osv when IsZip(path):
                yield return OsvZip(path, origin, exportName, options);
                break;
            case AdvisoryFormat.Osv:
                yield return new PlannedSource("osv:" + origin, OsvImporter.Kind, origin, (writer, warn, ct) =>
                    OsvImporter.ImportFiles([path], writer, new OsvRecordParser(options, warn), options, ct));
                break;
            case AdvisoryFormat.DebianTracker:
                yield return new PlannedSource(DebianTrackerImporter.SourceName, DebianTrackerImporter.Kind, origin, (writer, warn, ct) =>
                    DebianTrackerImporter.Import(path, writer, warn, options, ct));
                break;
            case AdvisoryFormat.AlpineSecdb:
                yield return Secdb(path, origin, options);
                break;
            default:
                if (required)
                {
                    throw new AdvisoryStoreException($"{origin}: cannot tell which advisory format this is (OSV, Debian tracker JSON, Alpine secdb); say it with --source osv|debian|alpine");
                }
                break;
        }
    }

    private static PlannedSource OsvZip(string path, string origin, string? exportName, ImportOptions options)
    {
        var name = exportName is null ? "osv:" + origin : "osv:" + exportName;
        return new PlannedSource(name, OsvImporter.Kind, origin, (writer, warn, ct) =>
            OsvImporter.ImportZip(path, origin, writer, new OsvRecordParser(options, warn) { OnlyEcosystem = exportName }, options, ct));
    }

    private static PlannedSource Secdb(string path, string origin, ImportOptions options)
    {
        // Read now: the source is named after the branch and repository the file declares.
        var pending = new List<string>();
        var file = AlpineSecdbImporter.Read(path, options, pending.Add);
        return new PlannedSource(AlpineSecdbImporter.SourceName(file), AlpineSecdbImporter.Kind, origin, (writer, warn, ct) =>
        {
            pending.ForEach(warn);
            AlpineSecdbImporter.Import(origin, file, writer, warn, options, ct);
        });
    }

    /// <summary>
    /// A directory: its OSV records (searched recursively) form one source named after the directory; each zip,
    /// secdb file and tracker file found is a source of its own (so a mirror of osv.dev's export imports in one go). Links are not followed; a file whose format cannot be
    /// told is a warning.
    /// </summary>
    private static IEnumerable<PlannedSource> PlanDirectory(string directory, ImportOptions options)
    {
        var enumeration = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true, MatchType = MatchType.Simple };
        var files = Directory.EnumerateFiles(directory, "*", enumeration)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".json" or ".yaml" or ".yml" or ".zip")
            .Order(StringComparer.Ordinal)
            .ToList();
        var osvFiles = new List<string>();
        var others = new List<PlannedSource>();
        var unknown = new List<string>();
        foreach (var file in files)
        {
            if (Path.GetExtension(file).Equals(".zip", StringComparison.OrdinalIgnoreCase))
            {
                // A local copy of osv.dev's export (<dir>/<Ecosystem>/all.zip), or any OSV zip: a source each.
                others.AddRange(PlanFile(file, file, ExportName(file), options with { Format = AdvisoryFormat.Osv }, required: true));
                continue;
            }
            var format = options.Format != AdvisoryFormat.Auto ? options.Format : AdvisoryFormatSniffer.Sniff(file);
            switch (format)
            {
                case AdvisoryFormat.Osv:
                    osvFiles.Add(file);
                    break;
                case AdvisoryFormat.DebianTracker or AdvisoryFormat.AlpineSecdb:
                    others.AddRange(PlanFile(file, file, null, options with { Format = format.Value }, required: true));
                    break;
                default:
                    unknown.Add(file);
                    break;
            }
        }
        if (osvFiles.Count == 0 && others.Count == 0)
        {
            throw new AdvisoryStoreException($"{directory}: no OSV records or zips, Debian tracker JSON or Alpine secdb files in it");
        }
        if (osvFiles.Count > 0)
        {
            yield return new PlannedSource("osv:" + directory, OsvImporter.Kind, directory, (writer, warn, ct) =>
            {
                foreach (var file in unknown)
                {
                    warn($"{file}: not an OSV record, Debian tracker JSON or Alpine secdb file; skipped");
                }
                OsvImporter.ImportFiles(osvFiles, writer, new OsvRecordParser(options, warn), options, ct);
            });
        }
        foreach (var source in others)
        {
            yield return source;
        }
    }

    /// <summary>"Go" for …/Go/all.zip, the layout of osv.dev's export (and of a local mirror of it); null otherwise.</summary>
    private static string? ExportName(string path)
    {
        var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 2 && parts[^1] == "all.zip")
        {
            var ecosystem = Uri.UnescapeDataString(parts[^2]);
            return OsvEcosystems.IsExportName(ecosystem) ? ecosystem : null;
        }
        return null;
    }

    private static bool IsZip(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        return stream.Read(head) == 4 && head[0] == (byte)'P' && head[1] == (byte)'K';
    }

    private static List<string> HeldEcosystems(string databasePath)
    {
        if (!File.Exists(databasePath))
        {
            return [];
        }
        try
        {
            using var store = AdvisoryStore.Open(databasePath);
            return [.. store.Info().Sources.Select(s => s.Name).Where(n => n.StartsWith("osv:", StringComparison.Ordinal) && OsvEcosystems.IsExportName(n[4..])).Select(n => n[4..])];
        }
        catch (AdvisoryStoreException)
        {
            return [];
        }
    }

    private static Lazy<string> DownloadFolder(ImportOptions options)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath))!;
        return new Lazy<string>(() => Path.Combine(directory, "download-" + Guid.NewGuid().ToString("N")[..12]));
    }

    private static void DeleteFolder(Lazy<string> folder)
    {
        if (folder.IsValueCreated && Directory.Exists(folder.Value))
        {
            try
            {
                Directory.Delete(folder.Value, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static string SafeFileName(string url)
    {
        var name = Path.GetFileName(new Uri(url).AbsolutePath);
        return name.Length == 0 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '.' and not '-' and not '_') ? "download" : name;
    }
}
