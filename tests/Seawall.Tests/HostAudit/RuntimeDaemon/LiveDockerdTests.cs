using System.Diagnostics;
using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.RuntimeDaemon;

namespace Seawall.Tests.HostAudit.RuntimeDaemon;

/// <summary>
/// The runtime group on this machine's real root, against the dockerd that runs here (.ci/services starts one):
/// the findings must show the flags /proc/PID/cmdline holds and the mode and owner stat gives docker.sock.
/// Nothing is assumed about which flags or which mode: both sides are read from the machine.
/// </summary>
public class LiveDockerdTests
{
    private static (int Pid, string[] Argv)? RunningDockerd()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "dockerd")
                {
                    return (pid, File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries));
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    private static List<Finding> RunLive()
    {
        using var files = HostFileTree.Open("/");
        var context = new HostContext(files, null, []);
        return [.. new RuntimeDaemonChecks().Run(context)];
    }

    [Fact]
    public void Live_DaemonFindings_ReportTheRunningFlags()
    {
        var dockerd = RunningDockerd();
        Assert.SkipWhen(dockerd is null, "no dockerd runs on this machine (start one with .ci/services start)");
        var (pid, argv) = dockerd!.Value;

        var findings = RunLive().Where(f => f.Target == $"dockerd (pid {pid})").ToList();

        var settings = findings.One("host-runtime-dockerd-settings");
        var flags = argv.Length > 1 ? string.Join(' ', argv[1..]) : "(no flags)";
        Assert.StartsWith($"command line: {flags}; configuration file: ", settings.Evidence, StringComparison.Ordinal);

        // Each flag the checks read shows up as that check's evidence, word for word, with the process it came from.
        foreach (var (flag, checkId) in new[] { ("--iptables=", "host-runtime-iptables"), ("--bridge=", "host-runtime-icc"), ("--userland-proxy=", "host-runtime-userland-proxy"), ("--live-restore", "host-runtime-live-restore"), ("--icc=", "host-runtime-icc") })
        {
            var given = argv.LastOrDefault(a => a.StartsWith(flag, StringComparison.Ordinal));
            if (given is null)
            {
                continue;
            }
            Assert.Contains($"{given} (command line of dockerd, pid {pid})", findings.One(checkId).Evidence, StringComparison.Ordinal);
        }
        var iptablesOff = argv.Contains("--iptables=false");
        Assert.Equal(iptablesOff ? FindingStatus.Warn : FindingStatus.Pass, findings.One("host-runtime-iptables").Status);
        if (!argv.Any(a => a.Contains("tcp://", StringComparison.Ordinal) || a.StartsWith("--config-file", StringComparison.Ordinal)) && !File.Exists("/etc/docker/daemon.json"))
        {
            var tcp = findings.One("host-runtime-tcp-tls");
            Assert.Equal(FindingStatus.Pass, tcp.Status);
            Assert.StartsWith("no TCP socket", tcp.Evidence, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Live_DockerSock_ModeAndOwnerAsStatShows()
    {
        Assert.SkipWhen(RunningDockerd() is null, "no dockerd runs on this machine (start one with .ci/services start)");
        const string socket = "/var/run/docker.sock";
        Assert.SkipUnless(OperatingSystem.IsLinux() && Path.Exists(socket), "docker.sock is not at its default path here");
        var mode = OperatingSystem.IsLinux() ? File.GetUnixFileMode(socket) : default;
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-L", "-c", "%U:%G", socket]) { RedirectStandardOutput = true })!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        // var/run links to /run on current distributions: the finding names the socket once, by its /run path.
        var shown = new FileInfo("/var/run").LinkTarget?.Trim('/') is "run" or "../run" ? "/run/docker.sock" : socket;

        var findings = RunLive().Where(f => f.Target == shown).ToList();

        var modeFinding = findings.One("host-runtime-docker-sock-mode");
        var octal = Convert.ToString((int)mode, 8).PadLeft(3, '0');
        Assert.StartsWith($"{shown} is {octal} {owner}", modeFinding.Evidence, StringComparison.Ordinal);
        var within660 = ((int)mode & ~0x1B0) == 0;
        Assert.Equal(within660 ? FindingStatus.Pass : FindingStatus.Fail, modeFinding.Status);
        var ownerFinding = findings.One("host-runtime-docker-sock-owner");
        Assert.Equal(owner is "root:docker" or "root:root" ? FindingStatus.Pass : FindingStatus.Fail, ownerFinding.Status);
    }
}
