using System.CommandLine;
using System.Globalization;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Cli;

/// <summary>
/// Flags about the advisory database, for `seawall db` and for the verbs that match vulnerabilities: where it is
/// (under --cache-dir), --offline and --db-max-age.
/// </summary>
internal sealed class DatabaseOptions
{
    public Option<string?> CacheDir { get; } = new("--cache-dir") { Description = "Cache directory; the advisory database is db/seawall-advisories.db under it (default ~/.cache/seawall)" };

    public Option<bool> Offline { get; } = new("--offline") { Description = "Never touch the network: downloads and updates fail instead" };

    public Option<string?> MaxAge { get; } = new("--db-max-age") { Description = "Warn when an advisory source was imported more than this many days ago (default 7)" };

    /// <summary>Adds the flags a verb uses (a scanning verb already has --cache-dir).</summary>
    public void AddTo(Command command, bool cacheDir = true, bool offline = true, bool maxAge = true)
    {
        if (cacheDir)
        {
            command.Options.Add(CacheDir);
        }
        if (offline)
        {
            command.Options.Add(Offline);
        }
        if (maxAge)
        {
            command.Options.Add(MaxAge);
        }
    }

    /// <summary>The database file: &lt;cache-dir&gt;/db/seawall-advisories.db.</summary>
    public string DatabasePath(ParseResult parse) =>
        AdvisoryStore.DefaultPath(parse.GetValue(CacheDir) ?? Artifacts.Cache.LayerCache.DefaultDirectory());

    public TimeSpan ReadMaxAge(ParseResult parse) => ParseMaxAge(parse.GetValue(MaxAge));

    internal static TimeSpan ParseMaxAge(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DatabaseInfo.DefaultMaxAge;
        }
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var days) || days < 0 || double.IsInfinity(days) || days > 36500)
        {
            throw new UsageException($"invalid --db-max-age '{text}': a number of days, e.g. 7 or 0.5");
        }
        return TimeSpan.FromDays(days);
    }
}
