using System.Globalization;

namespace Seawall.Core.Accounts;

/// <summary>An /etc/passwd line: name:password:uid:gid:gecos:home:shell (passwd(5)).</summary>
public sealed record PasswdEntry(string Name, string Password, long Uid, long Gid, string Home, string Shell, int Line);

/// <summary>An /etc/shadow line: name:hash:lastchange:min:max:warn:inactive:expire:reserved (shadow(5)); empty numbers are null.</summary>
public sealed record ShadowEntry(string Name, string Hash, long? LastChange, long? MaxDays, long? Expire, int Line);

/// <summary>An /etc/group line: name:password:gid:members (group(5)).</summary>
public sealed record GroupEntry(string Name, long Gid, IReadOnlyList<string> Members, int Line);

/// <summary>A line that does not have the fields its file needs (what pwck and grpck complain about).</summary>
public sealed record MalformedLine(string Path, int Line, string Problem);

/// <summary>
/// The local account files' text, parsed as the shadow suite's tools read them: colon-separated fields, blank,
/// comment and NIS compat lines ("+", "-") skipped. A line without the fields its file needs is not an entry but a
/// <see cref="MalformedLine"/>: musl reads only complete lines, and pwck and grpck reject the rest. Used by the host
/// audit (files under a root) and the image checks (files from the layers) alike.
/// </summary>
public static class AccountFiles
{
    public const string PasswdPath = "etc/passwd";
    public const string ShadowPath = "etc/shadow";
    public const string GroupPath = "etc/group";

    public static List<PasswdEntry> ParsePasswd(string text, List<MalformedLine> malformed)
    {
        var entries = new List<PasswdEntry>();
        foreach (var (fields, line) in Lines(text))
        {
            if (fields.Length != 7 || !TryId(fields[2], out var uid) || !TryId(fields[3], out var gid) || fields[0].Length == 0)
            {
                malformed.Add(new MalformedLine(PasswdPath, line, "not 7 fields with numeric uid and gid"));
                continue;
            }
            entries.Add(new PasswdEntry(fields[0], fields[1], uid, gid, fields[5], fields[6], line));
        }
        return entries;
    }

    public static List<ShadowEntry> ParseShadow(string text, List<MalformedLine> malformed)
    {
        var entries = new List<ShadowEntry>();
        foreach (var (fields, line) in Lines(text))
        {
            if (fields.Length != 9 || fields[0].Length == 0)
            {
                malformed.Add(new MalformedLine(ShadowPath, line, "not 9 fields"));
                continue;
            }
            entries.Add(new ShadowEntry(fields[0], fields[1], Number(fields[2]), Number(fields[4]), Number(fields[7]), line));
        }
        return entries;
    }

    public static List<GroupEntry> ParseGroup(string text, List<MalformedLine> malformed)
    {
        var entries = new List<GroupEntry>();
        foreach (var (fields, line) in Lines(text))
        {
            if (fields.Length != 4 || !TryId(fields[2], out var gid) || fields[0].Length == 0)
            {
                malformed.Add(new MalformedLine(GroupPath, line, "not 4 fields with a numeric gid"));
                continue;
            }
            entries.Add(new GroupEntry(fields[0], gid, fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries), line));
        }
        return entries;
    }

    private static IEnumerable<(string[] Fields, int Line)> Lines(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            // NIS compat entries ("+user", "-user", "+") name accounts held elsewhere.
            if (line.Length == 0 || line[0] is '+' or '-' or '#')
            {
                continue;
            }
            yield return (line.Split(':'), i + 1);
        }
    }

    private static bool TryId(string field, out long id) => long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private static long? Number(string field) => TryId(field, out var n) ? n : null;
}
