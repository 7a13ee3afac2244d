namespace Seawall.Misconfig.Dockerfile;

/// <summary>An instruction flag as written (`--from=build`, `--mount=type=cache,target=/x`); a bare flag has a null value.</summary>
public sealed record InstructionFlag(string Name, string? Value);

/// <summary>
/// A heredoc body (`<<EOF` ... `EOF`): its delimiter, whether it was quoted (no variable expansion then), whether
/// `<<-` stripped leading tabs, the body text and whether the closing delimiter was found before the end of the file.
/// </summary>
public sealed record Heredoc(string Delimiter, bool Quoted, bool StripTabs, string Body, bool Terminated);

/// <summary>
/// One instruction after line continuations are joined: its upper-case keyword, the line it starts on and the last
/// line it covers (heredoc bodies included), its flags, the rest of the line, the JSON (exec) form when the rest is a
/// JSON string array, and its heredocs. <see cref="Oversized"/> marks an instruction whose arguments were dropped
/// because they exceed <see cref="DockerfileParser.MaxInstructionChars"/>.
/// </summary>
public sealed record Instruction(string Keyword, int Line, int EndLine, IReadOnlyList<InstructionFlag> Flags, string Arguments,
    IReadOnlyList<string>? ExecForm, IReadOnlyList<Heredoc> Heredocs)
{
    public bool Oversized { get; init; }

    /// <summary>The value of the last flag of that name (BuildKit keeps the last), null when absent or bare.</summary>
    public string? Flag(string name) => Flags.LastOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    public bool HasFlag(string name) => Flags.Any(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every value of a repeatable flag (`--mount` may appear several times).</summary>
    public IEnumerable<string> FlagValues(string name) =>
        Flags.Where(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase) && f.Value is not null).Select(f => f.Value!);
}

/// <summary>What the parser read: the parser directives, the escape character in force, and the instructions.</summary>
public sealed record DockerfileSyntax(IReadOnlyDictionary<string, string> Directives, char Escape, IReadOnlyList<Instruction> Instructions);
