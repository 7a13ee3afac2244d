using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Sysctl;

/// <summary>A value a sysctl configuration file sets, and where.</summary>
internal sealed record PersistedSysctl(string Key, string Value, string Path, int Line);

/// <summary>
/// The sysctl values the host applies at boot, as systemd-sysctl and `sysctl --system` read them (sysctl.d(5)):
/// *.conf files of etc/sysctl.d, run/sysctl.d, usr/local/lib/sysctl.d, usr/lib/sysctl.d and lib/sysctl.d, a file in
/// an earlier directory hiding one of the same name in a later one, applied in file-name order, then etc/sysctl.conf;
/// the last assignment of a key wins. "key = value" lines, '#' and ';' comments, a leading '-' (ignore errors) dropped,
/// '/' separators accepted. Glob keys ("net.ipv4.conf.*.rp_filter") are kept as patterns for the caller to match.
/// </summary>
internal static class SysctlFiles
{
    private static readonly string[] Directories = ["etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d", "lib/sysctl.d"];
    private const int MaxFiles = 1000;
    private const long MaxFileBytes = 1024 * 1024;

    /// <summary>The effective persisted value of each key (or glob pattern), in the order those assignments are applied.</summary>
    public static IReadOnlyList<PersistedSysctl> Read(HostFileTree files)
    {
        var chosen = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in Directories)
        {
            foreach (var name in files.List(directory) ?? [])
            {
                if (name.EndsWith(".conf", StringComparison.Ordinal) && chosen.Count < MaxFiles)
                {
                    chosen.TryAdd(name, directory + "/" + name);
                }
            }
        }
        // Each key's last assignment, kept in the order the assignments are applied (so a later glob still overrides).
        var effective = new Dictionary<string, (PersistedSysctl Entry, int Sequence)>(StringComparer.Ordinal);
        var sequence = 0;
        foreach (var path in chosen.Values.Append("etc/sysctl.conf"))
        {
            if (files.ReadText(path, MaxFileBytes) is not { } text)
            {
                continue;
            }
            foreach (var entry in Parse(path, text))
            {
                effective[entry.Key] = (entry, sequence++);
            }
        }
        return [.. effective.Values.OrderBy(e => e.Sequence).Select(e => e.Entry)];
    }

    internal static IEnumerable<PersistedSysctl> Parse(string path, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            var key = line[..equals].Trim().TrimStart('-').Trim();
            var value = Normalize(line[(equals + 1)..]);
            if (key.Length > 0)
            {
                yield return new PersistedSysctl(Canonical(key), value, path, i + 1);
            }
        }
    }

    /// <summary>Values compare with runs of blanks collapsed ("32768\t60999" = "32768 60999").</summary>
    public static string Normalize(string value) =>
        string.Join(' ', value.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The dotted name sysctl prints. A key written with '/' separators ("net/ipv4/conf/eth0.100/rp_filter") keeps its
    /// dots as part of names, which the dotted form writes as '/' ("net.ipv4.conf.eth0/100.rp_filter").
    /// </summary>
    public static string Canonical(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return slash >= 0 && (dot < 0 || slash < dot) ? Swap(key) : key;
    }

    /// <summary>The proc/sys path of a dotted key ('.' separates, '/' is a dot inside a name).</summary>
    public static string ProcPath(string key) => "proc/sys/" + Swap(key);

    private static string Swap(string key) => string.Create(key.Length, key, static (span, k) =>
    {
        for (var i = 0; i < k.Length; i++)
        {
            span[i] = k[i] switch { '.' => '/', '/' => '.', var c => c };
        }
    });

    public static bool IsGlob(string key) => key.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>fnmatch-style match of a glob key against a dotted key ('*' and '?' do not cross '.').</summary>
    public static bool Matches(string pattern, string key) => Matches(pattern.AsSpan(), key.AsSpan());

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> key)
    {
        if (pattern.IsEmpty)
        {
            return key.IsEmpty;
        }
        if (pattern[0] == '*')
        {
            for (var i = 0; i <= key.Length; i++)
            {
                if (Matches(pattern[1..], key[i..]))
                {
                    return true;
                }
                if (i < key.Length && key[i] == '.')
                {
                    return false;
                }
            }
            return false;
        }
        return !key.IsEmpty && (pattern[0] == key[0] || (pattern[0] == '?' && key[0] != '.')) && Matches(pattern[1..], key[1..]);
    }
}
