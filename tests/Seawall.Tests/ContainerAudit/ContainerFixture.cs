using System.Runtime.CompilerServices;
using System.Text.Json;
using Seawall.ContainerAudit;
using Seawall.ContainerAudit.Kernel;
using Seawall.ContainerAudit.Runtime;
using Seawall.HostAudit.Access;
using Seawall.Tests.Support;

namespace Seawall.Tests.ContainerAudit;

/// <summary>
/// Real captures from dockerd 20.10 on this project's CI machine (TestData/Containers): GET /info, the inspect
/// documents of three containers and their exec sessions, and each container's /proc files (status, cgroup,
/// uid_map, the ns link targets) with dockerd's own. `risky` ran with --cap-add SYS_ADMIN --pid host --network host
/// -v /var/run/docker.sock:/var/run/docker.sock -v /etc:/hostetc as root; `tidy` with --read-only --cap-drop ALL
/// --security-opt no-new-privileges --user 1000:1000 --memory 64m --pids-limit 50 --network none (and a
/// `docker exec -u 0`); `ports` on a user network with -p 80:8080 -p 127.0.0.1:9000:9000 --restart always
/// --health-cmd, seccomp=unconfined, --cap-drop NET_RAW --cap-add NET_ADMIN --cpus 0.5 and a read-only bind.
/// </summary>
internal static class ContainerFixture
{
    public static string DataDir { get; } = Find();

    public static RuntimeView Runtime(params string[] names)
    {
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, "info.json")));
        var containers = names.Select(Container).ToList();
        return new RuntimeView(DaemonInfo.FromInfo(info.RootElement), containers);
    }

    public static RuntimeContainer Container(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, $"inspect-{name}.json")));
        var container = RuntimeContainer.FromInspect(doc.RootElement);
        var execs = container.ExecIds.Select(id =>
        {
            using var exec = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, $"exec-{id}.json")));
            return ExecSession.FromInspect(id, exec.RootElement);
        }).ToList();
        return container with { Execs = execs };
    }

    /// <summary>The captured processes laid out as proc/PID/... under a fresh root; <paramref name="edit"/> may change a file's text.</summary>
    public static TempDir ProcRoot(Func<string, string, string, string>? edit = null, params string[] processes)
    {
        var root = new TempDir();
        foreach (var name in processes.Length > 0 ? processes : ["dockerd", "risky", "tidy", "ports"])
        {
            var dir = Path.Combine(DataDir, "proc-" + name);
            var pid = File.ReadAllText(Path.Combine(dir, "pid")).Trim();
            string Text(string file) => edit?.Invoke(name, file, File.ReadAllText(Path.Combine(dir, file))) ?? File.ReadAllText(Path.Combine(dir, file));
            var status = Text("status");
            root.Write($"proc/{pid}/status", status);
            root.Write($"proc/{pid}/comm", status.Split('\n').First(l => l.StartsWith("Name:", StringComparison.Ordinal))[5..].Trim() + "\n");
            root.Write($"proc/{pid}/cgroup", Text("cgroup"));
            if (File.Exists(Path.Combine(dir, "uid_map")))
            {
                root.Write($"proc/{pid}/uid_map", Text("uid_map"));
            }
            Directory.CreateDirectory(root.File($"proc/{pid}/ns"));
            foreach (var line in Text("ns").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var (kind, target) = (line[..line.IndexOf(' ')], line[(line.IndexOf(' ') + 1)..]);
                // The kernel's ns entries are magic links to "pid:[4026531836]"; a dangling symlink reads the same.
                File.CreateSymbolicLink(root.File($"proc/{pid}/ns/{kind}"), target);
            }
        }
        root.Write("proc/sys/kernel/cap_last_cap", File.ReadAllText(Path.Combine(DataDir, "cap_last_cap")));
        return root;
    }

    public static int Pid(string name) => int.Parse(File.ReadAllText(Path.Combine(DataDir, "proc-" + name, "pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public static ContainersAudit Audit(TempDir? proc, params string[] names)
    {
        var runtime = Runtime(names);
        if (proc is null)
        {
            return ContainerAuditor.Audit(runtime, null, "unix:///var/run/docker.sock");
        }
        using var files = HostFileTree.Open(proc.Path);
        return ContainerAuditor.Audit(runtime, KernelView.Read(files), "unix:///var/run/docker.sock");
    }

    private static string Find([CallerFilePath] string source = "")
    {
        var project = Path.GetDirectoryName(source);
        while (project is not null && !File.Exists(Path.Combine(project, "Seawall.Tests.csproj")))
        {
            project = Path.GetDirectoryName(project);
        }
        return Path.Combine(project ?? throw new InvalidOperationException("Seawall.Tests.csproj not found above " + source), "TestData", "Containers");
    }
}
