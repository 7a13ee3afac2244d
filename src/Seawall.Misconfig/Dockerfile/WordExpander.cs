using System.Text;

namespace Seawall.Misconfig.Dockerfile;

/// <summary>
/// The builder's own word processing (not the shell's): quotes, the escape character, and variable substitution
/// from ARG and ENV: <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-word}</c>, <c>${VAR-word}</c>, <c>${VAR:+word}</c>,
/// <c>${VAR+word}</c>, <c>${VAR:?message}</c>. It applies to FROM, ENV, ARG defaults, LABEL, USER, WORKDIR, EXPOSE,
/// COPY/ADD and their flags; RUN, CMD and ENTRYPOINT are left to the shell at build or run time.
/// </summary>
public sealed class WordExpander(char escape, Func<string, string?> lookup)
{
    /// <summary>True once a referenced variable had no value and no default: the result is not what a build would see.</summary>
    public bool Unresolved { get; private set; }

    /// <summary>Whitespace-separated words with quotes removed and variables substituted.</summary>
    public List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                i++;
                continue;
            }
            inWord = true;
            i = ReadUnit(text, i, word, stopAtBrace: false);
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    /// <summary>One value with quotes removed and variables substituted; whitespace is kept.</summary>
    public string Expand(string text)
    {
        var word = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            i = ReadUnit(text, i, word, stopAtBrace: false);
        }
        return word.ToString();
    }

    /// <summary>Reads one character, quoted string, escape or substitution at <paramref name="i"/>; returns the next index.</summary>
    private int ReadUnit(string text, int i, StringBuilder into, bool stopAtBrace)
    {
        var c = text[i];
        if (c == escape)
        {
            if (i + 1 < text.Length)
            {
                into.Append(text[i + 1]);
                return i + 2;
            }
            into.Append(c);
            return i + 1;
        }
        if (c == '\'')
        {
            var close = text.IndexOf('\'', i + 1);
            if (close < 0)
            {
                into.Append(text, i + 1, text.Length - i - 1);
                return text.Length;
            }
            into.Append(text, i + 1, close - i - 1);
            return close + 1;
        }
        if (c == '"')
        {
            var j = i + 1;
            while (j < text.Length && text[j] != '"')
            {
                if (text[j] == escape && j + 1 < text.Length && (text[j + 1] is '"' or '$' || text[j + 1] == escape))
                {
                    into.Append(text[j + 1]);
                    j += 2;
                }
                else if (text[j] == '$')
                {
                    j = Substitute(text, j, into);
                }
                else
                {
                    into.Append(text[j]);
                    j++;
                }
            }
            return Math.Min(j + 1, text.Length);
        }
        if (c == '$')
        {
            return Substitute(text, i, into);
        }
        into.Append(c);
        return i + 1;
    }

    private int Substitute(string text, int i, StringBuilder into)
    {
        if (i + 1 >= text.Length)
        {
            into.Append('$');
            return i + 1;
        }
        if (text[i + 1] != '{')
        {
            var end = i + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }
            if (end == i + 1)
            {
                into.Append('$'); // `$` before anything but a name stays literal
                return i + 1;
            }
            into.Append(Value(text[(i + 1)..end]) ?? string.Empty);
            return end;
        }
        var nameStart = i + 2;
        var nameEnd = nameStart;
        while (nameEnd < text.Length && (char.IsAsciiLetterOrDigit(text[nameEnd]) || text[nameEnd] == '_'))
        {
            nameEnd++;
        }
        var close = MatchingBrace(text, i + 1);
        if (nameEnd == nameStart || close < 0)
        {
            // `${}` or unclosed: BuildKit refuses it; keep the text so nothing is invented.
            Unresolved = true;
            var stop = close < 0 ? text.Length : close + 1;
            into.Append(text, i, stop - i);
            return stop;
        }
        var name = text[nameStart..nameEnd];
        var value = Value(name, quiet: nameEnd < close);
        if (nameEnd == close)
        {
            into.Append(value ?? string.Empty);
            return close + 1;
        }
        var colon = text[nameEnd] == ':';
        var opAt = colon ? nameEnd + 1 : nameEnd;
        var op = opAt < close ? text[opAt] : '\0';
        var word = text[(opAt + 1)..close];
        var set = colon ? !string.IsNullOrEmpty(value) : value is not null;
        switch (op)
        {
            case '-':
                into.Append(set ? value : Expand(word));
                break;
            case '+':
                into.Append(set ? Expand(word) : string.Empty);
                break;
            case '?':
                if (!set)
                {
                    Unresolved = true;
                }
                into.Append(value ?? string.Empty);
                break;
            default:
                // Pattern forms (${VAR#p}, ${VAR%p}, ${VAR/a/b}) are not evaluated: keep the text, mark it unresolved.
                Unresolved = true;
                into.Append(text, i, close + 1 - i);
                break;
        }
        return close + 1;
    }

    private string? Value(string name, bool quiet = false)
    {
        var value = lookup(name);
        if (value is null && !quiet)
        {
            Unresolved = true;
        }
        return value;
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var j = open; j < text.Length; j++)
        {
            if (text[j] == '{')
            {
                depth++;
            }
            else if (text[j] == '}' && --depth == 0)
            {
                return j;
            }
        }
        return -1;
    }
}
