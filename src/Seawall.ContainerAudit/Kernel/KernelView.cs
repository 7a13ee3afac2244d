using System.Globalization;
using Seawall.HostAudit.Access;

namespace Seawall.ContainerAudit.Kernel;

/// <summary>A container's processes as /proc shows them, with its user-namespace map.</summary>
public sealed record ContainerProcesses(string ContainerId, IReadOnlyList<KernelProcess> Processes, IReadOnlyList<UidMapRange>? UidMap)
{
    /// <summary>The container's init process (the runtime's State.Pid when /proc has it, else the lowest pid).</summary>
    public KernelProcess? Init { get; init; }
}

/// <summary>
/// The kernel's side: every process under the root's proc/ is placed in its container by the container id in
/// /proc/PID/cgroup (cgroupfs "/docker/ID", systemd "docker-ID.scope", Podman "libpod-ID", containerd
/// "cri-containerd-ID"), from the host audit's process table (each process read once). The host's namespaces are those of the runtime daemon (what `--pid host` and
/// friends share), else of PID 1.
/// </summary>
public sealed class KernelView
{
    private static readonly string[] NamespaceKinds = ["pid", "net", "ipc", "uts", "mnt", "user", "cgroup"];
    private static readonly string[] DaemonNames = ["dockerd", "podman", "containerd"];

    private readonly HostFileTree _files;
    private readonly Dictionary<string, List<int>> _pidsByContainer = new(StringComparer.Ordinal);

    private KernelView(HostFileTree files) => _files = files;

    /// <summary>Namespace links of the host (the daemon's, else PID 1's); empty when neither can be read.</summary>
    public IReadOnlyDictionary<string, string> HostNamespaces { get; private set; } = new Dictionary<string, string>();

    /// <summary>Where <see cref="HostNamespaces"/> came from: "dockerd (pid 812)", "pid 1", or null.</summary>
    public string? HostNamespacesFrom { get; private set; }

    /// <summary>The runtime daemon's bounding set: a container can hold no capability its daemon lacks.</summary>
    public IReadOnlySet<string>? DaemonBounding { get; private set; }

    /// <summary>The capabilities this kernel knows (up to /proc/sys/kernel/cap_last_cap); null when unreadable.</summary>
    public IReadOnlySet<string>? KernelCapabilities { get; private set; }

    /// <summary>False when the root has no readable proc/ (a fixture without it, or proc not mounted at --root).</summary>
    public bool Available { get; private set; }

    /// <summary>Reads the view from the root's proc/, through the host audit's process table when one was read already.</summary>
    public static KernelView Read(HostFileTree files, ProcessTable? processes = null)
    {
        var view = new KernelView(files);
        view.Scan(processes ?? new ProcessTable(files));
        return view;
    }

    private void Scan(ProcessTable processes)
    {
        if (!_files.Exists("proc"))
        {
            return;
        }
        Available = true;
        var daemons = new List<(int Pid, string Name)>();
        foreach (var process in processes.All)
        {
            if (ContainerId(process.Cgroup) is { } id)
            {
                if (!_pidsByContainer.TryGetValue(id, out var pids))
                {
                    _pidsByContainer[id] = pids = [];
                }
                pids.Add(process.Pid);
            }
            else if (DaemonNames.Contains(process.Name))
            {
                daemons.Add((process.Pid, process.Name));
            }
        }
        foreach (var (pid, name) in daemons.OrderBy(d => Array.IndexOf(DaemonNames, d.Name)).ThenBy(d => d.Pid).Append((1, "pid 1")))
        {
            var ns = Namespaces(pid);
            if (ns.Count > 0)
            {
                HostNamespaces = ns;
                HostNamespacesFrom = pid == 1 ? "pid 1" : $"{name} (pid {pid.ToString(CultureInfo.InvariantCulture)})";
                break;
            }
        }
        if (daemons.Count > 0 && _files.ReadText($"proc/{daemons.MinBy(d => Array.IndexOf(DaemonNames, d.Name)).Pid.ToString(CultureInfo.InvariantCulture)}/status", 64 * 1024) is { } status)
        {
            DaemonBounding = KernelProcess.FromStatus(0, status).CapBnd;
        }
        if (int.TryParse(_files.ReadText("proc/sys/kernel/cap_last_cap", 64)?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            KernelCapabilities = new SortedSet<string>(Capabilities.ByBit.Take(last + 1), StringComparer.Ordinal);
        }
    }

    /// <summary>The container's processes, read now; null when /proc shows none for it.</summary>
    public ContainerProcesses? For(string containerId, int runtimePid)
    {
        if (!_pidsByContainer.TryGetValue(containerId, out var pids))
        {
            return null;
        }
        var processes = new List<KernelProcess>(pids.Count);
        foreach (var pid in pids.Take(1000))
        {
            if (_files.ReadText($"proc/{pid.ToString(CultureInfo.InvariantCulture)}/status", 64 * 1024) is { } status)
            {
                processes.Add(KernelProcess.FromStatus(pid, status) with { Namespaces = Namespaces(pid) });
            }
        }
        if (processes.Count == 0)
        {
            return null;
        }
        var init = processes.FirstOrDefault(p => p.Pid == runtimePid) ?? processes.MinBy(p => p.Pid)!;
        var map = _files.ReadText($"proc/{init.Pid.ToString(CultureInfo.InvariantCulture)}/uid_map", 64 * 1024) is { } text ? UidMapRange.Parse(text) : null;
        return new ContainerProcesses(containerId, processes, map) { Init = init };
    }

    private Dictionary<string, string> Namespaces(int pid)
    {
        var ns = new Dictionary<string, string>(StringComparer.Ordinal);
        var dir = $"proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/";
        foreach (var kind in NamespaceKinds)
        {
            // Reading these links needs ptrace access to the process: unreadable ones are left out, never guessed.
            if (_files.ReadLink(dir + kind) is { } link)
            {
                ns[kind] = link;
            }
        }
        return ns;
    }

    /// <summary>
    /// The 64-hex container id in a /proc/PID/cgroup text: the last such run on the unified ("0::") line, else on any
    /// line. Kubernetes pod cgroups hold a pod UID too, but that is not 64 hex digits.
    /// </summary>
    public static string? ContainerId(string? cgroup)
    {
        if (string.IsNullOrEmpty(cgroup))
        {
            return null;
        }
        string? found = null;
        foreach (var line in cgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (LastId(line) is { } id)
            {
                if (line.StartsWith("0::", StringComparison.Ordinal))
                {
                    return id;
                }
                found ??= id;
            }
        }
        return found;
    }

    private static string? LastId(string line)
    {
        var span = line.AsSpan();
        for (var end = span.Length; end >= 64; end--)
        {
            var start = end - 64;
            if (IsHexRun(span[start..end]) && (start == 0 || !char.IsAsciiHexDigit(span[start - 1])) && (end == span.Length || !char.IsAsciiHexDigit(span[end])))
            {
                return span[start..end].ToString();
            }
        }
        return null;
    }

    private static bool IsHexRun(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
