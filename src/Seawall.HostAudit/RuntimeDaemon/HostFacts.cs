using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>Small lookups the runtime checks share: unit files, group ids, permission masks.</summary>
internal static class HostFacts
{
    /// <summary>
    /// Where a systemd unit file can be, most specific first (docker-bench's get_service_file order). lib/ is skipped
    /// where it links to usr/lib, so a merged-/usr host does not report one file twice.
    /// </summary>
    public static IEnumerable<string> UnitFiles(HostContext context, string unit)
    {
        var directories = new List<string> { "etc/systemd/system", "run/systemd/system" };
        var lib = context.Files.Stat("lib", followLinks: false);
        if (lib?.Kind != FileKind.Symlink || lib.LinkTarget?.Trim('/') is not ("usr/lib" or "../usr/lib"))
        {
            directories.Add("lib/systemd/system");
        }
        directories.Add("usr/lib/systemd/system");
        foreach (var directory in directories)
        {
            var path = directory + "/" + unit;
            if (context.Files.Stat(path, followLinks: true) is { Kind: FileKind.Regular })
            {
                yield return path;
            }
        }
    }

    /// <summary>The gid of a group in etc/group; null when the group is not there.</summary>
    public static int? GroupId(HostContext context, string name) =>
        GroupLine(context, name) is { } fields && fields.Length > 2 && int.TryParse(fields[2], out var gid) ? gid : null;

    /// <summary>The members listed for a group in etc/group (not the users whose primary group it is).</summary>
    public static IReadOnlyList<string>? GroupMembers(HostContext context, string name) =>
        GroupLine(context, name) is { } fields ? (fields.Length > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []) : null;

    /// <summary>Group names by gid, for evidence ("root:docker").</summary>
    public static string GroupName(HostContext context, int gid)
    {
        foreach (var line in (context.Files.ReadText("etc/group", 4 * 1024 * 1024) ?? string.Empty).Split('\n'))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && int.TryParse(fields[2], out var id) && id == gid)
            {
                return fields[0];
            }
        }
        return gid.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string UserName(HostContext context, int uid)
    {
        foreach (var line in (context.Files.ReadText("etc/passwd", 4 * 1024 * 1024) ?? string.Empty).Split('\n'))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && int.TryParse(fields[2], out var id) && id == uid)
            {
                return fields[0];
            }
        }
        return uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string[]? GroupLine(HostContext context, string name)
    {
        foreach (var line in (context.Files.ReadText("etc/group", 4 * 1024 * 1024) ?? string.Empty).Split('\n'))
        {
            var fields = line.TrimEnd('\r').Split(':');
            if (fields[0] == name)
            {
                return fields;
            }
        }
        return null;
    }

    /// <summary>True when mode grants nothing beyond max (644 allows 600 and 444, not 664 nor a setuid bit).</summary>
    public static bool WithinMode(int mode, int max) => (mode & 0xFFF & ~max) == 0;

    /// <summary>"0644" as stat -c %a would print it (with a leading special-bits digit when set).</summary>
    public static string Octal(int mode) => Convert.ToString(mode & 0xFFF, 8).PadLeft(3, '0');

    /// <summary>"/etc/docker/daemon.json is 0644 root:root": the evidence of a file permission check.</summary>
    public static string Describe(HostContext context, string path, FileNode node) =>
        $"/{path} is {Octal(node.Mode)} {(node.Uid is { } u ? UserName(context, u) : "?")}:{(node.Gid is { } g ? GroupName(context, g) : "?")}";

    /// <summary>A failed or warned finding with the concrete fix for this host, not the generic one.</summary>
    public static Finding Fix(this Finding finding, string remediation) =>
        finding.Remediation is null ? finding : finding with { Remediation = remediation };
}
