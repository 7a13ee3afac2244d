using System.Collections.Concurrent;
using Seawall.Tests.Support;
using Seawall.Vulnerabilities.Import;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Tests.Vulnerabilities.Import;

/// <summary>A database in a temp folder the test owns, imports into it and the warnings they raised.</summary>
internal sealed class ImportFixture : IDisposable
{
    private readonly TempDir _dir = new("seawall-advdb-");

    public string DatabasePath => AdvisoryStore.DefaultPath(_dir.Path);

    public string Folder => _dir.Path;

    public ConcurrentQueue<string> Warnings { get; } = new();

    /// <summary>Options for this database, with the default version check (the ecosystem's comparer).</summary>
    public ImportOptions Options(TimeProvider? time = null) => new()
    {
        DatabasePath = DatabasePath,
        Warning = Warnings.Enqueue,
        Time = time ?? TimeProvider.System,
    };

    public ImportResult Import(params string[] inputs) =>
        AdvisoryImporter.ImportAsync(inputs, Options(), TestContext.Current.CancellationToken).GetAwaiter().GetResult();

    public ImportResult Import(ImportOptions options, params string[] inputs) =>
        AdvisoryImporter.ImportAsync(inputs, options, TestContext.Current.CancellationToken).GetAwaiter().GetResult();

    public AdvisoryStore Open() => AdvisoryStore.Open(DatabasePath);

    /// <summary>Files in the database folder other than the database and its lock: temp copies or downloads left behind.</summary>
    public IReadOnlyList<string> Leftovers() => Directory.Exists(Path.GetDirectoryName(DatabasePath))
        ? [.. Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(DatabasePath)!).Select(Path.GetFileName).Where(n => n != AdvisoryStore.FileName && n != AdvisoryStore.FileName + ".lock").Select(n => n!)]
        : [];

    public string WriteFile(string relative, string content)
    {
        _dir.Write(relative, content);
        return _dir.File(relative);
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>A clock the test sets.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
