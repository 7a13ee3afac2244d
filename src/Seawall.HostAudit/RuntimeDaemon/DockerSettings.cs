using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.RuntimeDaemon;

internal enum SettingSource
{
    CommandLine,
    ConfigFile,
    Environment,
}

/// <summary>One effective dockerd setting, keyed by its daemon.json name, with where it came from.</summary>
/// <param name="Values">Every value (a repeatable flag or a JSON array gives several; the last one wins for the others).</param>
/// <param name="Evidence">The text that set it: "--iptables=false" or "\"icc\": false".</param>
internal sealed record DaemonSetting(string Key, IReadOnlyList<string> Values, SettingSource Source, string Evidence, Location Location)
{
    public string? Value => Values.Count > 0 ? Values[^1] : null;

    /// <summary>The value as Go's strconv.ParseBool reads it; null when it is no bool.</summary>
    public bool? Bool => Value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };

    /// <summary>"--iptables=false (command line of dockerd, pid 42)" / "\"icc\": false (etc/docker/daemon.json line 3)".</summary>
    public string Describe() => Source switch
    {
        SettingSource.CommandLine => $"{Evidence} (command line{(Location.Document is { } d ? " of " + d : string.Empty)})",
        SettingSource.Environment => $"{Evidence} (environment{(Location.Document is { } e ? " of " + e : string.Empty)})",
        _ => $"{Evidence} ({Location.Path}{(Location.Line is { } line ? " line " + line : string.Empty)})",
    };
}

/// <summary>A key set both on dockerd's command line and in its configuration file: dockerd refuses to start so.</summary>
internal sealed record SettingConflict(string Key, string FromFlag, string FromFile);

/// <summary>
/// What one dockerd runs with: its command line (/proc/PID/cmdline) merged with its configuration file (daemon.json,
/// or the --config-file it was given). When dockerd is not running, the configuration file alone (and the defaults).
/// </summary>
internal sealed partial class DockerSettings
{
    public const string DefaultConfigFile = "etc/docker/daemon.json";
    private const long MaxConfigBytes = 1024 * 1024;

    private readonly Dictionary<string, DaemonSetting> _settings;

    private DockerSettings(HostProcess? process, string? configPath, Dictionary<string, DaemonSetting> settings)
    {
        Process = process;
        ConfigPath = configPath;
        _settings = settings;
    }

    /// <summary>The running dockerd, or null when the settings come from the configuration file only.</summary>
    public HostProcess? Process { get; }

    /// <summary>The root-relative configuration file dockerd reads; null when it cannot be known (rootless, no environment).</summary>
    public string? ConfigPath { get; }

    public bool ConfigExists { get; private set; }

    /// <summary>Why the configuration file could not be read as JSON, with its line; null when it parsed or is absent.</summary>
    public string? ConfigError { get; private set; }

    public IReadOnlyList<FlagUse> Flags { get; private set; } = [];

    public IReadOnlyList<SettingConflict> Conflicts { get; private set; } = [];

    /// <summary>"dockerd (pid 42)", or "daemon.json (dockerd not running)".</summary>
    public string Subject => Process is { } p ? $"dockerd (pid {p.Pid})" : $"{ConfigPath ?? DefaultConfigFile} (dockerd not running)";

    public DaemonSetting? this[string key] => _settings.TryGetValue(key, out var s) ? s : null;

    /// <summary>The data root: --data-root (or the old --graph), else /var/lib/docker; root-relative.</summary>
    public string DataRoot => Trim(this["data-root"]?.Value ?? this["graph"]?.Value ?? "/var/lib/docker");

    /// <summary>One settings view per running dockerd; when none runs, one from the default configuration file if it exists.</summary>
    public static IReadOnlyList<DockerSettings> Load(HostContext context, bool dockerInstalled)
    {
        var running = context.Processes.Named("dockerd").Where(p => !p.IsKernelThread).ToList();
        if (running.Count > 0)
        {
            return [.. running.Select(p => FromProcess(context, p))];
        }
        if (!dockerInstalled && !context.Files.Exists(DefaultConfigFile))
        {
            return [];
        }
        return [FromConfigFile(context, null, DefaultConfigFile, [])];
    }

    private static DockerSettings FromProcess(HostContext context, HostProcess process)
    {
        var commandLine = DockerdCommandLine.Parse(process.Args);
        var environment = Environment(context, process.Pid);
        var configFlag = commandLine.Uses.LastOrDefault(u => u.Name == "config-file");
        string? configPath;
        if (configFlag is not null)
        {
            configPath = Trim(configFlag.Value);
        }
        else if (process.Uid is null or 0)
        {
            configPath = DefaultConfigFile;
        }
        else
        {
            // Rootless dockerd reads $XDG_CONFIG_HOME/docker/daemon.json, else ~/.config/docker/daemon.json.
            configPath = environment.TryGetValue("XDG_CONFIG_HOME", out var xdg) && xdg.Length > 0 ? Trim(xdg + "/docker/daemon.json")
                : environment.TryGetValue("HOME", out var home) && home.Length > 0 ? Trim(home + "/.config/docker/daemon.json")
                : null;
        }
        var settings = FromConfigFile(context, process, configPath, commandLine.Uses);
        // dockerd turns TLS verification on when DOCKER_TLS_VERIFY is set in its environment, whatever the flags say.
        if (settings["tlsverify"] is null && environment.TryGetValue("DOCKER_TLS_VERIFY", out var verify) && verify.Length > 0)
        {
            settings._settings["tlsverify"] = new DaemonSetting("tlsverify", ["true"], SettingSource.Environment, "DOCKER_TLS_VERIFY=" + verify, new Location(Path: $"proc/{process.Pid}/environ", Document: $"dockerd, pid {process.Pid}"));
        }
        return settings;
    }

    private static DockerSettings FromConfigFile(HostContext context, HostProcess? process, string? configPath, IReadOnlyList<FlagUse> flags)
    {
        var merged = new Dictionary<string, DaemonSetting>(StringComparer.Ordinal);
        string? error = null;
        var exists = false;
        var fromFile = configPath is null ? null : ReadConfigFile(context, configPath, out error, out exists);
        var result = new DockerSettings(process, configPath, merged) { Flags = flags, ConfigExists = exists, ConfigError = error };
        foreach (var (key, setting) in fromFile ?? [])
        {
            merged[key] = setting;
        }
        var conflicts = new List<SettingConflict>();
        if (process is not null)
        {
            var location = new Location(Path: $"proc/{process.Pid}/cmdline", Document: $"dockerd, pid {process.Pid}");
            foreach (var group in flags.GroupBy(f => f.Flag?.ConfigKey ?? DockerdCommandLine.ConfigKeyOf(f.Name)))
            {
                var uses = group.ToList();
                var values = uses[0].Flag?.Kind == FlagKind.List ? uses.Select(u => u.Value).ToList() : [uses[^1].Value];
                var evidence = string.Join(' ', uses.Select(u => u.Raw));
                if (fromFile is not null && fromFile.TryGetValue(group.Key, out var fileSetting))
                {
                    conflicts.Add(new SettingConflict(group.Key, evidence, fileSetting.Evidence));
                }
                // The running process proves the command line; a file that conflicts was edited after it started.
                merged[group.Key] = new DaemonSetting(group.Key, values, SettingSource.CommandLine, evidence, location);
            }
        }
        result.Conflicts = conflicts;
        return result;
    }

    private static Dictionary<string, DaemonSetting>? ReadConfigFile(HostContext context, string path, out string? error, out bool exists)
    {
        error = null;
        var text = context.Files.ReadText(path, MaxConfigBytes);
        exists = text is not null;
        if (text is null)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = $"{path}: not a JSON object";
                return null;
            }
            var settings = new Dictionary<string, DaemonSetting>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var raw = property.Value.GetRawText();
                var evidence = $"\"{property.Name}\": {Compact(raw)}";
                settings[property.Name] = new DaemonSetting(property.Name, Values(property.Name, property.Value), SettingSource.ConfigFile, evidence, new Location(Path: path, Line: LineOf(text, property.Name)));
            }
            return settings;
        }
        catch (JsonException ex)
        {
            error = $"{path}: invalid JSON at line {(ex.LineNumber ?? 0) + 1}: {ex.Message.Split('.', 2)[0]}";
            return null;
        }
    }

    private static List<string> Values(string key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return [value.GetString()!];
            case JsonValueKind.True:
                return ["true"];
            case JsonValueKind.False:
                return ["false"];
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return [];
            case JsonValueKind.Array:
                return [.. value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : Compact(item.GetRawText()))];
            case JsonValueKind.Object:
                var items = new List<string>();
                foreach (var p in value.EnumerateObject())
                {
                    // default-ulimits: {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 2048}} reads as the flag's nofile=1024:2048.
                    if (key == "default-ulimits" && p.Value.ValueKind == JsonValueKind.Object
                        && p.Value.TryGetProperty("Soft", out var soft) && p.Value.TryGetProperty("Hard", out var hard))
                    {
                        items.Add($"{p.Name}={soft.GetRawText()}:{hard.GetRawText()}");
                        continue;
                    }
                    items.Add(p.Name + "=" + (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : Compact(p.Value.GetRawText())));
                }
                return items;
            default:
                return [value.GetRawText()];
        }
    }

    /// <summary>The line a top-level key is written on (the first "key": in the file).</summary>
    private static int? LineOf(string text, string key)
    {
        var match = Regex.Match(text, "\"" + Regex.Escape(key) + "\"\\s*:", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? 1 + text.AsSpan(0, match.Index).Count('\n') : null;
    }

    private static string Compact(string json)
    {
        var text = WhitespaceRuns().Replace(json, " ");
        return text.Length > 200 ? text[..200] + "..." : text;
    }

    /// <summary>NAME=value pairs of /proc/PID/environ (readable by root or the owner only; empty otherwise).</summary>
    private static Dictionary<string, string> Environment(HostContext context, int pid)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var bytes = context.Files.ReadBytes($"proc/{pid}/environ", 256 * 1024);
        if (bytes is null)
        {
            return result;
        }
        foreach (var entry in Encoding.UTF8.GetString(bytes).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result.TryAdd(entry[..eq], entry[(eq + 1)..]);
            }
        }
        return result;
    }

    /// <summary>A host path as the file tree wants it: root-relative, no trailing slash.</summary>
    public static string Trim(string hostPath) => hostPath.Trim().Trim('/');

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRuns();
}
