using System.Globalization;
using Seawall.HostAudit.Access;

namespace Seawall.HostAudit.AttackSurface;

/// <summary>
/// Which processes hold which sockets, as ss -p finds out: every /proc/PID/fd/N of a socket is a link reading
/// "socket:[INODE]", the inode /proc/net lists. Every holder is kept (a forked server's workers share its socket), and
/// the walk reads at most <see cref="MaxLinks"/> links (a host with huge fd tables reports the rest unknown).
/// Other users' fd directories need root: without it those sockets read as owner unknown, never a guess.
/// </summary>
internal static class SocketOwners
{
    public const int MaxLinks = 200_000;

    public static Dictionary<long, List<HostProcess>> Find(HostContext context, IReadOnlySet<long> inodes)
    {
        var owners = new Dictionary<long, List<HostProcess>>();
        if (inodes.Count == 0)
        {
            return owners;
        }
        var read = 0;
        foreach (var process in context.Processes.All)
        {
            if (process.IsKernelThread)
            {
                continue;
            }
            var links = context.Files.ReadLinks($"proc/{process.Pid}/fd", MaxLinks - read);
            if (links is null)
            {
                continue;
            }
            read += links.Count;
            foreach (var (_, target) in links)
            {
                if (!target.StartsWith("socket:[", StringComparison.Ordinal) || !target.EndsWith(']')
                    || !long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                    || !inodes.Contains(inode))
                {
                    continue;
                }
                if (!owners.TryGetValue(inode, out var list))
                {
                    owners[inode] = list = [];
                }
                if (!list.Contains(process))
                {
                    list.Add(process);
                }
            }
            if (read >= MaxLinks)
            {
                break;
            }
        }
        return owners;
    }
}
