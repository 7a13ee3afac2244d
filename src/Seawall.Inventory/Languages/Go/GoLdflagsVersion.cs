using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Seawall.Inventory.Languages.Go;

/// <summary>
/// The main module's version from `-ldflags "-X pkg.version=1.2.3"`, recorded in the build settings: most
/// binaries are built from a checkout, so the toolchain stamps "(devel)" or a v0.0.0 pseudo-version, and the
/// real version is the one the build passed to the linker. Trivy's rule: keys ending ".version" or ".ver" with a
/// semver value; a key under "&lt;module&gt;/cmd/" wins, then the prefixes main, common, version and cmd, then any
/// other; two candidates in the winning group mean no version.
/// </summary>
internal static partial class GoLdflagsVersion
{
    private static readonly string[] DefaultPrefixes = ["main", "common", "version", "cmd"];

    public static string? Find(string module, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var ldflags = settings.FirstOrDefault(s => s.Key == "-ldflags").Value;
        if (ldflags is null)
        {
            return null;
        }
        var groups = new[] { new List<string>(), new List<string>(), new List<string>() };
        foreach (var (name, assigned) in LinkerVariables(ldflags))
        {
            var key = name.TrimStart('\'');
            var value = assigned.TrimEnd('\'');
            var lower = key.ToLowerInvariant();
            if (!(lower.EndsWith(".version", StringComparison.Ordinal) || lower.EndsWith(".ver", StringComparison.Ordinal)) || !IsSemver(value))
            {
                continue;
            }
            var group = key.StartsWith(module + "/cmd/", StringComparison.Ordinal) ? 0 : DefaultPrefixes.Contains(Prefix(key)) ? 1 : 2;
            if (!groups[group].Contains(value))
            {
                groups[group].Add(value);
            }
        }
        foreach (var group in groups)
        {
            if (group.Count > 0)
            {
                return group.Count == 1 ? group[0] : null;
            }
        }
        return null;
    }

    /// <summary>
    /// The "-X name=value" assignments of an -ldflags build setting (as recorded, possibly a quoted Go string), its
    /// words split as a POSIX shell splits them; none when a quote is left open.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, string>> LinkerVariables(string ldflags)
    {
        var args = ShellWords(Unquote(ldflags));
        if (args is null)
        {
            yield break;
        }
        for (var i = 0; i < args.Count; i++)
        {
            string? assignment = null;
            if (args[i] is "-X" or "--X" && i + 1 < args.Count)
            {
                assignment = args[++i];
            }
            else if (args[i].StartsWith("-X=", StringComparison.Ordinal) || args[i].StartsWith("--X=", StringComparison.Ordinal))
            {
                assignment = args[i][(args[i].IndexOf('=', StringComparison.Ordinal) + 1)..];
            }
            var eq = assignment?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            if (eq > 0)
            {
                yield return new(assignment![..eq], assignment[(eq + 1)..]);
            }
        }
    }

    /// <summary>"github.com/x/y/pkg/Version.version" gives "version": the last path element up to its first dot.</summary>
    private static string Prefix(string key)
    {
        var slash = key.LastIndexOf('/');
        var last = slash > 0 ? key[(slash + 1)..] : key;
        var dot = last.IndexOf('.', StringComparison.Ordinal);
        return (dot >= 0 ? last[..dot] : last).ToLowerInvariant();
    }

    /// <summary>Semantic version as golang.org/x/mod/semver accepts it, with or without the leading "v".</summary>
    private static bool IsSemver(string value) => SemverPattern().IsMatch(value.StartsWith('v') ? value : "v" + value);

    [GeneratedRegex(@"^v(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?)?$")]
    private static partial Regex SemverPattern();

    /// <summary>Build setting values with spaces or quotes are written as Go string literals.</summary>
    internal static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }
        var sb = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            var c = value[i];
            if (c != '\\' || i + 1 >= value.Length - 1)
            {
                sb.Append(c);
                continue;
            }
            var e = value[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'x' when i + 2 < value.Length - 1 && int.TryParse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var x):
                    sb.Append((char)x);
                    i += 2;
                    break;
                case 'u' when i + 4 < value.Length - 1 && int.TryParse(value.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var u):
                    sb.Append((char)u);
                    i += 4;
                    break;
                default: sb.Append(e); break; // \" \\ \'
            }
        }
        return sb.ToString();
    }

    /// <summary>POSIX-shell word splitting with single and double quotes and backslashes; null when a quote is left open.</summary>
    private static List<string>? ShellWords(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
                continue;
            }
            if (c == '\\' && i + 1 < line.Length && (quote == '\0' || line[i + 1] is '"' or '\\' or '$' or '`'))
            {
                current.Append(line[++i]);
                inWord = true;
                continue;
            }
            if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
                continue;
            }
            if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
                continue;
            }
            current.Append(c);
            inWord = true;
        }
        if (quote != '\0')
        {
            return null;
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        return words;
    }
}
