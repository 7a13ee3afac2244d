using System.Text;
using Seawall.Core.Model;

namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>One line of /proc/PID/mountinfo: the mount point (octal escapes decoded), the filesystem type and source.</summary>
internal sealed record MountEntry(string MountPoint, string FileSystem, string Source);

/// <summary>
/// CIS Docker Benchmark 1.6.0 1.1.1: dockerd's data root on its own partition, so images and containers filling it
/// cannot fill the host's root filesystem. Mount points come from pid 1's mountinfo (the host's mount namespace,
/// also when the audit runs in a container with the host at --root), else the audit's own.
/// </summary>
internal static class DataRootPartition
{
    public static readonly CheckInfo Check = new("host-runtime-data-root-partition", "A separate partition for containers has been created", Severity.Low)
    {
        Description = "When dockerd's data root (/var/lib/docker) shares a partition with the rest of the host, images, logs and container writes can fill it and stop the host.",
        Remediation = "Mount a dedicated filesystem (an LVM volume) at the data root: stop dockerd, move the data, add the mount to /etc/fstab, start dockerd.",
        References = ["CIS-Docker-1.1.1", "docker-bench:1.1.1", "NIST-800-190-4.4.3"],
    };

    public static IEnumerable<Finding> Run(HostContext context, string dataRoot)
    {
        if (context.Files.Stat(dataRoot) is not { Kind: Core.FileTree.FileKind.Directory })
        {
            yield break;
        }
        var (source, mounts) = Mounts(context);
        if (mounts.Count == 0)
        {
            yield break;
        }
        var path = "/" + dataRoot;
        var containing = mounts
            .Where(m => m.MountPoint == "/" || path == m.MountPoint || path.StartsWith(m.MountPoint + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.MountPoint.Length)
            .FirstOrDefault();
        if (containing is null)
        {
            yield break;
        }
        var location = new Location(Path: source);
        var evidence = $"{path} is on the {containing.MountPoint} mount ({containing.FileSystem} {containing.Source})";
        yield return (containing.MountPoint == path ? Check.Pass(evidence, location) : Check.Warn(evidence, location)) with { Target = path };
    }

    /// <summary>The mount table of pid 1, else of the reading process; the path read and its entries.</summary>
    public static (string? Source, IReadOnlyList<MountEntry> Mounts) Mounts(HostContext context)
    {
        foreach (var path in new[] { "proc/1/mountinfo", "proc/self/mountinfo" })
        {
            if (context.Files.ReadText(path, 4 * 1024 * 1024) is { } text)
            {
                return (path, Parse(text));
            }
        }
        return (null, []);
    }

    /// <summary>"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": field 5 is the mount point, after "-" the type and source.</summary>
    internal static List<MountEntry> Parse(string text)
    {
        var entries = new List<MountEntry>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || dash < 6 || dash + 2 >= fields.Length)
            {
                continue;
            }
            entries.Add(new MountEntry(Unescape(fields[4]), fields[dash + 1], Unescape(fields[dash + 2])));
        }
        return entries;
    }

    /// <summary>The kernel writes space, tab, newline and backslash in paths as \040, \011, \012 and \134.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var result = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                result.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }
        return result.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
