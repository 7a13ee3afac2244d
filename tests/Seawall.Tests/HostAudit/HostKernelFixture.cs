using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Checks;
using Seawall.Tests.Support;

namespace Seawall.Tests.HostAudit;

/// <summary>
/// A fixture root for the kernel-side host checks (kernel, lockdown, sysctl, isolation, host role): plain files under
/// a temp folder stand for proc/, sys/ and etc/, and a group runs on them exactly as it runs on a live "/".
/// </summary>
public sealed class HostKernelFixture : IDisposable
{
    private readonly TempDir _dir = new("seawall-hostkernel-");

    public string Root => _dir.Path;

    public HostKernelFixture Write(string path, string content)
    {
        _dir.Write(path, content);
        return this;
    }

    public HostKernelFixture Directory(string path)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(_dir.Path, path));
        return this;
    }

    /// <summary>proc/sys/KEY = value (dots as folders).</summary>
    public HostKernelFixture Sysctl(string key, string value) => Write("proc/sys/" + key.Replace('.', '/'), value + "\n");

    /// <summary>Seconds since boot written to proc/uptime; process start times are counted back from it.</summary>
    public const double Uptime = 100_000;

    /// <summary>A process: proc/PID/{comm,cmdline,status,stat[,cgroup]}, started <paramref name="startedSecondsAgo"/> before now.</summary>
    public HostKernelFixture Process(int pid, string comm, string[] args, string? cgroup = null, int uid = 0, int ppid = 1, int startedSecondsAgo = 3600)
    {
        Write("proc/uptime", $"{Uptime:F2} 190000.00\n");
        Write($"proc/{pid}/comm", comm + "\n");
        Write($"proc/{pid}/cmdline", args.Length == 0 ? string.Empty : string.Join('\0', args) + "\0");
        Write($"proc/{pid}/status", $"Name:\t{comm}\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n");
        var startTicks = (long)((Uptime - startedSecondsAgo) * 100);
        Write($"proc/{pid}/stat", $"{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 4194560 1047 0 0 0 12 5 0 0 20 0 1 0 {startTicks} 9056256 1163 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
        if (cgroup is not null)
        {
            Write($"proc/{pid}/cgroup", cgroup + "\n");
        }
        return this;
    }

    public (List<Finding> Findings, HostContext Context) Run(
        IHostCheckGroup group, OsInfo? os = null, IReadOnlyList<Package>? packages = null, IReadOnlyList<DetectedVulnerability>? vulnerabilities = null)
    {
        using var files = HostFileTree.Open(_dir.Path);
        var context = new HostContext(files, os, packages ?? [], vulnerabilities);
        var findings = group.Run(context).ToList();
        // Every finding names a check the group declares.
        Assert.All(findings, f => Assert.Contains(group.Checks, c => c.Id == f.CheckId));
        return (findings, context);
    }

    public List<Finding> Findings(IHostCheckGroup group, OsInfo? os = null, IReadOnlyList<Package>? packages = null, IReadOnlyList<DetectedVulnerability>? vulnerabilities = null) =>
        Run(group, os, packages, vulnerabilities).Findings;

    public static Finding Single(IEnumerable<Finding> findings, string checkId) => Assert.Single(findings, f => f.CheckId == checkId);

    public static Package Deb(string name, string version) => new() { Name = name, Version = version, FilePath = "var/lib/dpkg/status", Arch = "amd64" };

    public static Package Rpm(string name, string version, string release, string arch = "x86_64", int? epoch = null) =>
        new() { Name = name, Version = $"{version}-{release}", Release = release, Arch = arch, Epoch = epoch, FilePath = "var/lib/rpm/rpmdb.sqlite" };

    public static Package Apk(string name, string version) => new() { Name = name, Version = version, FilePath = "lib/apk/db/installed" };

    public void Dispose() => _dir.Dispose();
}
