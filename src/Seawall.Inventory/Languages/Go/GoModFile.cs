using System.Text;

namespace Seawall.Inventory.Languages.Go;

/// <summary>A require line: the module, its version, whether "// indirect" marks it, and its line number.</summary>
internal sealed record GoRequire(string Path, string Version, bool Indirect, int Line);

/// <summary>A replace line: old module (all versions when OldVersion is null) =&gt; new module, or a directory when NewVersion is null.</summary>
internal sealed record GoReplace(string OldPath, string? OldVersion, string NewPath, string? NewVersion);

/// <summary>A go.mod file's module graph inputs, parsed by the grammar of golang.org/x/mod/modfile.</summary>
internal sealed record GoModFile(string? Module, string? Go, string? Toolchain, IReadOnlyList<GoRequire> Requires, IReadOnlyList<GoReplace> Replaces)
{
    private static readonly HashSet<string> KnownVerbs = new(
        ["module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"], StringComparer.Ordinal);

    /// <summary>Parses go.mod text; a line the go command would refuse throws <see cref="FormatException"/> naming the line.</summary>
    public static GoModFile Parse(string text)
    {
        string? module = null, go = null, toolchain = null;
        var requires = new List<GoRequire>();
        var replaces = new List<GoReplace>();
        string? block = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var (tokens, comment) = Tokenize(lines[i], number);
            if (tokens.Count == 0)
            {
                continue;
            }
            if (block is not null)
            {
                if (tokens is [")"])
                {
                    block = null;
                    continue;
                }
                Directive(block, tokens, comment, number);
                continue;
            }
            var verb = tokens[0];
            if (!KnownVerbs.Contains(verb))
            {
                throw new FormatException($"line {number}: unknown directive '{Printable(verb)}'");
            }
            if (tokens.Count >= 2 && tokens[1] == "(")
            {
                if (tokens.Count == 3 && tokens[2] == ")")
                {
                    continue; // "require ()"
                }
                if (tokens.Count != 2)
                {
                    throw new FormatException($"line {number}: unexpected text after '('");
                }
                block = verb;
                continue;
            }
            Directive(verb, tokens[1..], comment, number);
        }
        if (block is not null)
        {
            throw new FormatException($"{block} block opened but never closed");
        }
        return new GoModFile(module, go, toolchain, requires, replaces);

        void Directive(string verb, List<string> args, string comment, int number)
        {
            switch (verb)
            {
                case "module":
                    Expect(args.Count == 1, number, "usage: module module/path");
                    module = args[0];
                    break;
                case "go":
                    Expect(args.Count == 1, number, "usage: go 1.23");
                    go = args[0];
                    break;
                case "toolchain":
                    Expect(args.Count == 1, number, "usage: toolchain go1.23.4");
                    toolchain = args[0];
                    break;
                case "require":
                    Expect(args.Count == 2, number, "usage: require module/path v1.2.3");
                    requires.Add(new GoRequire(args[0], args[1], IsIndirect(comment), number));
                    break;
                case "replace":
                    var arrow = args.IndexOf("=>");
                    Expect(arrow is 1 or 2 && args.Count - arrow - 1 is 1 or 2, number, "usage: replace module/path [v1.2.3] => other/module v1.4.5 or directory");
                    replaces.Add(new GoReplace(args[0], arrow == 2 ? args[1] : null, args[arrow + 1], args.Count - arrow - 1 == 2 ? args[arrow + 2] : null));
                    break;
                default:
                    // exclude, retract, godebug, tool, ignore: nothing they say changes which modules are built in.
                    break;
            }
        }
    }

    /// <summary>modfile's rule: the line's comment is exactly "indirect", or starts "indirect;".</summary>
    private static bool IsIndirect(string comment)
    {
        var text = comment.Trim();
        return text == "indirect" || text.StartsWith("indirect;", StringComparison.Ordinal);
    }

    private static void Expect(bool ok, int line, string usage)
    {
        if (!ok)
        {
            throw new FormatException($"line {line}: {usage}");
        }
    }

    /// <summary>Splits a line into tokens (quoted strings unquoted, "(" ")" "=>" on their own) and its "//" comment.</summary>
    private static (List<string> Tokens, string Comment) Tokenize(string line, int number)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '/' && i + 1 < line.Length && line[i + 1] == '/')
            {
                return (tokens, line[(i + 2)..]);
            }
            if (c is '(' or ')')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            if (c == '=' && i + 1 < line.Length && line[i + 1] == '>')
            {
                tokens.Add("=>");
                i += 2;
                continue;
            }
            if (c is '"' or '`')
            {
                var sb = new StringBuilder();
                var j = i + 1;
                while (j < line.Length && line[j] != c)
                {
                    if (c == '"' && line[j] == '\\' && j + 1 < line.Length)
                    {
                        j++;
                    }
                    sb.Append(line[j]);
                    j++;
                }
                if (j >= line.Length)
                {
                    throw new FormatException($"line {number}: unterminated quoted string");
                }
                tokens.Add(sb.ToString());
                i = j + 1;
                continue;
            }
            var start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] is not ('(' or ')' or '"' or '`')
                && !(line[i] == '/' && i + 1 < line.Length && line[i + 1] == '/')
                && !(line[i] == '=' && i + 1 < line.Length && line[i + 1] == '>'))
            {
                i++;
            }
            tokens.Add(line[start..i]);
        }
        return (tokens, string.Empty);
    }

    private static string Printable(string s) => new([.. s.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);
}
