using System.Diagnostics;
using System.Net.Sockets;
using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Checks;
using Seawall.Tests.Support;

namespace Seawall.Tests.HostAudit.RuntimeDaemon;

/// <summary>
/// A fake host root in a temp folder for the runtime, runtime-versions and attack-surface groups: files with modes,
/// real unix sockets, /proc entries as plain files (cmdline with NULs, status, exe and fd links as symlinks).
/// </summary>
internal sealed class HostRoot : IDisposable
{
    private readonly TempDir _dir = new("seawall-host-");
    private readonly List<Socket> _sockets = [];

    public string Path => _dir.Path;

    public string Full(string relative) => System.IO.Path.Combine(Path, relative);

    public HostRoot Write(string relative, string content, UnixFileMode? mode = null)
    {
        _dir.Write(relative, content);
        if (mode is { } m)
        {
            SetMode(Full(relative), m);
        }
        return this;
    }

    public HostRoot WriteBytes(string relative, byte[] content)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Full(relative))!);
        File.WriteAllBytes(Full(relative), content);
        return this;
    }

    public HostRoot Dir(string relative, UnixFileMode mode)
    {
        Directory.CreateDirectory(Full(relative));
        SetMode(Full(relative), mode);
        return this;
    }

    public HostRoot Symlink(string relative, string target)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Full(relative))!);
        File.CreateSymbolicLink(Full(relative), target);
        return this;
    }

    /// <summary>A real unix socket file, bound for the fixture's lifetime (.NET removes the file when the socket closes).</summary>
    public HostRoot Socket(string relative, UnixFileMode mode)
    {
        var full = Full(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        socket.Bind(new UnixDomainSocketEndPoint(full));
        SetMode(full, mode);
        return this;
    }

    /// <summary>chown through the system tool; the test is skipped where it does not run as root.</summary>
    public HostRoot Chown(string relative, int uid, int gid)
    {
        Assert.SkipUnless(IsRoot(), "changing a file's owner needs root");
        using var chown = Process.Start(new ProcessStartInfo("chown", ["-h", $"{uid}:{gid}", Full(relative)]) { RedirectStandardError = true })!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
        return this;
    }

    /// <summary>proc/PID with comm, cmdline (NUL-separated), status (Uid line), environ and an exe link when given.</summary>
    public HostRoot Proc(int pid, string[] argv, int uid = 0, string? exe = null, string? comm = null, string[]? environ = null)
    {
        var dir = $"proc/{pid}";
        Write($"{dir}/comm", (comm ?? System.IO.Path.GetFileName(argv[0]))[..Math.Min(15, (comm ?? System.IO.Path.GetFileName(argv[0])).Length)] + "\n");
        Write($"{dir}/cmdline", string.Join('\0', argv) + "\0");
        Write($"{dir}/status", $"Name:\t{comm ?? argv[0]}\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t0\t0\t0\t0\n");
        if (environ is not null)
        {
            Write($"{dir}/environ", string.Join('\0', environ) + "\0");
        }
        if (exe is not null)
        {
            Symlink($"{dir}/exe", exe);
        }
        return this;
    }

    /// <summary>Runs one group on this root through the real file tree and context, as `seawall host --root` does.</summary>
    public List<Finding> Run(IHostCheckGroup group, IReadOnlyList<Package>? packages = null, IReadOnlyList<DetectedVulnerability>? vulnerabilities = null) =>
        Run(group, out _, packages, vulnerabilities);

    public List<Finding> Run(IHostCheckGroup group, out IReadOnlyList<string> warnings, IReadOnlyList<Package>? packages = null, IReadOnlyList<DetectedVulnerability>? vulnerabilities = null)
    {
        using var files = HostFileTree.Open(Path);
        var context = new HostContext(files, new OsInfo("debian", "12"), packages ?? [], vulnerabilities);
        var findings = group.Run(context).ToList();
        warnings = [.. context.Warnings, .. files.Warnings];
        return findings;
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    public static bool IsRoot()
    {
        var status = File.ReadAllText("/proc/self/status");
        var uid = status.Split('\n').First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        return uid == "0";
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        _dir.Dispose();
    }
}

internal static class FindingLookup
{
    /// <summary>The one finding of a check; fails the test when there is none or several.</summary>
    public static Finding One(this IEnumerable<Finding> findings, string checkId)
    {
        var matches = findings.Where(f => f.CheckId == checkId).ToList();
        Assert.True(matches.Count == 1, $"expected one {checkId} finding, got {matches.Count}: {string.Join(" | ", findings.Select(f => $"{f.CheckId}={f.Status}"))}");
        return matches[0];
    }

    public static bool Has(this IEnumerable<Finding> findings, string checkId) => findings.Any(f => f.CheckId == checkId);
}
