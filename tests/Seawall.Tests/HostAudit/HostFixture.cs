using System.Globalization;
using Seawall.Tests.Support;

namespace Seawall.Tests.HostAudit;

/// <summary>
/// Fixture roots made of this machine's real host files (copied, links included), so every check group has real
/// formats to read without the test depending on what the live host happens to hold.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class HostFixture
{
    /// <summary>Files and directories a host audit reads, copied when present.</summary>
    private static readonly string[] LivePaths =
    [
        "etc/os-release", "etc/hostname", "etc/passwd", "etc/group", "etc/shadow", "etc/sudoers", "etc/sudoers.d",
        "etc/ssh", "etc/docker", "etc/containerd", "etc/modprobe.d", "etc/sysctl.conf", "etc/sysctl.d", "etc/audit",
        "etc/default", "etc/selinux", "etc/apparmor.d/tunables",
        "var/lib/dpkg/status", "lib/systemd/system/docker.service", "lib/systemd/system/docker.socket",
        "proc/sys/kernel", "proc/sys/fs", "proc/sys/net/ipv4", "proc/sys/net/ipv6/conf/all", "proc/sys/net/ipv6/conf/default",
        "proc/sys/net/core", "proc/sys/user", "proc/modules", "proc/cmdline", "proc/net/tcp", "proc/net/tcp6",
        "proc/net/udp", "proc/net/udp6", "proc/self/mountinfo",
        "sys/kernel/security/lsm", "sys/kernel/security/lockdown", "sys/devices/system/cpu/vulnerabilities",
        "sys/module/apparmor/parameters", "sys/fs/cgroup/cgroup.controllers", "sys/kernel/livepatch",
    ];

    private const int MaxFiles = 5_000;

    public static void CopyLiveHost(string root)
    {
        var copied = 0;
        foreach (var relative in LivePaths)
        {
            Copy("/" + relative, Path.Combine(root, relative), ref copied, depth: 0);
        }
        // Processes as /proc shows them: this test process, and a daemon with the flags the runtime checks read.
        WriteProcess(root, 1, "systemd", ["/sbin/init"]);
        WriteProcess(root, Environment.ProcessId, "dotnet", [Environment.ProcessPath ?? "dotnet"]);
        WriteProcess(root, 4242, "dockerd", ["/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"]);
    }

    private static void WriteProcess(string root, int pid, string comm, string[] args)
    {
        var dir = Path.Combine(root, "proc", pid.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "comm"), comm + "\n");
        File.WriteAllText(Path.Combine(dir, "cmdline"), string.Join('\0', args) + "\0");
        File.WriteAllText(Path.Combine(dir, "status"), $"Name:\t{comm}\nUid:\t0\t0\t0\t0\n");
    }

    private static void Copy(string source, string target, ref int copied, int depth)
    {
        if (copied >= MaxFiles || depth > 6)
        {
            return;
        }
        try
        {
            var info = new FileInfo(source);
            if (info.LinkTarget is { } link)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.CreateSymbolicLink(target, link);
            }
            else if (Directory.Exists(source))
            {
                Directory.CreateDirectory(target);
                foreach (var child in Directory.EnumerateFileSystemEntries(source))
                {
                    Copy(child, Path.Combine(target, Path.GetFileName(child)), ref copied, depth + 1);
                }
            }
            else if (info.Exists)
            {
                // /proc and /sys report size 0: read the content rather than copying by length.
                var bytes = File.ReadAllBytes(source);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, bytes);
                copied++;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Write-only or vanished proc entries: not part of the fixture.
        }
    }
}
