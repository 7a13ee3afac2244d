using System.Text;

namespace Seawall.Misconfig.Dockerfile;

/// <summary>
/// A simple command of a RUN script: its words (quotes removed, redirections dropped, `$(...)` kept as text), the
/// pipeline it belongs to and whether its output is piped into the next command.
/// </summary>
public sealed record ShellCommand(IReadOnlyList<string> Words, int Pipeline, bool PipesOut)
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time" };
    private static readonly HashSet<string> Wrappers = new(StringComparer.Ordinal) { "sudo", "env", "exec", "command", "nohup", "nice", "builtin" };

    /// <summary>
    /// The words from the program on: leading `VAR=value` assignments, reserved words and wrappers (sudo, env, exec,
    /// nohup, nice) with their options are skipped, so `sudo -E DEBIAN_FRONTEND=x apt-get install` starts at apt-get.
    /// </summary>
    public IReadOnlyList<string> Program => program ??= FindProgram();

    /// <summary>The package-manager invocation this command is, if any; read once, as every package check asks.</summary>
    public PackageInvocation? Package
    {
        get
        {
            if (!packageRead)
            {
                package = PackageCommands.Read(this);
                packageRead = true;
            }
            return package;
        }
    }

    private IReadOnlyList<string>? program;
    private string? name;
    private PackageInvocation? package;
    private bool packageRead;

    private IReadOnlyList<string> FindProgram()
    {
        var at = 0;
        while (at < Words.Count)
        {
            var word = Words[at];
            if (Reserved.Contains(word) || IsAssignment(word))
            {
                at++;
                continue;
            }
            if (Wrappers.Contains(Basename(word)))
            {
                at++;
                while (at < Words.Count && Words[at].StartsWith('-'))
                {
                    // sudo -u USER / -g GROUP take a value.
                    at += Words[at] is "-u" or "-g" ? 2 : 1;
                }
                continue;
            }
            break;
        }
        return at == 0 ? Words : Words.Skip(at).ToList();
    }

    /// <summary>The program's file name (`/usr/bin/apt-get` is apt-get), empty when there is none.</summary>
    public string Name => name ??= Program is { Count: > 0 } words ? Basename(words[0]) : string.Empty;

    /// <summary>The first word before any wrapper is stripped (`sudo` for `sudo apt-get ...`).</summary>
    public string FirstWord => Words.FirstOrDefault(w => !Reserved.Contains(w) && !IsAssignment(w)) is { } first ? Basename(first) : string.Empty;

    private static string Basename(string word)
    {
        var slash = word.LastIndexOf('/');
        return slash < 0 ? word : word[(slash + 1)..];
    }

    private static bool IsAssignment(string word)
    {
        var eq = word.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !(char.IsAsciiLetter(word[0]) || word[0] == '_'))
        {
            return false;
        }
        for (var i = 1; i < eq; i++)
        {
            if (!char.IsAsciiLetterOrDigit(word[i]) && word[i] != '_')
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// Splits a POSIX shell script into simple commands: quotes, backslash escapes and line continuations, comments,
/// `&&`, `||`, `;`, `&`, newlines, subshell parentheses and pipes. Not a shell: enough to find which programs run
/// with which words, linear in the script's length.
/// </summary>
public static class ShellScript
{
    public static List<ShellCommand> Parse(string script)
    {
        var commands = new List<ShellCommand>();
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var dropNextWord = false;
        var pipeline = 0;
        var i = 0;

        void Flush()
        {
            if (inWord)
            {
                if (dropNextWord)
                {
                    dropNextWord = false;
                }
                else
                {
                    words.Add(word.ToString());
                }
                word.Clear();
                inWord = false;
            }
        }

        void End(bool pipe)
        {
            Flush();
            dropNextWord = false;
            if (words.Count > 0)
            {
                commands.Add(new ShellCommand([.. words], pipeline, pipe));
                words.Clear();
            }
            if (!pipe)
            {
                pipeline++;
            }
        }

        while (i < script.Length)
        {
            var c = script[i];
            var next = i + 1 < script.Length ? script[i + 1] : '\0';
            switch (c)
            {
                case ' ' or '\t' or '\r':
                    Flush();
                    i++;
                    break;
                case '\n':
                    End(false);
                    i++;
                    break;
                case '#' when !inWord:
                    var newline = script.IndexOf('\n', i);
                    i = newline < 0 ? script.Length : newline;
                    break;
                case '\\':
                    if (next == '\n')
                    {
                        i += 2;
                    }
                    else if (next == '\r' && i + 2 < script.Length && script[i + 2] == '\n')
                    {
                        i += 3;
                    }
                    else
                    {
                        if (next != '\0')
                        {
                            word.Append(next);
                        }
                        inWord = true;
                        i += 2;
                    }
                    break;
                case '\'':
                {
                    var close = script.IndexOf('\'', i + 1);
                    var end = close < 0 ? script.Length : close;
                    word.Append(script, i + 1, end - i - 1);
                    inWord = true;
                    i = end + 1;
                    break;
                }
                case '"':
                {
                    var j = i + 1;
                    while (j < script.Length && script[j] != '"')
                    {
                        if (script[j] == '\\' && j + 1 < script.Length && script[j + 1] is '"' or '\\' or '$' or '`')
                        {
                            word.Append(script[j + 1]);
                            j += 2;
                        }
                        else if (script[j] == '\\' && j + 1 < script.Length && script[j + 1] == '\n')
                        {
                            j += 2;
                        }
                        else if (script[j] == '$' && j + 1 < script.Length && script[j + 1] == '(')
                        {
                            j = Balanced(script, j + 1, word.Append('$'));
                        }
                        else
                        {
                            word.Append(script[j]);
                            j++;
                        }
                    }
                    inWord = true;
                    i = j + 1;
                    break;
                }
                case '$' when next == '(':
                    word.Append('$');
                    i = Balanced(script, i + 1, word);
                    inWord = true;
                    break;
                case '<' when next == '(':
                case '>' when next == '(':
                    // Process substitution: kept as one word, like $(...).
                    word.Append(c);
                    i = Balanced(script, i + 1, word);
                    inWord = true;
                    break;
                case '`':
                {
                    var close = script.IndexOf('`', i + 1);
                    var end = close < 0 ? script.Length : close;
                    word.Append(script, i, Math.Min(end + 1, script.Length) - i);
                    inWord = true;
                    i = end + 1;
                    break;
                }
                case ';':
                    End(false);
                    i += next == ';' ? 2 : 1;
                    break;
                case '&' when next == '&':
                    End(false);
                    i += 2;
                    break;
                case '&' when next == '>':
                    Flush();
                    i += 2;
                    dropNextWord = true;
                    break;
                case '&':
                    End(false);
                    i++;
                    break;
                case '|' when next == '|':
                    End(false);
                    i += 2;
                    break;
                case '|':
                    End(true);
                    i += next == '&' ? 2 : 1;
                    break;
                case '(' or ')':
                    End(false);
                    i++;
                    break;
                case '>' or '<':
                {
                    // A redirection: an fd number before it and the target after it are not words of the command.
                    if (inWord && word.Length > 0 && word.ToString().All(char.IsAsciiDigit))
                    {
                        word.Clear();
                        inWord = false;
                    }
                    Flush();
                    var j = i + 1;
                    while (j < script.Length && script[j] is '>' or '<' or '&' or '|')
                    {
                        j++;
                    }
                    dropNextWord = true;
                    i = j;
                    break;
                }
                default:
                    word.Append(c);
                    inWord = true;
                    i++;
                    break;
            }
        }
        End(false);
        return commands;
    }

    /// <summary>Appends a parenthesised span starting at <paramref name="open"/> (nesting and quotes respected); returns the index after it.</summary>
    private static int Balanced(string script, int open, StringBuilder into)
    {
        var depth = 0;
        char quote = '\0';
        var j = open;
        for (; j < script.Length; j++)
        {
            var c = script[j];
            into.Append(c);
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                return j + 1;
            }
        }
        return j;
    }
}
