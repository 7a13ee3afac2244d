using Seawall.Core.Model;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Ssh;

/// <summary>
/// Reads sshd_config as sshd does at start-up (servconf.c parse_server_config_depth), through the host file tree:
/// <list type="bullet">
/// <item>keywords are case-insensitive; the caller keeps the first value of a keyword (sshd ignores later ones);</item>
/// <item>"Include" takes one or more paths or globs, relative ones under etc/ssh; the files are read in place, in glob
/// order (byte order), at most 16 levels deep (deeper, sshd stops: "Too many recursive configuration includes");</item>
/// <item>"Match" starts a block that applies only to matching connections, up to the next Match or the end of the
/// file it is in (an included file cannot change its includer's Match state); "Match all" returns to global;</item>
/// <item>a file included from inside a Match block belongs to that block.</item>
/// </list>
/// Problems sshd would reject (bad quotes, a global-only keyword inside a Match block) become warnings naming file
/// and line; reading goes on.
/// </summary>
public sealed class SshdConfigReader(HostFileTree files, OpenSshDefaults defaults, Action<string> warn)
{
    public const string MainConfig = "etc/ssh/sshd_config";

    /// <summary>servconf.h SERVCONF_MAX_DEPTH.</summary>
    private const int MaxIncludeDepth = 16;
    private const long MaxFileBytes = 1024 * 1024;
    private const int MaxFiles = 512;

    // sshd refuses these inside a Match block ("Directive '...' is not allowed within a Match block").
    private static readonly HashSet<string> GlobalOnly = new(StringComparer.Ordinal)
    {
        "port", "listenaddress", "addressfamily", "hostkey", "hostcertificate", "hostkeyagent", "pidfile", "logingracetime",
        "syslogfacility", "ciphers", "macs", "kexalgorithms", "hostkeyalgorithms", "subsystem", "maxstartups", "usedns", "usepam",
        "compression", "tcpkeepalive", "strictmodes", "printmotd", "printlastlog", "versionaddendum", "fingerprinthash",
        "permituserenvironment", "xauthlocation",
    };

    private readonly List<SshdDirective> _directives = [];
    private readonly List<string> _files = [];

    /// <summary>The configuration of the sshd started with these arguments (its -f and -o options), or of a plain start.</summary>
    public SshdConfig Read(IReadOnlyList<string>? commandLine = null, string? commandLinePath = null)
    {
        var mainConfig = MainConfig;
        if (commandLine is not null)
        {
            mainConfig = ReadCommandLine(commandLine, commandLinePath ?? "sshd command line") ?? mainConfig;
        }
        if (files.Stat(mainConfig) is null)
        {
            warn($"{mainConfig}: not found; sshd's compiled-in defaults apply (sshd itself refuses to start without it)");
        }
        else
        {
            ReadFile(mainConfig, new BlockState(true, null, null, NeverMatch: false), depth: 0, []);
        }
        return new SshdConfig(_directives, _files);
    }

    /// <summary>Keeps -o options (they come before the files, so they win) and returns the -f file, root-relative.</summary>
    private string? ReadCommandLine(IReadOnlyList<string> args, string path)
    {
        string? configFile = null;
        // sshd's getopt string: these options take an argument.
        const string withArgument = "CEfghkopu";
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-')
            {
                continue;
            }
            for (var j = 1; j < arg.Length; j++)
            {
                var option = arg[j];
                if (!withArgument.Contains(option, StringComparison.Ordinal))
                {
                    continue;
                }
                var value = j + 1 < arg.Length ? arg[(j + 1)..] : i + 1 < args.Count ? args[++i] : null;
                if (option == 'f' && value is not null)
                {
                    configFile = value.TrimStart('/');
                }
                else if (option == 'o' && value is not null && SshdConfigLine.Split(value, out _) is { } split)
                {
                    Add(split.Keyword, split.Args, path, null, new BlockState(true, null, null, false));
                }
                break;
            }
        }
        return configFile;
    }

    private void ReadFile(string path, BlockState state, int depth, List<string> includeStack)
    {
        if (_files.Count >= MaxFiles)
        {
            warn($"{path}: more than {MaxFiles} sshd configuration files; not read");
            return;
        }
        var text = files.ReadText(path, MaxFileBytes);
        if (text is null)
        {
            warn($"{path}: unreadable, not a regular file, or larger than {MaxFileBytes} bytes; not read");
            return;
        }
        _files.Add(path);
        includeStack.Add(path);
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            if (SshdConfigLine.Split(lines[index], out var error) is not { } split)
            {
                if (error is not null)
                {
                    warn($"{path}:{lineNumber}: {error} (sshd rejects this line)");
                }
                continue;
            }
            var keyword = split.Keyword.ToLowerInvariant();
            if (keyword == "match")
            {
                state = MatchLine(split.Args, path, lineNumber, state);
            }
            else if (keyword == "include")
            {
                foreach (var pattern in split.Args)
                {
                    Include(pattern, path, lineNumber, state, depth, includeStack);
                }
            }
            else
            {
                Add(split.Keyword, split.Args, path, lineNumber, state);
            }
        }
        includeStack.RemoveAt(includeStack.Count - 1);
    }

    private static BlockState MatchLine(IReadOnlyList<string> args, string path, int line, BlockState state)
    {
        var criteria = string.Join(' ', args);
        var isAll = args.Count == 1 && args[0].Equals("all", StringComparison.OrdinalIgnoreCase);
        if (state.NeverMatch)
        {
            // Inside a file included from a Match block every line stays with that block.
            return state with { Match = isAll ? state.Match : $"{state.Match}; {criteria}" };
        }
        return isAll
            ? new BlockState(true, null, null, false)
            : new BlockState(false, criteria, new Location(path, line), false);
    }

    private void Include(string pattern, string includer, int line, BlockState state, int depth, List<string> includeStack)
    {
        // sshd: absolute (or ~) paths as given, anything else relative to SSHDIR.
        var path = pattern.StartsWith('/') ? pattern.TrimStart('/')
            : pattern.StartsWith("~/", StringComparison.Ordinal) ? "root/" + pattern[2..]
            : "etc/ssh/" + pattern;
        foreach (var file in ConfigGlob.Expand(files, path))
        {
            if (includeStack.Contains(file, StringComparer.Ordinal))
            {
                warn($"{includer}:{line}: Include of {file} loops back to a file that includes it; sshd stops with \"Too many recursive configuration includes\"");
                continue;
            }
            if (depth + 1 > MaxIncludeDepth)
            {
                warn($"{includer}:{line}: Include nested more than {MaxIncludeDepth} deep; sshd stops with \"Too many recursive configuration includes\"");
                return;
            }
            // The included file starts in the includer's block, and cannot change it (servconf.c restores activep).
            ReadFile(file, state.Global ? state : state with { NeverMatch = true }, depth + 1, includeStack);
        }
    }

    private void Add(string writtenKeyword, IReadOnlyList<string> args, string path, int? line, BlockState state)
    {
        var keyword = Canonical(writtenKeyword.ToLowerInvariant());
        if (!state.Global && GlobalOnly.Contains(keyword))
        {
            warn($"{path}:{line}: {writtenKeyword} is not allowed within a Match block; sshd refuses to start");
        }
        _directives.Add(new SshdDirective(keyword, writtenKeyword, args, path, line, state.Global, state.Match, state.MatchLocation));
    }

    // Keywords sshd treats as another (servconf.c keyword table aliases).
    private string Canonical(string keyword) => keyword switch
    {
        "challengeresponseauthentication" or "skeyauthentication" when defaults.ChallengeResponseIsAlias => "kbdinteractiveauthentication",
        "skeyauthentication" => "challengeresponseauthentication",
        "dsaauthentication" => "pubkeyauthentication",
        "hostdsakey" => "hostkey",
        "keepalive" => "tcpkeepalive",
        "pubkeyacceptedkeytypes" => "pubkeyacceptedalgorithms",
        "hostbasedacceptedkeytypes" => "hostbasedacceptedalgorithms",
        _ => keyword,
    };

    /// <summary>Where lines currently land: global or a Match block; NeverMatch inside a file included from a Match block.</summary>
    private sealed record BlockState(bool Global, string? Match, Location? MatchLocation, bool NeverMatch);
}
