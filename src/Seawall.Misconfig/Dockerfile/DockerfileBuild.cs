namespace Seawall.Misconfig.Dockerfile;

/// <summary>A key and value of ENV, ARG or LABEL; an ARG without a default has a null value.</summary>
public sealed record KeyValue(string Key, string? Value);

/// <summary>
/// One instruction in its stage: its JSON path in the report (<c>$.stages[1].instructions[3]</c>; FROM is
/// instruction 0), its words after the builder's variable substitution (raw words for RUN, CMD and ENTRYPOINT, which
/// the shell expands), its ENV/ARG/LABEL pairs, and whether a referenced variable had no value.
/// </summary>
public sealed record BuildStep(Instruction Instruction, string Path, IReadOnlyList<string> Words, IReadOnlyList<KeyValue> Pairs, bool Unresolved)
{
    public string Keyword => Instruction.Keyword;

    public int Line => Instruction.Line;
}

/// <summary>A build stage: FROM's image (after ARG substitution), its name, the stage it builds on, its steps.</summary>
public sealed class BuildStage
{
    public required int Index { get; init; }

    /// <summary>Lower-cased, as BuildKit compares stage names.</summary>
    public required string? Name { get; init; }

    public required BuildStep From { get; init; }

    public required string Image { get; init; }

    /// <summary>The image reference used a variable without a value: its tag cannot be judged.</summary>
    public required bool ImageUnresolved { get; init; }

    /// <summary>The earlier stage this one is built FROM, null for an external image or scratch.</summary>
    public required BuildStage? Parent { get; init; }

    public List<BuildStep> Steps { get; } = [];

    /// <summary>ENV in force at the end of the stage (inherited from a parent stage).</summary>
    public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);

    public string Label => Name ?? $"stage {Index}";

    public bool IsScratch => Image.Equals("scratch", StringComparison.OrdinalIgnoreCase);

    /// <summary>This stage and the stages it is built on, nearest first: what ends up in its image.</summary>
    public IEnumerable<BuildStage> Lineage()
    {
        for (var stage = this; stage is not null; stage = stage.Parent)
        {
            yield return stage;
        }
    }
}

/// <summary>A Dockerfile read into stages, with ARG and ENV substitution applied the way a build without --build-arg sees it.</summary>
public sealed class DockerfileBuild
{
    private DockerfileBuild(string file, DockerfileSyntax syntax)
    {
        File = file;
        Syntax = syntax;
    }

    public string File { get; }

    public DockerfileSyntax Syntax { get; }

    /// <summary>ARGs before the first FROM: usable in FROM lines only.</summary>
    public List<BuildStep> GlobalArgs { get; } = [];

    public List<BuildStage> Stages { get; } = [];

    /// <summary>The stage a plain `docker build` produces (the last one).</summary>
    public BuildStage? Final => Stages.Count == 0 ? null : Stages[^1];

    public IEnumerable<BuildStep> AllSteps => GlobalArgs.Concat(Stages.SelectMany(s => s.Steps));

    public static DockerfileBuild Parse(string file, string text, List<string> warnings) =>
        From(file, DockerfileParser.Parse(file, text, warnings), warnings);

    public static DockerfileBuild From(string file, DockerfileSyntax syntax, List<string> warnings)
    {
        var build = new DockerfileBuild(file, syntax);
        var escape = syntax.Escape;
        var globals = new Dictionary<string, string?>(StringComparer.Ordinal);
        BuildStage? stage = null;
        Dictionary<string, string?> stageArgs = new(StringComparer.Ordinal);
        foreach (var instruction in syntax.Instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var expander = new WordExpander(escape, name => globals.GetValueOrDefault(name));
                var words = expander.Words(instruction.Arguments);
                var image = words.Count > 0 ? words[0] : string.Empty;
                var name = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2].ToLowerInvariant() : null;
                var parent = build.Stages.LastOrDefault(s => s.Name is not null && s.Name.Equals(image, StringComparison.OrdinalIgnoreCase));
                stage = new BuildStage
                {
                    Index = build.Stages.Count,
                    Name = name,
                    From = new BuildStep(instruction, $"$.stages[{build.Stages.Count}].instructions[0]", words, [], expander.Unresolved),
                    Image = image,
                    ImageUnresolved = expander.Unresolved || image.Length == 0,
                    Parent = parent,
                };
                stage.Steps.Add(stage.From);
                foreach (var (key, value) in parent?.Env ?? [])
                {
                    stage.Env[key] = value;
                }
                build.Stages.Add(stage);
                stageArgs = new Dictionary<string, string?>(StringComparer.Ordinal);
                continue;
            }
            if (stage is null)
            {
                if (instruction.Keyword == "ARG")
                {
                    var expander = new WordExpander(escape, name => globals.GetValueOrDefault(name));
                    var pairs = ArgPairs(expander, instruction.Arguments);
                    foreach (var pair in pairs)
                    {
                        globals[pair.Key] = pair.Value;
                    }
                    build.GlobalArgs.Add(new BuildStep(instruction, $"$.globalArgs[{build.GlobalArgs.Count}]", [], pairs, expander.Unresolved));
                }
                else
                {
                    warnings.Add($"{file}:{instruction.Line}: {instruction.Keyword} before the first FROM; a build refuses it");
                }
                continue;
            }
            var current = stage;
            var args = stageArgs;
            // ENV wins over ARG of the same name, as in a build.
            var scope = new WordExpander(escape, name => current.Env.TryGetValue(name, out var env) ? env : args.GetValueOrDefault(name));
            var path = $"$.stages[{stage.Index}].instructions[{stage.Steps.Count}]";
            BuildStep step;
            switch (instruction.Keyword)
            {
                case "ARG":
                {
                    var pairs = ArgPairs(scope, instruction.Arguments);
                    var resolved = new List<KeyValue>(pairs.Count);
                    foreach (var pair in pairs)
                    {
                        // A bare `ARG NAME` in a stage brings the global default in.
                        var value = pair.Value ?? globals.GetValueOrDefault(pair.Key);
                        args[pair.Key] = value;
                        resolved.Add(pair with { Value = value });
                    }
                    step = new BuildStep(instruction, path, [], resolved, scope.Unresolved);
                    break;
                }
                case "ENV":
                case "LABEL":
                {
                    var pairs = KeyValuePairs(scope, instruction.Arguments);
                    if (instruction.Keyword == "ENV")
                    {
                        foreach (var pair in pairs)
                        {
                            stage.Env[pair.Key] = pair.Value ?? string.Empty;
                        }
                    }
                    step = new BuildStep(instruction, path, [], pairs, scope.Unresolved);
                    break;
                }
                case "RUN":
                case "CMD":
                case "ENTRYPOINT":
                case "SHELL":
                case "HEALTHCHECK":
                case "ONBUILD":
                case "MAINTAINER":
                    step = new BuildStep(instruction, path, instruction.ExecForm ?? [], [], false);
                    break;
                default:
                    step = new BuildStep(instruction, path, instruction.ExecForm ?? scope.Words(instruction.Arguments), [], scope.Unresolved);
                    break;
            }
            stage.Steps.Add(step);
        }
        return build;
    }

    /// <summary>`ARG NAME`, `ARG NAME=default`, several per line.</summary>
    private static List<KeyValue> ArgPairs(WordExpander expander, string arguments) =>
        [.. expander.Words(arguments).Select(word =>
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? new KeyValue(word, null) : new KeyValue(word[..eq], word[(eq + 1)..]);
        })];

    /// <summary>`KEY=value ...` pairs, or the legacy `KEY value with spaces` form when the first word has no `=`.</summary>
    private static List<KeyValue> KeyValuePairs(WordExpander expander, string arguments)
    {
        var trimmed = arguments.Trim();
        var firstSpace = trimmed.IndexOfAny([' ', '\t']);
        var firstWord = firstSpace < 0 ? trimmed : trimmed[..firstSpace];
        if (!firstWord.Contains('=', StringComparison.Ordinal))
        {
            return firstSpace < 0
                ? [new KeyValue(expander.Expand(trimmed), null)]
                : [new KeyValue(expander.Expand(firstWord), expander.Expand(trimmed[(firstSpace + 1)..].Trim()))];
        }
        return [.. expander.Words(arguments).Select(word =>
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? new KeyValue(word, null) : new KeyValue(word[..eq], word[(eq + 1)..]);
        })];
    }
}
