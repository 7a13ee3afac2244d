using System.Text;

namespace Seawall.HostAudit.Ssh;

/// <summary>
/// One sshd_config line split the way sshd splits it (servconf.c process_server_config_line with misc.c strdelim and
/// argv_split): the keyword ends at whitespace or '=' ("Keyword value", "Keyword=value", "Keyword = value"); the
/// arguments honour single and double quotes and backslash escapes of quotes, backslashes and (outside quotes) spaces;
/// a '#' at the start of an argument ends the line.
/// </summary>
internal static class SshdConfigLine
{
    /// <summary>The keyword as written and its arguments; null for blank and comment lines.</summary>
    /// <param name="error">Set when the line is a keyword line sshd rejects (unbalanced quotes, no argument).</param>
    public static (string Keyword, IReadOnlyList<string> Args)? Split(string line, out string? error)
    {
        error = null;
        // sshd strips trailing whitespace (and a form feed) first.
        line = line.TrimEnd(' ', '\t', '\r', '\n', '\f');
        var i = 0;
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }
        if (i == line.Length || line[i] == '#')
        {
            return null;
        }
        var start = i;
        while (i < line.Length && line[i] is not (' ' or '\t' or '=' or '"'))
        {
            i++;
        }
        var keyword = line[start..i];
        // strdelim: whitespace, then at most one '=' and more whitespace.
        var sawEquals = false;
        while (i < line.Length && (line[i] is ' ' or '\t' || (line[i] == '=' && !sawEquals)))
        {
            sawEquals |= line[i] == '=';
            i++;
        }
        var args = SplitArguments(line[i..]);
        if (args is null)
        {
            error = "invalid quotes";
            return null;
        }
        if (args.Count == 0)
        {
            error = $"no argument after keyword \"{keyword}\"";
            return null;
        }
        return (keyword, args);
    }

    /// <summary>misc.c argv_split with terminate_on_comment; null on an unterminated quote.</summary>
    public static List<string>? SplitArguments(string s)
    {
        var args = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] is ' ' or '\t')
            {
                i++;
                continue;
            }
            if (s[i] == '#')
            {
                break;
            }
            var arg = new StringBuilder();
            char quote = '\0';
            for (; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '\\' && i + 1 < s.Length && (s[i + 1] is '\'' or '"' or '\\' || (quote == '\0' && s[i + 1] == ' ')))
                {
                    arg.Append(s[++i]);
                }
                else if (quote == '\0' && c is ' ' or '\t')
                {
                    break;
                }
                else if (quote == '\0' && c is '"' or '\'')
                {
                    quote = c;
                }
                else if (quote != '\0' && c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    arg.Append(c);
                }
            }
            if (quote != '\0')
            {
                return null;
            }
            args.Add(arg.ToString());
        }
        return args;
    }
}
