using System.Text;
using System.Text.Json;

namespace Seawall.Misconfig.Dockerfile;

/// <summary>
/// Reads Dockerfile text the way BuildKit's frontend does (docs.docker.com/reference/dockerfile): parser directives
/// (`# syntax=`, `# escape=`, `# check=`) only before anything else, line continuations with the escape character,
/// comment and blank lines dropped inside a continuation, heredocs (`<<EOF`, `<<-EOF`, quoted delimiters, several per
/// instruction) on RUN, COPY and ADD, flags, and the JSON (exec) form. Problems are warnings with file and line;
/// parsing always goes on.
/// </summary>
public static class DockerfileParser
{
    /// <summary>Beyond this an instruction's arguments are not kept, so one hostile line cannot cost unbounded work.</summary>
    public const int MaxInstructionChars = 1024 * 1024;

    private static readonly HashSet<string> KnownDirectives = new(StringComparer.OrdinalIgnoreCase) { "syntax", "escape", "check" };
    private static readonly HashSet<string> HeredocInstructions = new(StringComparer.Ordinal) { "RUN", "COPY", "ADD" };
    private static readonly HashSet<string> FlagInstructions = new(StringComparer.Ordinal) { "FROM", "RUN", "COPY", "ADD", "HEALTHCHECK" };
    private static readonly HashSet<string> ExecFormInstructions = new(StringComparer.Ordinal) { "RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME" };

    public static DockerfileSyntax Parse(string file, string text, List<string> warnings)
    {
        var reader = new LineReader(text);
        var directives = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var escape = '\\';
        var instructions = new List<Instruction>();
        var lookingForDirectives = true;
        while (reader.Next(out var line))
        {
            if (lookingForDirectives)
            {
                if (TryDirective(line, out var name, out var value) && KnownDirectives.Contains(name))
                {
                    if (!directives.TryAdd(name.ToLowerInvariant(), value))
                    {
                        warnings.Add($"{file}:{reader.Line}: parser directive '{name}' repeated; the first one is kept");
                    }
                    else if (name.Equals("escape", StringComparison.OrdinalIgnoreCase))
                    {
                        if (value is "\\" or "`")
                        {
                            escape = value[0];
                        }
                        else
                        {
                            warnings.Add($"{file}:{reader.Line}: invalid escape directive '{value}' (only \\ and ` are allowed); \\ is used");
                        }
                    }
                    continue;
                }
                // A directive is only one before any comment, blank line or instruction.
                lookingForDirectives = false;
            }
            var content = line.TrimStart();
            if (content.IsEmpty || content[0] == '#')
            {
                continue;
            }
            ReadInstruction(file, reader, content, escape, instructions, warnings);
        }
        return new DockerfileSyntax(directives, escape, instructions);
    }

    private static void ReadInstruction(string file, LineReader reader, ReadOnlySpan<char> first, char escape, List<Instruction> instructions, List<string> warnings)
    {
        var startLine = reader.Line;
        var logical = new StringBuilder();
        var oversized = false;
        var content = first;
        while (true)
        {
            var trimmed = content.TrimEnd();
            var continues = !trimmed.IsEmpty && trimmed[^1] == escape;
            Append(continues ? trimmed[..^1] : trimmed);
            if (!continues)
            {
                break;
            }
            // Inside a continuation BuildKit drops comment lines and blank lines.
            var next = ReadOnlySpan<char>.Empty;
            var more = false;
            while (reader.Next(out var line))
            {
                var lead = line.TrimStart();
                if (lead.IsEmpty || lead[0] == '#')
                {
                    continue;
                }
                next = line;
                more = true;
                break;
            }
            if (!more)
            {
                break; // a continuation at the end of the file ends the instruction, as BuildKit does
            }
            content = next;
        }

        var text = logical.ToString();
        var split = 0;
        while (split < text.Length && !char.IsWhiteSpace(text[split]))
        {
            split++;
        }
        var keyword = text[..split].ToUpperInvariant();
        var rest = text[split..].TrimStart();
        var flags = FlagInstructions.Contains(keyword) ? ExtractFlags(ref rest) : [];
        var heredocs = new List<Heredoc>();
        if (HeredocInstructions.Contains(keyword))
        {
            foreach (var (delimiter, quoted, strip) in HeredocMarkers(rest))
            {
                heredocs.Add(ReadHeredoc(file, reader, keyword, startLine, delimiter, quoted, strip, warnings));
            }
        }
        if (oversized)
        {
            warnings.Add($"{file}:{startLine}: {keyword} instruction is over {MaxInstructionChars / 1024 / 1024} MiB; its arguments are not judged");
        }
        IReadOnlyList<string>? exec = ExecFormInstructions.Contains(keyword) ? ExecForm(rest) : null;
        instructions.Add(new Instruction(keyword, startLine, reader.Line, flags, oversized ? string.Empty : rest, exec, heredocs) { Oversized = oversized });

        void Append(ReadOnlySpan<char> part)
        {
            if (oversized)
            {
                return;
            }
            if (logical.Length + part.Length > MaxInstructionChars)
            {
                oversized = true;
                // Keep the keyword so the instruction is still known (and counted) without its arguments.
                var keywordEnd = 0;
                var whole = logical.Length > 0 ? logical.ToString().AsSpan() : part;
                while (keywordEnd < whole.Length && !char.IsWhiteSpace(whole[keywordEnd]))
                {
                    keywordEnd++;
                }
                var keywordText = whole[..Math.Min(keywordEnd, 64)].ToString();
                logical.Clear().Append(keywordText);
                return;
            }
            logical.Append(part);
        }
    }

    private static Heredoc ReadHeredoc(string file, LineReader reader, string keyword, int startLine, string delimiter, bool quoted, bool strip, List<string> warnings)
    {
        var body = new StringBuilder();
        while (reader.Next(out var line))
        {
            var candidate = strip ? line.TrimStart('\t') : line;
            if (candidate.SequenceEqual(delimiter))
            {
                return new Heredoc(delimiter, quoted, strip, body.ToString(), true);
            }
            if (body.Length + candidate.Length < MaxInstructionChars)
            {
                body.Append(candidate).Append('\n');
            }
        }
        warnings.Add($"{file}:{startLine}: unterminated heredoc <<{delimiter} in {keyword}; it runs to the end of the file");
        return new Heredoc(delimiter, quoted, strip, body.ToString(), false);
    }

    /// <summary>
    /// The heredoc openers of a line, in order, outside quotes: `<<NAME`, `<<-NAME`, `<<"NAME"`, `<<'NAME'`; `<<<`
    /// (a here-string) is not one.
    /// </summary>
    internal static List<(string Delimiter, bool Quoted, bool StripTabs)> HeredocMarkers(string line)
    {
        var markers = new List<(string, bool, bool)>();
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                continue;
            }
            if (c is '\'' or '"')
            {
                quote = c;
                continue;
            }
            if (c != '<' || i + 1 >= line.Length || line[i + 1] != '<' || (i > 0 && line[i - 1] == '<') || (i + 2 < line.Length && line[i + 2] == '<'))
            {
                continue;
            }
            var at = i + 2;
            var strip = at < line.Length && line[at] == '-';
            if (strip)
            {
                at++;
            }
            var delimiterQuote = at < line.Length && line[at] is '\'' or '"' ? line[at] : '\0';
            if (delimiterQuote != '\0')
            {
                var close = line.IndexOf(delimiterQuote, at + 1);
                if (close <= at + 1)
                {
                    continue; // an unclosed or empty quoted delimiter is no heredoc
                }
                markers.Add((line[(at + 1)..close], true, strip));
                i = close;
                continue;
            }
            var end = at;
            while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] is '_' or '-' or '.'))
            {
                end++;
            }
            if (end > at)
            {
                markers.Add((line[at..end], false, strip));
                i = end - 1;
            }
        }
        return markers;
    }

    /// <summary>Leading `--name[=value]` words; quotes inside a value are removed as the shell would.</summary>
    private static List<InstructionFlag> ExtractFlags(ref string rest)
    {
        var flags = new List<InstructionFlag>();
        var at = 0;
        while (at + 2 <= rest.Length && rest[at] == '-' && rest[at + 1] == '-')
        {
            var word = new StringBuilder();
            char quote = '\0';
            var i = at + 2;
            for (; i < rest.Length; i++)
            {
                var c = rest[i];
                if (quote != '\0')
                {
                    if (c == quote)
                    {
                        quote = '\0';
                    }
                    else
                    {
                        word.Append(c);
                    }
                }
                else if (c is '\'' or '"')
                {
                    quote = c;
                }
                else if (char.IsWhiteSpace(c))
                {
                    break;
                }
                else
                {
                    word.Append(c);
                }
            }
            var text = word.ToString();
            if (text.Length == 0)
            {
                break; // a bare `--` ends the flags
            }
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            flags.Add(eq < 0 ? new InstructionFlag(text, null) : new InstructionFlag(text[..eq], text[(eq + 1)..]));
            while (i < rest.Length && char.IsWhiteSpace(rest[i]))
            {
                i++;
            }
            at = i;
        }
        rest = rest[at..];
        return flags;
    }

    /// <summary>The JSON form: a JSON array of strings. Anything else (including invalid JSON) is the shell form.</summary>
    private static List<string>? ExecForm(string rest)
    {
        var trimmed = rest.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '[' || trimmed[^1] != ']')
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(trimmed.ToString());
            var items = new List<string>();
            foreach (var item in json.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return null;
                }
                items.Add(item.GetString()!);
            }
            return items;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryDirective(ReadOnlySpan<char> line, out string name, out string value)
    {
        name = value = string.Empty;
        var text = line.Trim();
        if (text.IsEmpty || text[0] != '#')
        {
            return false;
        }
        text = text[1..].TrimStart();
        var eq = text.IndexOf('=');
        if (eq <= 0)
        {
            return false;
        }
        var key = text[..eq].TrimEnd();
        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        name = key.ToString();
        value = text[(eq + 1)..].Trim().ToString();
        return true;
    }

    /// <summary>Physical lines of the text, LF or CRLF, with a running 1-based line number.</summary>
    private sealed class LineReader(string text)
    {
        private int position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        public int Line { get; private set; }

        public bool Next(out ReadOnlySpan<char> line)
        {
            if (position >= text.Length)
            {
                line = default;
                return false;
            }
            var newline = text.IndexOf('\n', position);
            var end = newline < 0 ? text.Length : newline;
            var length = end - position;
            if (length > 0 && text[end - 1] == '\r')
            {
                length--;
            }
            line = text.AsSpan(position, length);
            position = newline < 0 ? text.Length : newline + 1;
            Line++;
            return true;
        }
    }
}
