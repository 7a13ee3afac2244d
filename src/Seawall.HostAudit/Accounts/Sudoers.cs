using System.Text;
using System.Text.RegularExpressions;
using Seawall.Core.FileTree;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Accounts;

/// <summary>One command of a sudoers rule with the tags and Runas in force for it.</summary>
/// <param name="Command">"ALL", a Cmnd_Alias name, or a path with arguments.</param>
/// <param name="Negated">Written "!command".</param>
/// <param name="NoPasswd">NOPASSWD: in force (tags carry over to the following commands of the list until changed).</param>
/// <param name="RunAs">The Runas_Spec in force, "(ALL : ALL)"; null when none was written (root only).</param>
public sealed record SudoCommand(string Command, bool Negated, bool NoPasswd, string? RunAs);

/// <summary>A sudoers user specification: who may run what, where it is written.</summary>
public sealed record SudoRule(string Path, int Line, string Text, IReadOnlyList<string> Users, IReadOnlyList<SudoCommand> Commands);

/// <summary>
/// sudoers(5) as sudo reads it: etc/sudoers and every file it pulls in with @include / #include (relative paths from
/// the including file's directory, sudo 1.9.1+) and @includedir / #includedir (files in byte order, skipping names
/// that end in '~' or contain '.'), backslash-continued lines, '#' comments (but "#1000" is a uid), Defaults lines,
/// the four alias kinds and user specifications with their Runas, tags and commands.
/// </summary>
public sealed class Sudoers
{
    public const string MainPath = "etc/sudoers";
    private const int MaxDepth = 128; // sudo's include depth limit
    private const long MaxBytes = 4 * 1024 * 1024;

    private static readonly Regex IncludeLine = new(@"^\s*[#@](include|includedir)\s+(.+?)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex AliasLine = new(@"^\s*(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\s+(.*)$", RegexOptions.CultureInvariant);
    private static readonly HashSet<string> Tags = new(StringComparer.Ordinal)
    {
        "NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT", "LOG_OUTPUT", "NOLOG_OUTPUT",
        "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT",
    };
    private static readonly HashSet<string> Digests = new(StringComparer.Ordinal) { "sha224", "sha256", "sha384", "sha512" };

    private readonly HostFileTree _files;
    private readonly Action<string> _warn;
    private readonly List<SudoRule> _rules = [];
    private readonly List<string> _read = [];
    private readonly List<string> _directories = [];
    private readonly Dictionary<string, List<string>> _userAliases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _commandAliases = new(StringComparer.Ordinal);

    private Sudoers(HostFileTree files, Action<string> warn)
    {
        _files = files;
        _warn = warn;
    }

    public IReadOnlyList<SudoRule> Rules => _rules;

    /// <summary>Every sudoers file read, root-relative, in order.</summary>
    public IReadOnlyList<string> Files => _read;

    /// <summary>The @includedir directories that exist, root-relative.</summary>
    public IReadOnlyList<string> Directories => _directories;

    public IReadOnlyDictionary<string, List<string>> UserAliases => _userAliases;

    /// <summary>etc/sudoers and its includes; null when there is no etc/sudoers.</summary>
    public static Sudoers? Read(HostFileTree files, Action<string> warn)
    {
        if (files.Stat(MainPath) is null)
        {
            return null;
        }
        var sudoers = new Sudoers(files, warn);
        sudoers.ReadFile(MainPath, []);
        return sudoers;
    }

    /// <summary>Parses one file's text (no includes followed): for tests and single files.</summary>
    public static Sudoers Parse(string path, string text, HostFileTree files, Action<string> warn)
    {
        var sudoers = new Sudoers(files, warn);
        sudoers.ParseText(path, text, [path], followIncludes: false);
        return sudoers;
    }

    /// <summary>Whether a command resolves to every command: ALL, or a Cmnd_Alias holding ALL (possibly through other aliases).</summary>
    public bool IsAll(string command, int depth = 0)
    {
        if (command == "ALL")
        {
            return true;
        }
        return depth < 16 && _commandAliases.TryGetValue(command, out var items) &&
            items.Any(item => !item.StartsWith('!') && IsAll(item, depth + 1));
    }

    /// <summary>A User_Alias's members, expanded; the name itself when it is no alias.</summary>
    public IReadOnlyList<string> ExpandUser(string user, int depth = 0) =>
        depth < 16 && _userAliases.TryGetValue(user, out var members)
            ? [.. members.SelectMany(m => ExpandUser(m.TrimStart('!'), depth + 1))]
            : [user];

    private void ReadFile(string path, List<string> stack)
    {
        if (stack.Contains(path, StringComparer.Ordinal) || stack.Count >= MaxDepth)
        {
            _warn($"{path}: sudoers include loop or more than {MaxDepth} levels deep; sudo stops with \"too many levels of includes\"");
            return;
        }
        if (_files.ReadText(path, MaxBytes) is not { } text)
        {
            _warn($"{path}: sudoers file unreadable or larger than {MaxBytes} bytes; not read");
            return;
        }
        stack.Add(path);
        ParseText(path, text, stack, followIncludes: true);
        stack.RemoveAt(stack.Count - 1);
    }

    private void ParseText(string path, string text, List<string> stack, bool followIncludes)
    {
        _read.Add(path);
        foreach (var (line, number) in LogicalLines(text))
        {
            var include = IncludeLine.Match(line);
            if (include.Success)
            {
                if (followIncludes)
                {
                    Include(path, include.Groups[1].Value == "includedir", Unquote(include.Groups[2].Value), stack);
                }
                continue;
            }
            var content = StripComment(line).Trim();
            if (content.Length == 0 || content.StartsWith("Defaults", StringComparison.Ordinal))
            {
                continue;
            }
            var alias = AliasLine.Match(content);
            if (alias.Success)
            {
                AddAliases(alias.Groups[1].Value, alias.Groups[2].Value);
                continue;
            }
            if (ParseUserSpec(path, number, content) is { } rule)
            {
                _rules.Add(rule);
            }
            else
            {
                _warn($"{path}:{number}: not a sudoers rule sudo accepts (visudo -c shows the error)");
            }
        }
    }

    private void Include(string includer, bool directory, string target, List<string> stack)
    {
        // sudo 1.9.1+: a relative path is relative to the including file's directory.
        var slash = includer.LastIndexOf('/');
        var path = TreePath.FoldAtRoot(target.StartsWith('/') ? target : (slash < 0 ? target : includer[..slash] + "/" + target));
        if (!directory)
        {
            if (_files.Stat(path) is null)
            {
                _warn($"{includer}: included {path} does not exist (sudo refuses to run)");
                return;
            }
            ReadFile(path, stack);
            return;
        }
        if (_files.List(path) is not { } names)
        {
            return;
        }
        if (!_directories.Contains(path, StringComparer.Ordinal))
        {
            _directories.Add(path);
        }
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            // sudoers(5): files whose names end in '~' or contain a '.' are skipped (editor backups, package leftovers).
            if (name.EndsWith('~') || name.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }
            var file = path + "/" + name;
            if (_files.Stat(file) is { Kind: Seawall.Core.FileTree.FileKind.Regular })
            {
                ReadFile(file, stack);
            }
        }
    }

    private void AddAliases(string kind, string definitions)
    {
        var target = kind switch
        {
            "User_Alias" => _userAliases,
            "Cmnd_Alias" or "Cmd_Alias" => _commandAliases,
            _ => null,
        };
        if (target is null)
        {
            return;
        }
        // NAME = item, item : NAME2 = item
        foreach (var definition in SplitUnescaped(definitions, ':'))
        {
            var equals = definition.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            target[definition[..equals].Trim()] = [.. SplitUnescaped(definition[(equals + 1)..], ',').Select(item => Collapse(item))];
        }
    }

    /// <summary>User_List Host_List = Cmnd_Spec_List [: Host_List = Cmnd_Spec_List]...</summary>
    private SudoRule? ParseUserSpec(string path, int line, string text)
    {
        var equals = IndexOfUnescaped(text, '=', 0);
        if (equals < 0)
        {
            return null;
        }
        // Whitespace around commas belongs to the list; the first blank then separates users from hosts.
        var left = Regex.Replace(text[..equals].Trim(), @"\s*,\s*", ",");
        var parts = left.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            return null;
        }
        var users = parts[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Unquote).ToList();
        var commands = new List<SudoCommand>();
        var rest = text[(equals + 1)..];
        while (true)
        {
            var (specList, next) = NextSpecList(rest);
            ParseCommandSpecs(specList, commands);
            if (next is null)
            {
                break;
            }
            // ": Host_List = Cmnd_Spec_List"
            var hostEquals = IndexOfUnescaped(next, '=', 0);
            if (hostEquals < 0)
            {
                return null;
            }
            rest = next[(hostEquals + 1)..];
        }
        return commands.Count == 0 ? null : new SudoRule(path, line, Collapse(text), users, commands);
    }

    /// <summary>Splits off the Cmnd_Spec_List up to a ':' that starts another "Host_List =" (not a tag's, Runas' or digest's colon).</summary>
    private static (string Specs, string? Next) NextSpecList(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth = Math.Max(0, depth - 1);
                    break;
                case ':' when depth == 0:
                    var word = WordBefore(text, i);
                    if (!Tags.Contains(word) && !Digests.Contains(word))
                    {
                        return (text[..i], text[(i + 1)..]);
                    }
                    break;
            }
        }
        return (text, null);
    }

    private static string WordBefore(string text, int end)
    {
        var start = end;
        while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] == '_'))
        {
            start--;
        }
        return text[start..end];
    }

    private static void ParseCommandSpecs(string specList, List<SudoCommand> commands)
    {
        // Runas and tags carry over to the following commands of the same list.
        string? runAs = null;
        var noPasswd = false;
        foreach (var raw in SplitUnescaped(specList, ',', parenthesesNest: true))
        {
            var spec = raw.Trim();
            if (spec.StartsWith('('))
            {
                var close = spec.IndexOf(')', StringComparison.Ordinal);
                if (close < 0)
                {
                    continue;
                }
                runAs = Collapse(spec[..(close + 1)]);
                spec = spec[(close + 1)..].Trim();
            }
            while (true)
            {
                var match = Regex.Match(spec, @"^([A-Z_]+)\s*:\s*");
                if (match.Success && Tags.Contains(match.Groups[1].Value))
                {
                    var tag = match.Groups[1].Value;
                    noPasswd = tag == "NOPASSWD" || (noPasswd && tag != "PASSWD");
                    spec = spec[match.Length..];
                    continue;
                }
                // Option_Spec: ROLE=, TYPE=, CHROOT=, CWD=, NOTBEFORE=, NOTAFTER=, TIMEOUT=, APPARMOR_PROFILE=, PRIVS=, LIMITPRIVS=
                var option = Regex.Match(spec, @"^[A-Z_]+=\S+\s+");
                if (option.Success)
                {
                    spec = spec[option.Length..];
                    continue;
                }
                break;
            }
            if (spec.Length == 0)
            {
                continue;
            }
            var negated = spec.StartsWith('!');
            if (negated)
            {
                spec = spec[1..].TrimStart();
            }
            // Digest_Spec: "sha256:<hash> /usr/bin/id" pins the command's checksum.
            var digest = Regex.Match(spec, @"^(sha224|sha256|sha384|sha512):\S+\s+");
            if (digest.Success)
            {
                spec = spec[digest.Length..];
            }
            var command = Collapse(spec);
            commands.Add(new SudoCommand(command, negated, noPasswd, runAs));
        }
    }

    /// <summary>Joins backslash-continued lines; yields each logical line with the number of its first physical line.</summary>
    private static IEnumerable<(string Text, int Line)> LogicalLines(string text)
    {
        var lines = text.Split('\n');
        var builder = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (builder.Length == 0)
            {
                start = i + 1;
            }
            if (line.EndsWith('\\') && !line.EndsWith(@"\\", StringComparison.Ordinal))
            {
                builder.Append(line, 0, line.Length - 1).Append(' ');
                continue;
            }
            builder.Append(line);
            yield return (builder.ToString(), start);
            builder.Clear();
        }
        if (builder.Length > 0)
        {
            yield return (builder.ToString(), start);
        }
    }

    /// <summary>Drops a '#' comment; "#123" (a uid) and an escaped "\#" are no comment.</summary>
    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\')
            {
                i++;
                continue;
            }
            if (line[i] == '#' && !(i + 1 < line.Length && char.IsAsciiDigit(line[i + 1])))
            {
                return line[..i];
            }
        }
        return line;
    }

    private static List<string> SplitUnescaped(string text, char separator, bool parenthesesNest = false)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
            }
            else if (parenthesesNest && c == '(')
            {
                depth++;
            }
            else if (parenthesesNest && c == ')')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (c == separator && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        parts.Add(text[start..]);
        return [.. parts.Where(p => p.Trim().Length > 0)];
    }

    private static int IndexOfUnescaped(string text, char c, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == c)
            {
                return i;
            }
        }
        return -1;
    }

    private static string Unquote(string value)
    {
        value = value.Trim();
        return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
    }

    private static string Collapse(string text) => Regex.Replace(text.Trim(), @"\s+", " ");
}
