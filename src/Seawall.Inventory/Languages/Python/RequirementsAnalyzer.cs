using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// pip requirements files (requirements*.txt): the pinned entries ("name==1.0", "name===1.0"), as Trivy reports them;
/// ranges and bare names are not a version and are left out. Lines are read as pip reads them (continuations, comments,
/// per-requirement options such as --hash), and "-r other.txt" includes are followed through the tree, relative to the
/// including file, each file once (so include cycles end).
/// </summary>
public sealed class RequirementsAnalyzer : IAnalyzer
{
    /// <summary>More included files than any real project has: a bound for hostile include chains.</summary>
    private const int MaxIncludedFiles = 256;

    public string Id => "pip";

    public int Version => 1;

    public PackageSources Sources => PackageSources.Lockfiles;

    public long MaxFileSize => TreeFiles.MaxCompanionBytes;

    public bool IsApplicable(string path)
    {
        var name = path.AsSpan(path.LastIndexOf('/') + 1);
        return name.StartsWith("requirements", StringComparison.Ordinal) && name.EndsWith(".txt", StringComparison.Ordinal);
    }

    public async Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        foreach (var file in input.Files)
        {
            var state = new IncludeState(input.Tree, sink);
            state.Visited.Add(file.Path);
            await ReadAsync(state, file.Path, file.Node.Layer, file.Content, cancellationToken).ConfigureAwait(false);
            LanguageResults.Add(sink, file, "pip", state.Packages.Values);
        }
    }

    /// <summary>Parses one file without includes: what a file itself pins (tests and tools use it).</summary>
    public static IReadOnlyList<(string Name, string Version, int Line)> ParsePins(string text) =>
        [.. LogicalLines(text).Select(l => (Line: l.Number, Args: SplitArgsAndOptions(l.Text).Args))
            .Select(l => (Pin: Pep508.Pinned(l.Args), l.Line))
            .Where(p => p.Pin is not null)
            .Select(p => (p.Pin!.Value.Name, p.Pin!.Value.Version, p.Line))];

    private sealed class IncludeState(IFileTree tree, AnalysisSink sink)
    {
        public IFileTree Tree { get; } = tree;
        public AnalysisSink Sink { get; } = sink;
        public HashSet<string> Visited { get; } = new(StringComparer.Ordinal);
        /// <summary>Keyed by normalised name and version: a pin repeated across included files is one package.</summary>
        public Dictionary<string, Package> Packages { get; } = new(StringComparer.Ordinal);
    }

    private static async Task ReadAsync(IncludeState state, string path, LayerRef? layer, byte[] content, CancellationToken ct)
    {
        foreach (var (number, text) in LogicalLines(TreeFiles.Decode(content)))
        {
            var (args, options) = SplitArgsAndOptions(text);
            if (args.Length > 0)
            {
                if (Pep508.Pinned(args) is { } pin)
                {
                    var key = Pep508.Normalize(pin.Name) + "@" + pin.Version;
                    state.Packages.TryAdd(key, new Package
                    {
                        Name = pin.Name,
                        Version = pin.Version,
                        Ecosystem = "PyPI",
                        FilePath = path,
                        Layer = layer,
                    });
                }
                continue;
            }
            foreach (var include in Includes(options))
            {
                await IncludeAsync(state, path, number, include, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task IncludeAsync(IncludeState state, string from, int line, string include, CancellationToken ct)
    {
        var shown = LanguageResults.OneLine(include);
        if (include.Contains("://", StringComparison.Ordinal))
        {
            state.Sink.Warn($"{from}:{line}: pip: -r {shown} is a URL; offline scans do not fetch it");
            return;
        }
        // pip resolves a relative include against the including file's directory; an absolute one is rooted at the scan root.
        var joined = include.StartsWith('/') ? include : TreePath.Combine(TreePath.Parent(from), include);
        if (TreePath.Normalize(joined) is not { Length: > 0 } target)
        {
            state.Sink.Warn($"{from}:{line}: pip: -r {shown} leaves the scanned root; not read");
            return;
        }
        if (!state.Visited.Add(target))
        {
            return;
        }
        if (state.Visited.Count > MaxIncludedFiles)
        {
            state.Sink.Warn($"{from}:{line}: pip: more than {MaxIncludedFiles} included requirements files; -r {shown} not read");
            return;
        }
        var bytes = await TreeFiles.TryReadAsync(state.Tree, target, ct).ConfigureAwait(false);
        if (bytes is null)
        {
            state.Sink.Warn($"{from}:{line}: pip: included file {target} is missing or unreadable");
            return;
        }
        await ReadAsync(state, target, state.Tree.Resolve(target)?.Layer, bytes, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// pip's logical lines: a line ending in a backslash continues on the next (backslashes at both ends of each part are
    /// dropped, as pip's join_lines does), then comments ("#" at the start or after whitespace) are cut and blank lines skipped.
    /// Each logical line keeps the number of its first physical line.
    /// </summary>
    internal static IEnumerable<(int Number, string Text)> LogicalLines(string text)
    {
        var joined = new System.Text.StringBuilder();
        var first = 0;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            var isComment = IsCommentLine(line);
            if (!line.EndsWith('\\') || isComment)
            {
                if (joined.Length > 0)
                {
                    // pip puts a space before a comment line that ends a continuation, so it is cut as a comment.
                    joined.Append(isComment ? " " + line : line);
                    line = joined.ToString();
                    joined.Clear();
                }
                else
                {
                    first = number;
                }
                if (StripComment(line) is { Length: > 0 } logical)
                {
                    yield return (first, logical);
                }
                continue;
            }
            if (joined.Length == 0)
            {
                first = number;
            }
            joined.Append(line.Trim('\\'));
        }
        if (joined.Length > 0 && StripComment(joined.ToString()) is { Length: > 0 } last)
        {
            yield return (first, last);
        }
    }

    /// <summary>pip's comment rule, "(^|\s+)#.*$", matched at the start of the line.</summary>
    private static bool IsCommentLine(string line) => line.TrimStart().StartsWith('#');

    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i].Trim();
            }
        }
        return line.Trim();
    }

    /// <summary>pip's break_args_options: words up to the first one starting with "-" are the requirement, the rest options.</summary>
    private static (string Args, string[] Options) SplitArgsAndOptions(string line)
    {
        var tokens = line.Split(' ');
        var i = 0;
        while (i < tokens.Length && !tokens[i].StartsWith('-'))
        {
            i++;
        }
        return (string.Join(' ', tokens[..i]).Trim(), tokens[i..]);
    }

    /// <summary>The files named by -r / --requirement options: "-r f", "-rf", "--requirement f", "--requirement=f".</summary>
    private static IEnumerable<string> Includes(string[] options)
    {
        var tokens = options.Where(t => t.Length > 0).ToArray();
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            string? value = null;
            if (token is "-r" or "--requirement")
            {
                value = i + 1 < tokens.Length ? tokens[++i] : null;
            }
            else if (token.StartsWith("--requirement=", StringComparison.Ordinal))
            {
                value = token["--requirement=".Length..];
            }
            else if (token.StartsWith("-r", StringComparison.Ordinal) && !token.StartsWith("--", StringComparison.Ordinal))
            {
                value = token[2..];
            }
            if (!string.IsNullOrEmpty(value))
            {
                yield return value.Trim('"', '\'');
            }
        }
    }
}
