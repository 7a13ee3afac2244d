using System.Text.Json;
using Seawall.IntegrationTests.Engine;
using Seawall.IntegrationTests.Support;
using Seawall.Tests.Support;

namespace Seawall.IntegrationTests.Containers;

/// <summary>
/// `seawall containers` against the real dockerd with the issue's two containers: a risky one flagged for every risk
/// it takes, a tidy one for none, and /proc agreeing with the Engine API on both. Then the daemon-less errors.
/// </summary>
[Collection(DockerEngineCollection.Name)]
public sealed class ContainersCliTests(DockerEngine engine)
{
    private static readonly string[] RiskyFlags =
    [
        "container-capabilities-added", "container-host-pid", "container-host-network", "container-runtime-socket",
        "container-sensitive-mount", "container-runs-as-root", "container-root-is-host-root", "container-memory-limit",
        "container-pids-limit", "container-cpu-limit",
    ];

    private static readonly string[] Agreement =
    [
        "container-kernel-capabilities", "container-kernel-namespaces", "container-kernel-seccomp",
        "container-kernel-no-new-privs", "container-kernel-user",
    ];

    [Fact]
    public async Task Containers_RiskyFlaggedForEveryRisk_TidyForNone_ProcAgreesWithTheApi()
    {
        engine.Require();
        using var dir = new TempDir();
        var image = await SleepImage.EnsureAsync(engine, dir);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var risky = "seawall-it-risky-" + suffix;
        var tidy = "seawall-it-tidy-" + suffix;
        try
        {
            await engine.DockerAsync("run", "-d", "--name", risky, "--cap-add", "SYS_ADMIN", "--pid", "host", "--network", "host",
                "-v", "/var/run/docker.sock:/var/run/docker.sock", "-v", "/etc:/hostetc", image, "/bin/sleep", "infinity");
            await engine.DockerAsync("run", "-d", "--name", tidy, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--user", "1000:1000", "--memory", "64m", "--pids-limit", "50", "--network", "none", image, "/bin/sleep", "infinity");

            var result = await SeawallCli.RunAsync(["containers", "--docker-host", engine.DockerHost, "--format", "json", "--include-passed"], null, TimeSpan.FromMinutes(2));
            Assert.True(result.ExitCode == 0, result.StdErr);
            SchemaValidator.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "seawall-report-1.schema.json")).AssertValid(result.StdOut);
            using var doc = JsonDocument.Parse(result.StdOut);
            var results = doc.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("target").GetString()!, r => r.Clone());

            var riskyResult = results[risky];
            var riskyFailed = Statuses(riskyResult).Where(s => s.Value == "fail").Select(s => s.Key).ToHashSet();
            Assert.All(RiskyFlags, id => Assert.Contains(id, riskyFailed));
            var riskyRisk = riskyResult.GetProperty("risk");
            Assert.Equal("critical", riskyRisk.GetProperty("grade").GetString());
            Assert.True(riskyRisk.GetProperty("kernelChecked").GetBoolean());
            Assert.Contains(riskyRisk.GetProperty("hostRootPaths").EnumerateArray(), p => p.GetString()!.StartsWith("runtime socket mounted", StringComparison.Ordinal));

            var tidyResult = results[tidy];
            var tidyStatuses = Statuses(tidyResult);
            Assert.All(RiskyFlags.Where(id => id != "container-cpu-limit"), id => Assert.Equal("pass", tidyStatuses[id]));
            Assert.Empty(tidyResult.GetProperty("risk").GetProperty("hostRootPaths").EnumerateArray());
            Assert.True(tidyResult.GetProperty("risk").GetProperty("kernelChecked").GetBoolean());

            // The kernel's view, read by Seawall from /proc, agrees with what the Engine API says, for both.
            foreach (var (name, r) in new[] { (risky, riskyResult), (tidy, tidyResult) })
            {
                var statuses = Statuses(r);
                Assert.All(Agreement, id => Assert.True(statuses.TryGetValue(id, out var s) && s == "pass", $"{name}: {id} is {(statuses.TryGetValue(id, out var x) ? x : "missing")}"));
            }

            // And it is the real /proc: the init pid's capability mask, read here independently, is the one reported.
            var pid = (await engine.DockerAsync("inspect", "-f", "{{.State.Pid}}", tidy)).StdOut.Trim();
            var capBnd = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
            Assert.EndsWith("0000000000000000", capBnd, StringComparison.Ordinal);
            Assert.Contains($"init pid {pid} (sleep)", Evidence(tidyResult, "container-kernel-view"), StringComparison.Ordinal);

            var overview = doc.RootElement.GetProperty("containers");
            Assert.True(overview.GetProperty("reachHostRoot").GetInt32() >= 1);
            Assert.Contains(overview.GetProperty("byPath").GetProperty("runtime socket mounted").EnumerateArray(), n => n.GetString() == risky);
        }
        finally
        {
            await ProcessRunner.RunAsync("docker", ["rm", "-f", risky, tidy], TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["DOCKER_HOST"] = engine.DockerHost });
        }
    }

    [Fact]
    public async Task Containers_NoDaemon_ClearMessageAndExitThree()
    {
        using var dir = new TempDir();
        var socket = Path.Combine(dir.Path, "no-docker.sock");
        var result = await SeawallCli.RunAsync("containers", "--docker-host", "unix://" + socket, "--format", "json");
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(string.Empty, result.StdOut);
        Assert.Equal($"error: cannot reach the Docker Engine at unix://{socket}: no such socket", result.StdErr.Trim());
    }

    [Fact]
    public async Task HostWithContainers_NoDaemon_WarnsAndAuditsTheRest()
    {
        using var dir = new TempDir();
        var socket = Path.Combine(dir.Path, "no-docker.sock");
        using var cache = new TempDir();
        var result = await SeawallCli.RunAsync("host", "--containers", "--docker-host", "unix://" + socket, "--format", "json", "--cache-dir", cache.Path);
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains($"warning: containers not audited: cannot reach the Docker Engine at unix://{socket}: no such socket", result.StdErr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal("host", doc.RootElement.GetProperty("results")[0].GetProperty("class").GetString());
    }

    [Fact]
    public async Task HostWithContainers_RealDaemon_AddsAContainerResultPerRunningContainer()
    {
        engine.Require();
        using var dir = new TempDir();
        var image = await SleepImage.EnsureAsync(engine, dir);
        var name = "seawall-it-host-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await engine.DockerAsync("run", "-d", "--name", name, "--network", "none", image, "/bin/sleep", "infinity");
            using var cache = new TempDir();
            var result = await SeawallCli.RunAsync(["host", "--containers", "--docker-host", engine.DockerHost, "--format", "json", "--cache-dir", cache.Path], null, TimeSpan.FromMinutes(2));
            Assert.True(result.ExitCode == 0, result.StdErr);
            using var doc = JsonDocument.Parse(result.StdOut);
            var mine = doc.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("target").GetString() == name);
            Assert.Equal("containers", mine.GetProperty("class").GetString());
            Assert.Equal("container-runs-as-root", mine.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("checkId").GetString()).Single(id => id == "container-runs-as-root"));
            Assert.True(doc.RootElement.GetProperty("containers").GetProperty("total").GetInt32() >= 1);
        }
        finally
        {
            await ProcessRunner.RunAsync("docker", ["rm", "-f", name], TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["DOCKER_HOST"] = engine.DockerHost });
        }
    }

    private static Dictionary<string, string> Statuses(JsonElement result) =>
        result.GetProperty("findings").EnumerateArray()
            .GroupBy(f => f.GetProperty("checkId").GetString()!)
            .ToDictionary(g => g.Key, g => g.Any(f => f.GetProperty("status").GetString() == "fail") ? "fail" : g.First().GetProperty("status").GetString()!);

    private static string Evidence(JsonElement result, string id) =>
        result.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("checkId").GetString() == id).GetProperty("evidence").GetString()!;
}
