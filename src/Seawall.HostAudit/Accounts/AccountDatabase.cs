using System.Globalization;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Accounts;

/// <summary>An /etc/passwd line: name:password:uid:gid:gecos:home:shell (passwd(5)).</summary>
public sealed record PasswdEntry(string Name, string Password, long Uid, long Gid, string Home, string Shell, int Line);

/// <summary>An /etc/shadow line: name:hash:lastchange:min:max:warn:inactive:expire:reserved (shadow(5)); empty numbers are null.</summary>
public sealed record ShadowEntry(string Name, string Hash, long? LastChange, long? MaxDays, long? Expire, int Line);

/// <summary>An /etc/group line: name:password:gid:members (group(5)).</summary>
public sealed record GroupEntry(string Name, long Gid, IReadOnlyList<string> Members, int Line);

/// <summary>A line that does not have the fields its file needs (what pwck and grpck complain about).</summary>
public sealed record MalformedLine(string Path, int Line, string Problem);

/// <summary>
/// The local account files, parsed as the shadow suite's tools read them: colon-separated fields, blank lines and
/// NIS compat lines ("+", "-") skipped. Never keeps more than it needs: the shadow hash is classified by
/// <see cref="PasswordHash"/> and not repeated in any evidence.
/// </summary>
public sealed class AccountDatabase
{
    public const string PasswdPath = "etc/passwd";
    public const string ShadowPath = "etc/shadow";
    public const string GroupPath = "etc/group";
    private const long MaxBytes = 16 * 1024 * 1024;

    public IReadOnlyList<PasswdEntry> Users { get; private init; } = [];

    /// <summary>Null when etc/shadow is absent or unreadable (see <see cref="ShadowUnreadable"/>).</summary>
    public IReadOnlyList<ShadowEntry>? Shadow { get; private init; }

    /// <summary>etc/shadow exists but could not be read (the audit is not running as root).</summary>
    public bool ShadowUnreadable { get; private init; }

    public IReadOnlyList<GroupEntry> Groups { get; private init; } = [];

    public IReadOnlyList<MalformedLine> Malformed { get; private init; } = [];

    /// <summary>The account files under the root; null when there is no etc/passwd.</summary>
    public static AccountDatabase? Read(HostFileTree files)
    {
        if (files.ReadText(PasswdPath, MaxBytes) is not { } passwd)
        {
            return null;
        }
        var malformed = new List<MalformedLine>();
        var shadowText = files.ReadText(ShadowPath, MaxBytes);
        var groupText = files.ReadText(GroupPath, MaxBytes);
        return new AccountDatabase
        {
            Users = ParsePasswd(passwd, malformed),
            Shadow = shadowText is null ? null : ParseShadow(shadowText, malformed),
            ShadowUnreadable = shadowText is null && files.Stat(ShadowPath) is not null,
            Groups = groupText is null ? [] : ParseGroup(groupText, malformed),
            Malformed = malformed,
        };
    }

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
