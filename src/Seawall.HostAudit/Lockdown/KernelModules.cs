using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.Lockdown;

/// <summary>
/// What the running kernel has of its modules: loaded ones (proc/modules), the ones built in
/// (lib/modules/RELEASE/modules.builtin) and the loadable ones installed for it (lib/modules/RELEASE/modules.dep).
/// Names are normalised to underscores as /proc/modules writes them.
/// </summary>
internal sealed class KernelModules
{
    private const long MaxIndexBytes = 16 * 1024 * 1024;

    /// <summary>The kernel has no loadable module support: no proc/modules while proc is mounted.</summary>
    public bool NoModuleSupport { get; private init; }

    /// <summary>proc/modules was read, so <see cref="Loaded"/> is the truth (else proc is not mounted under the root).</summary>
    public bool LoadedKnown { get; private init; }

    public IReadOnlySet<string> Loaded { get; private init; } = new HashSet<string>();

    /// <summary>Built-in modules; null when modules.builtin could not be read.</summary>
    public IReadOnlySet<string>? BuiltIn { get; private init; }

    /// <summary>Loadable modules installed for the running kernel, with their file; null when modules.dep could not be read.</summary>
    public IReadOnlyDictionary<string, string>? Available { get; private init; }

    public string? ModulesDirectory { get; private init; }

    public static KernelModules Read(HostFileTree files, string? release)
    {
        var procModules = files.ReadText("proc/modules", MaxIndexBytes);
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in (procModules ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            loaded.Add(ModprobeConfig.Normalize(space > 0 ? line[..space] : line));
        }
        string? directory = null;
        HashSet<string>? builtIn = null;
        Dictionary<string, string>? available = null;
        if (release is { Length: > 0 } && !release.Contains('/', StringComparison.Ordinal) && release is not ("." or ".."))
        {
            directory = "lib/modules/" + release;
            if (files.ReadText(directory + "/modules.builtin", MaxIndexBytes) is { } builtinText)
            {
                builtIn = [.. Lines(builtinText).Select(ModuleName)];
            }
            if (files.ReadText(directory + "/modules.dep", MaxIndexBytes) is { } depText)
            {
                available = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var line in Lines(depText))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    var file = colon > 0 ? line[..colon] : line;
                    available.TryAdd(ModuleName(file), directory + "/" + file);
                }
            }
        }
        return new KernelModules
        {
            NoModuleSupport = procModules is null && files.Exists("proc/sys/kernel"),
            LoadedKnown = procModules is not null,
            Loaded = loaded,
            BuiltIn = builtIn,
            Available = available,
            ModulesDirectory = directory,
        };
    }

    /// <summary>"kernel/net/sctp/sctp.ko.xz" -> "sctp".</summary>
    internal static string ModuleName(string path)
    {
        var name = Path.GetFileName(path);
        var ko = name.IndexOf(".ko", StringComparison.Ordinal);
        return ModprobeConfig.Normalize(ko > 0 ? name[..ko] : name);
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#'));
}
