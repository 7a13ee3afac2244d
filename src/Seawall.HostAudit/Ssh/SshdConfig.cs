using Seawall.Core.Model;

namespace Seawall.HostAudit.Ssh;

/// <summary>One keyword line of the sshd configuration and where it applies.</summary>
/// <param name="Keyword">Lower case, aliases folded ("challengeresponseauthentication" is "kbdinteractiveauthentication" from 8.7).</param>
/// <param name="Args">The arguments, quotes and escapes removed.</param>
/// <param name="Path">Root-relative file ("etc/ssh/sshd_config"), or "proc/PID/cmdline" for an sshd -o option.</param>
/// <param name="Line">1-based line; null for a command-line option.</param>
/// <param name="Global">True when it applies to every connection (outside Match blocks, or after "Match all").</param>
/// <param name="Match">The Match criteria it sits under ("User deploy"); null when global.</param>
/// <param name="MatchLocation">Where that Match line is.</param>
public sealed record SshdDirective(
    string Keyword,
    string WrittenKeyword,
    IReadOnlyList<string> Args,
    string Path,
    int? Line,
    bool Global,
    string? Match = null,
    Location? MatchLocation = null)
{
    public string Value => Args.Count > 0 ? Args[0] : string.Empty;

    public Location Location => new(Path, Line);

    /// <summary>"etc/ssh/sshd_config:12" for evidence.</summary>
    public string Where => Line is { } line ? $"{Path}:{line}" : Path;
}

/// <summary>The directives sshd reads, in the order it reads them (command line, then files with Includes expanded in place).</summary>
public sealed class SshdConfig(IReadOnlyList<SshdDirective> directives, IReadOnlyList<string> files)
{
    public IReadOnlyList<SshdDirective> Directives { get; } = directives;

    /// <summary>Every file read, root-relative, in reading order.</summary>
    public IReadOnlyList<string> Files { get; } = files;

    /// <summary>The line that sets keyword for every connection: the first global one, as sshd keeps the first value.</summary>
    public SshdDirective? Global(string keyword) =>
        Directives.FirstOrDefault(d => d.Global && d.Keyword == keyword);

    /// <summary>All global lines of a keyword that accumulates (HostKey).</summary>
    public IEnumerable<SshdDirective> AllGlobal(string keyword) => Directives.Where(d => d.Global && d.Keyword == keyword);

    /// <summary>Lines inside Match blocks, which change the value for the connections they match.</summary>
    public IEnumerable<SshdDirective> InMatchBlocks(string keyword) => Directives.Where(d => !d.Global && d.Match is not null && d.Keyword == keyword);
}
