using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Lockdown;

internal enum ModprobeRuleKind
{
    /// <summary>blacklist NAME (or modprobe.blacklist=): stops loading by alias only; an explicit modprobe NAME still loads it.</summary>
    Blacklist,

    /// <summary>install NAME COMMAND: modprobe runs COMMAND instead of loading.</summary>
    Install,

    /// <summary>module_blacklist= on the kernel command line: the kernel itself refuses the module.</summary>
    KernelBlacklist,
}

/// <summary>A blacklist or install line of modprobe's configuration, or a kernel command-line blacklist.</summary>
internal sealed record ModprobeRule(string Module, ModprobeRuleKind Kind, string? Command, string Path, int Line)
{
    /// <summary>The module can no longer be loaded: an install rule running /bin/false or /bin/true, or module_blacklist=.</summary>
    public bool Disables => Kind == ModprobeRuleKind.KernelBlacklist
        || (Kind == ModprobeRuleKind.Install && Command is { } command
            && command.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries) is [var program, ..]
            && program is "/bin/false" or "/bin/true" or "/usr/bin/false" or "/usr/bin/true" or "false" or "true");

    public string Where => Line > 0 ? $"{Path}:{Line}" : Path;

    public string Text => Kind switch
    {
        ModprobeRuleKind.Install => $"install {Module} {Command}",
        ModprobeRuleKind.KernelBlacklist => $"module_blacklist={Module}",
        _ when Path == "proc/cmdline" => $"modprobe.blacklist={Module}",
        _ => $"blacklist {Module}",
    };
}

/// <summary>
/// modprobe.d(5) as kmod reads it: *.conf files of etc/modprobe.d, run/modprobe.d, usr/local/lib/modprobe.d,
/// usr/lib/modprobe.d and lib/modprobe.d, a file in an earlier directory hiding one of the same name in a later one,
/// backslash continuations and '#' comments; plus the kernel command line's module_blacklist= (the kernel refuses the
/// module) and modprobe.blacklist= (as a blacklist line). Module names compare with '-' and '_' alike, as modprobe does.
/// </summary>
internal sealed class ModprobeConfig
{
    private static readonly string[] Directories = ["etc/modprobe.d", "run/modprobe.d", "usr/local/lib/modprobe.d", "usr/lib/modprobe.d", "lib/modprobe.d"];
    private const int MaxFiles = 1000;
    private const long MaxFileBytes = 1024 * 1024;

    private readonly Dictionary<string, List<ModprobeRule>> _rules = new(StringComparer.Ordinal);

    public IReadOnlyList<ModprobeRule> RulesFor(string module) => _rules.GetValueOrDefault(Normalize(module)) ?? [];

    public static string Normalize(string module) => module.Replace('-', '_');

    public static ModprobeConfig Read(HostFileTree files)
    {
        var config = new ModprobeConfig();
        var chosen = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in Directories)
        {
            foreach (var name in files.List(directory) ?? [])
            {
                if (name.EndsWith(".conf", StringComparison.Ordinal) && chosen.Count < MaxFiles)
                {
                    chosen.TryAdd(name, directory + "/" + name);
                }
            }
        }
        // One file per name (so lib -> usr/lib on merged-/usr systems is read once), in name order as kmod does.
        foreach (var path in chosen.Values)
        {
            if (files.ReadText(path, MaxFileBytes) is { } text)
            {
                config.Parse(path, text);
            }
        }
        if (files.ReadText("proc/cmdline", 64 * 1024) is { } cmdline)
        {
            config.ParseCommandLine(cmdline);
        }
        return config;
    }

    internal void Parse(string path, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimEnd('\r');
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                line = line[..^1] + " " + lines[++i].TrimEnd('\r');
            }
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }
            var fields = line.Split((char[])[' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && fields[0] == "blacklist")
            {
                Add(new ModprobeRule(Normalize(fields[1]), ModprobeRuleKind.Blacklist, null, path, number));
            }
            else if (fields.Length == 3 && fields[0] == "install")
            {
                Add(new ModprobeRule(Normalize(fields[1]), ModprobeRuleKind.Install, fields[2].Trim(), path, number));
            }
        }
    }

    private void ParseCommandLine(string cmdline)
    {
        foreach (var word in cmdline.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var (prefix, hard) = word.StartsWith("module_blacklist=", StringComparison.Ordinal) ? ("module_blacklist=", true)
                : word.StartsWith("modprobe.blacklist=", StringComparison.Ordinal) ? ("modprobe.blacklist=", false)
                : (null, false);
            if (prefix is null)
            {
                continue;
            }
            foreach (var module in word[prefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                Add(new ModprobeRule(Normalize(module), hard ? ModprobeRuleKind.KernelBlacklist : ModprobeRuleKind.Blacklist, null, "proc/cmdline", 0));
            }
        }
    }

    private void Add(ModprobeRule rule)
    {
        if (!_rules.TryGetValue(rule.Module, out var list))
        {
            _rules[rule.Module] = list = [];
        }
        list.Add(rule);
    }
}
