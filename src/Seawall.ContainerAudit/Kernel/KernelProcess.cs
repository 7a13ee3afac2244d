using System.Globalization;

namespace Seawall.ContainerAudit.Kernel;

/// <summary>
/// One process as the kernel shows it: /proc/PID/status (ids, capability masks, no_new_privs, seccomp mode) and the
/// namespace links under /proc/PID/ns. What an attacker inside the container really holds, whatever the runtime says.
/// </summary>
public sealed record KernelProcess
{
    public required int Pid { get; init; }
    public string Name { get; init; } = string.Empty;
    /// <summary>Real and effective uid as the host sees them (after any user-namespace mapping).</summary>
    public int? Uid { get; init; }
    public int? EffectiveUid { get; init; }
    public IReadOnlySet<string>? CapEff { get; init; }
    public IReadOnlySet<string>? CapBnd { get; init; }
    public bool? NoNewPrivs { get; init; }
    /// <summary>0 disabled, 1 strict, 2 filter (Seccomp: in status).</summary>
    public int? SeccompMode { get; init; }
    /// <summary>"pid" -> "pid:[4026531836]", for the namespaces the reader may see (ptrace access is needed).</summary>
    public IReadOnlyDictionary<string, string> Namespaces { get; init; } = new Dictionary<string, string>();

    /// <summary>Parses /proc/PID/status; the namespaces are filled by the caller.</summary>
    public static KernelProcess FromStatus(int pid, string status)
    {
        string? name = null, capEff = null, capBnd = null;
        int? uid = null, euid = null, seccomp = null;
        bool? noNewPrivs = null;
        foreach (var raw in status.Split('\n'))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var value = raw[(colon + 1)..].Trim();
            switch (raw[..colon])
            {
                case "Name":
                    name = value;
                    break;
                case "Uid":
                    var ids = value.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                    uid = ids.Length > 0 ? Int(ids[0]) : null;
                    euid = ids.Length > 1 ? Int(ids[1]) : null;
                    break;
                case "CapEff":
                    capEff = value;
                    break;
                case "CapBnd":
                    capBnd = value;
                    break;
                case "NoNewPrivs":
                    noNewPrivs = value == "1";
                    break;
                case "Seccomp":
                    seccomp = Int(value);
                    break;
            }
        }
        return new KernelProcess
        {
            Pid = pid,
            Name = name ?? string.Empty,
            Uid = uid,
            EffectiveUid = euid,
            CapEff = Capabilities.Decode(capEff),
            CapBnd = Capabilities.Decode(capBnd),
            NoNewPrivs = noNewPrivs,
            SeccompMode = seccomp,
        };
    }

    private static int? Int(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>One line of /proc/PID/uid_map: inside-uid, outside-uid, count.</summary>
public sealed record UidMapRange(long Inside, long Outside, long Count)
{
    /// <summary>
    /// Parses uid_map. Each line maps [Inside, Inside+Count) in the process's user namespace to [Outside, ...) in
    /// the reader's; "0 0 4294967295" is the identity map of the initial namespace.
    /// </summary>
    public static IReadOnlyList<UidMapRange> Parse(string text)
    {
        var ranges = new List<UidMapRange>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 3 && long.TryParse(f[0], CultureInfo.InvariantCulture, out var inside)
                && long.TryParse(f[1], CultureInfo.InvariantCulture, out var outside) && long.TryParse(f[2], CultureInfo.InvariantCulture, out var count))
            {
                ranges.Add(new UidMapRange(inside, outside, count));
            }
        }
        return ranges;
    }

    /// <summary>The host uid that container uid 0 is, or null when uid 0 is not mapped.</summary>
    public static long? HostUidOfRoot(IReadOnlyList<UidMapRange> map) =>
        map.FirstOrDefault(r => r.Inside <= 0 && 0 < r.Inside + r.Count) is { } r ? r.Outside - r.Inside : null;
}
