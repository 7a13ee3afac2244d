namespace Seawall.HostAudit.Access;

/// <summary>One process as /proc shows it.</summary>
/// <param name="Name">/proc/PID/comm (the kernel's 15-character name).</param>
/// <param name="Args">/proc/PID/cmdline split at NULs; empty for kernel threads.</param>
/// <param name="Exe">The /proc/PID/exe link's target, when readable.</param>
/// <param name="Uid">The real uid from /proc/PID/status.</param>
/// <param name="Stat">Parent and start time from /proc/PID/stat, when it reads.</param>
/// <param name="Cgroup">/proc/PID/cgroup as the kernel writes it ("0::/system.slice/ssh.service"); empty when unreadable.</param>
public sealed record HostProcess(int Pid, string Name, IReadOnlyList<string> Args, string? Exe, int? Uid, ProcStat? Stat = null, string Cgroup = "")
{
    /// <summary>The parent's pid, when /proc/PID/stat reads.</summary>
    public int? ParentPid => Stat?.ParentPid;

    /// <summary>When the process started, in USER_HZ ticks since boot, when /proc/PID/stat reads.</summary>
    public long? StartTicks => Stat?.StartTicks;

    /// <summary>The program's file name: from exe, else argv[0], else comm.</summary>
    public string Program => Path.GetFileName(Exe ?? (Args.Count > 0 ? Args[0] : Name));

    public bool IsKernelThread => Args.Count == 0;
}

/// <summary>The processes under the root's proc/, read once on first use.</summary>
public sealed class ProcessTable(HostFileTree files)
{
    private const int MaxProcesses = 100_000;
    private readonly Lazy<IReadOnlyList<HostProcess>> _all = new(() => Read(files));

    public IReadOnlyList<HostProcess> All => _all.Value;

    /// <summary>Processes running this program (matched on exe, argv[0] and comm).</summary>
    public IEnumerable<HostProcess> Named(string program) =>
        All.Where(p => p.Program == program || p.Name == program);

    private static List<HostProcess> Read(HostFileTree files)
    {
        var processes = new List<HostProcess>();
        foreach (var entry in files.List("proc") ?? [])
        {
            if (!int.TryParse(entry, out var pid) || processes.Count >= MaxProcesses)
            {
                continue;
            }
            var dir = "proc/" + entry;
            // A process can exit between the listing and these reads: then it is simply not there.
            if (files.ReadText(dir + "/comm", 4096) is not { } comm)
            {
                continue;
            }
            var cmdline = files.ReadText(dir + "/cmdline", 256 * 1024) ?? string.Empty;
            var args = cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var exe = files.ReadLink(dir + "/exe");
            if (exe is not null && exe.EndsWith(" (deleted)", StringComparison.Ordinal))
            {
                exe = exe[..^" (deleted)".Length];
            }
            processes.Add(new HostProcess(pid, comm.TrimEnd('\n'), args, exe, Uid(files.ReadText(dir + "/status", 64 * 1024)),
                ProcStat.Parse(files.ReadText(dir + "/stat", 4096)), files.ReadText(dir + "/cgroup", 64 * 1024) ?? string.Empty));
        }
        return processes;
    }

    private static int? Uid(string? status)
    {
        foreach (var line in (status ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var fields = line[4..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && int.TryParse(fields[0], out var uid) ? uid : null;
            }
        }
        return null;
    }
}
