using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests.Engine;

/// <summary>
/// The real dockerd the Engine tests talk to. CI starts it (.ci/services: vfs storage, no iptables, no bridge);
/// when it is not running the fixture starts it the same way and stops it afterwards. Tests skip only when
/// there is no Docker at all on the machine.
/// </summary>
public sealed class DockerEngine : IAsyncLifetime
{
    public const string Socket = "/var/run/docker.sock";

    private Process? _started;
    private string? _unavailable;

    public string DockerHost => "unix://" + Socket;

    public async ValueTask InitializeAsync()
    {
        if (ProcessRunner.Which("docker") is null || ProcessRunner.Which("dockerd") is null)
        {
            _unavailable = "docker and dockerd are not installed on this machine (run .ci/install)";
            return;
        }
        if (await IsUpAsync())
        {
            return;
        }
        // Started like .ci/services does; its last lines of output say why, should it fail to start.
        var psi = new ProcessStartInfo("dockerd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--storage-driver=vfs", "--iptables=false", "--bridge=none" })
        {
            psi.ArgumentList.Add(arg);
        }
        _started = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dockerd");
        var tail = new Queue<string>();
        void Keep(string? line)
        {
            lock (tail)
            {
                if (line is not null)
                {
                    tail.Enqueue(line);
                }
                while (tail.Count > 10)
                {
                    tail.Dequeue();
                }
            }
        }
        _started.OutputDataReceived += (_, e) => Keep(e.Data);
        _started.ErrorDataReceived += (_, e) => Keep(e.Data);
        _started.BeginOutputReadLine();
        _started.BeginErrorReadLine();
        for (var i = 0; i < 60; i++)
        {
            if (await IsUpAsync())
            {
                return;
            }
            if (_started.HasExited)
            {
                break;
            }
            await Task.Delay(1000);
        }
        lock (tail)
        {
            throw new InvalidOperationException($"dockerd did not start (are the tests running as root?): {string.Join(" | ", tail)}");
        }
    }

    private static async Task<bool> IsUpAsync()
    {
        var info = await ProcessRunner.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(30), new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + Socket });
        return info.ExitCode == 0;
    }

    /// <summary>Skips the calling test when Docker is not installed.</summary>
    public void Require() => Assert.SkipWhen(_unavailable is not null, _unavailable ?? string.Empty);

    public async Task<ProcessResult> DockerAsync(params string[] args)
    {
        var result = await ProcessRunner.RunAsync("docker", args, TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["DOCKER_HOST"] = DockerHost, ["DOCKER_BUILDKIT"] = "0" });
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)} failed ({result.ExitCode}): {result.StdErr}");
        return result;
    }

    /// <summary>`docker import` of a one-layer root file system made of these files; returns the image id.</summary>
    public async Task<string> ImportAsync(string tag, IReadOnlyDictionary<string, string> files, TempDir dir)
    {
        var tar = dir.File($"import-{Guid.NewGuid():N}.tar");
        WriteTar(tar, files);
        return (await DockerAsync("import", tar, tag)).StdOut.Trim();
    }

    /// <summary>The image id `docker inspect` gives, and its RepoDigests.</summary>
    public async Task<(string Id, string[] RepoDigests)> InspectAsync(string reference)
    {
        var id = (await DockerAsync("image", "inspect", "--format", "{{.Id}}", reference)).StdOut.Trim();
        var digests = (await DockerAsync("image", "inspect", "--format", "{{range .RepoDigests}}{{.}} {{end}}", reference)).StdOut
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (id, digests);
    }

    public async Task RemoveAsync(string reference) =>
        await ProcessRunner.RunAsync("docker", ["rmi", "-f", reference], TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["DOCKER_HOST"] = DockerHost });

    public static void WriteTar(string path, IReadOnlyDictionary<string, string> files)
    {
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in files.Keys)
        {
            for (var parent = Path.GetDirectoryName(file); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
            {
                dirs.Add(parent);
            }
        }
        foreach (var d in dirs)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d + "/") { Mode = (UnixFileMode)0b111_101_101 });
        }
        foreach (var (name, content) in files)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = (UnixFileMode)0b110_100_100,
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started is { HasExited: false })
        {
            // Only the daemon this fixture started (a CI-started one belongs to .ci/services); SIGTERM lets it clean up.
            await ProcessRunner.RunAsync("kill", ["-TERM", _started.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _started.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _started.Kill();
            }
        }
        _started?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DockerEngineCollection : ICollectionFixture<DockerEngine>
{
    public const string Name = "docker engine";
}
