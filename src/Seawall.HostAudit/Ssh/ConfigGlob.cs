using System.Text;
using System.Text.RegularExpressions;
using Seawall.Core.FileTree;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Ssh;

/// <summary>
/// glob(3) over the host file tree, for sshd's Include: '*', '?' and '[...]' within one path component, a leading
/// '.' matched only by a pattern that starts with '.', results sorted in byte order (sshd runs in the C locale). A
/// path without wildcards is returned when it exists; nothing matching is no error (sshd skips it too).
/// </summary>
internal static class ConfigGlob
{
    private const int MaxMatches = 1024;

    public static IReadOnlyList<string> Expand(HostFileTree files, string path)
    {
        var candidates = new List<string> { string.Empty };
        foreach (var component in TreePath.FoldAtRoot(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = new List<string>();
            foreach (var prefix in candidates)
            {
                if (component.IndexOfAny(['*', '?', '[']) < 0)
                {
                    next.Add(Join(prefix, component));
                    continue;
                }
                var regex = ToRegex(component);
                var names = (files.List(prefix.Length == 0 ? "." : prefix) ?? [])
                    .Where(name => (!name.StartsWith('.') || component.StartsWith('.')) && regex.IsMatch(name))
                    .Order(StringComparer.Ordinal);
                next.AddRange(names.Select(name => Join(prefix, name)));
            }
            candidates = next.Count > MaxMatches ? next[..MaxMatches] : next;
        }
        return [.. candidates.Where(candidate => candidate.Length > 0 && files.Stat(candidate) is not null)];
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "/" + name;

    private static Regex ToRegex(string component)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            switch (c)
            {
                case '*':
                    pattern.Append(".*");
                    break;
                case '?':
                    pattern.Append('.');
                    break;
                case '[':
                    var close = component.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        pattern.Append(@"\[");
                        break;
                    }
                    var set = component[(i + 1)..close];
                    var negated = set.StartsWith('!');
                    pattern.Append('[').Append(negated ? "^" : string.Empty).Append(Regex.Escape(negated ? set[1..] : set).Replace(@"\-", "-", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < component.Length:
                    pattern.Append(Regex.Escape(component[++i].ToString()));
                    break;
                default:
                    pattern.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
    }
}
