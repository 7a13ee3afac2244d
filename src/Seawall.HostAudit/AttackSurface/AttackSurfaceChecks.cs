using Seawall.Core.Model;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit.AttackSurface;

/// <summary>
/// The host's listening sockets (/proc/net/{tcp,tcp6,udp,udp6}) with the processes that hold them: one list of
/// everything that waits for connections, warnings for well-known risky services reachable on every interface, and a
/// failure for dockerd's plain-HTTP API port. Read from pid 1's network namespace (the host's, also when the audit runs
/// in a container with the host at --root), else the reading process's.
/// </summary>
public sealed class AttackSurfaceChecks : IHostCheckGroup
{
    private static readonly string[] Tables = ["tcp", "tcp6", "udp", "udp6"];

    /// <summary>Listeners named in the one informational finding; a busy host's rest is counted, the risky ones still checked.</summary>
    private const int MaxListed = 1000;

    public static readonly CheckInfo Listeners = new("host-attack-surface-listeners", "Listening sockets and their processes", Severity.Low)
    {
        Description = "Every TCP socket in LISTEN and every bound, unconnected UDP socket, with the processes holding it: what this host offers to the network.",
        Remediation = "Stop the services this host does not need, and bind the others to the addresses that need them (ss -ltnup shows the same list).",
        References = ["lynis:NETW-3012", "NIST-800-190-4.5.1"],
    };

    public static readonly CheckInfo DockerPlainTcp = new("host-attack-surface-docker-plain-tcp", "dockerd does not listen on the plain-HTTP API port 2375", Severity.Critical)
    {
        Description = "Port 2375 is Docker's unencrypted, unauthenticated API: whoever reaches it runs containers as root on this host.",
        Remediation = "Remove the tcp://...:2375 entry from dockerd's -H flags or \"hosts\" (and any ListenStream=2375 in docker.socket); use the unix socket, ssh://, or TLS with --tlsverify on 2376.",
        References = ["CIS-Docker-2.7", "docker-bench:2.7", "NIST-800-190-4.4.3"],
    };

    public string Name => "attack-surface";

    public IReadOnlyList<CheckInfo> Checks { get; } = [Listeners, DockerPlainTcp, .. RiskyServices.All.Select(s => s.Check)];

    public IEnumerable<Finding> Run(HostContext context)
    {
        var (directory, listeners) = Read(context);
        if (directory is null)
        {
            yield break;
        }
        var owners = SocketOwners.Find(context, listeners.Select(l => l.Inode).Where(i => i != 0).ToHashSet());
        IReadOnlyList<HostProcess> OwnersOf(Listener l) => owners.TryGetValue(l.Inode, out var list) ? list : [];
        var location = new Location(Path: directory);

        var lines = listeners.Take(MaxListed).Select(l => $"{l.Protocol} {l.Endpoint} {Describe(OwnersOf(l))}").ToList();
        if (listeners.Count > MaxListed)
        {
            lines.Add($"and {listeners.Count - MaxListed} more");
        }
        yield return Listeners.Info(lines.Count == 0 ? "no listening sockets" : string.Join("; ", lines), location);

        foreach (var listener in listeners)
        {
            var holders = OwnersOf(listener);
            var names = holders.SelectMany(p => new[] { p.Name, p.Program }).Distinct(StringComparer.Ordinal).ToList();
            var who = Describe(holders);
            var target = $"{listener.Protocol} {listener.Endpoint}";
            if (listener.IsTcp && listener.Port == 2375)
            {
                if (names.Contains("dockerd"))
                {
                    yield return DockerPlainTcp.Fail($"{target} is held by {who}", location) with { Target = target };
                }
                else if (holders.Count == 0 && !listener.Loopback)
                {
                    yield return DockerPlainTcp.Warn($"{target} is held by a process this audit cannot see (not root?): port 2375 is Docker's plain API", location) with { Target = target };
                }
            }
            foreach (var service in RiskyServices.All.Where(s => s.Matches(listener, names)))
            {
                var evidence = $"{target} held by {who}";
                yield return (listener.AllInterfaces
                    ? service.Check.Warn(evidence + ": every interface", location)
                    : service.Check.Pass(evidence + (listener.Loopback ? ": loopback only" : ": one address only"), location)) with { Target = target };
            }
        }
    }

    /// <summary>The table directory (proc/1/net, else proc/net) and every listener in it, sorted as ss sorts (protocol, port).</summary>
    internal static (string? Directory, List<Listener> Listeners) Read(HostContext context)
    {
        foreach (var directory in new[] { "proc/1/net", "proc/net" })
        {
            var tables = Tables.Select(t => (Table: t, Text: context.Files.ReadText($"{directory}/{t}", 64 * 1024 * 1024))).ToList();
            if (tables.All(t => t.Text is null))
            {
                continue;
            }
            var listeners = tables.Where(t => t.Text is not null)
                .SelectMany(t => ProcNetSockets.Parse(t.Text!, t.Table))
                .OrderBy(l => Array.IndexOf(Tables, l.Protocol)).ThenBy(l => l.Port).ThenBy(l => l.Endpoint, StringComparer.Ordinal)
                .ToList();
            return (directory, listeners);
        }
        return (null, []);
    }

    private static string Describe(IReadOnlyList<HostProcess> holders) =>
        holders.Count == 0 ? "(process unknown)" : string.Join(", ", holders.Select(p => $"{p.Name} (pid {p.Pid})"));
}
