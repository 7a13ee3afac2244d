using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests.Registry;

/// <summary>
/// A real `docker-registry` (distribution 2.x) on 127.0.0.1 and a free port, with its storage in a temp
/// directory the test owns; plain http, TLS with a self-signed certificate, or htpasswd basic auth.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDir _dir;

    private LocalRegistry(Process process, TempDir dir, int port, string? certificate, string? username, string? password)
    {
        _process = process;
        _dir = dir;
        Port = port;
        Certificate = certificate;
        Username = username;
        Password = password;
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>The self-signed certificate (PEM) when TLS is on.</summary>
    public string? Certificate { get; }

    public string? Username { get; }

    public string? Password { get; }

    public string StorageRoot => Path.Combine(_dir.Path, "storage");

    public string LogPath => Path.Combine(_dir.Path, "registry.log");

    /// <summary>Skips the test when the tools are missing; .ci/install installs them.</summary>
    public static void RequireTools()
    {
        ProcessRunner.Require("docker-registry");
        ProcessRunner.Require("skopeo");
    }

    public static async Task<LocalRegistry> StartAsync(bool tls = false, (string User, string Password)? htpasswd = null)
    {
        RequireTools();
        var dir = new TempDir("seawall-registry-");
        try
        {
            var port = FreePort();
            var storage = Path.Combine(dir.Path, "storage");
            Directory.CreateDirectory(storage);
            var yaml = new List<string>
            {
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                $"    rootdirectory: {storage}",
                "  delete:",
                "    enabled: true",
                "http:",
                $"  addr: 127.0.0.1:{port}",
                "  secret: seawall-test-secret",
            };
            string? certificate = null;
            if (tls)
            {
                ProcessRunner.Require("openssl");
                certificate = Path.Combine(dir.Path, "cert.pem");
                var key = Path.Combine(dir.Path, "key.pem");
                var gen = await ProcessRunner.RunAsync("openssl",
                    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2",
                     "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], TimeSpan.FromMinutes(1));
                Assert.True(gen.ExitCode == 0, "openssl: " + gen.StdErr);
                yaml.Add("  tls:");
                yaml.Add($"    certificate: {certificate}");
                yaml.Add($"    key: {key}");
            }
            if (htpasswd is { } creds)
            {
                ProcessRunner.Require("htpasswd");
                var line = await ProcessRunner.RunAsync("htpasswd", ["-Bbn", creds.User, creds.Password], TimeSpan.FromMinutes(1));
                Assert.True(line.ExitCode == 0, "htpasswd: " + line.StdErr);
                var file = Path.Combine(dir.Path, "htpasswd");
                await File.WriteAllTextAsync(file, line.StdOut.Trim() + "\n");
                yaml.Add("auth:");
                yaml.Add("  htpasswd:");
                yaml.Add("    realm: seawall-test");
                yaml.Add($"    path: {file}");
            }
            var config = Path.Combine(dir.Path, "config.yml");
            await File.WriteAllLinesAsync(config, yaml);
            var log = Path.Combine(dir.Path, "registry.log");
            var psi = new ProcessStartInfo("docker-registry") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("serve");
            psi.ArgumentList.Add(config);
            var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start docker-registry");
            // Drain its output to a file so it never blocks on a full pipe, and so failures can be read.
            var writer = new StreamWriter(log) { AutoFlush = true };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.Exited += (_, _) => { lock (writer) { writer.Dispose(); } };
            var registry = new LocalRegistry(process, dir, port, certificate, htpasswd?.User, htpasswd?.Password);
            await registry.WaitReadyAsync();
            return registry;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Pushes an OCI layout's image with skopeo (as a user would), optionally recompressing its layers.</summary>
    public async Task PushAsync(string layout, string tag, string repository, bool all = false, string? compressFormat = null)
    {
        var args = new List<string> { "copy", "--quiet", "--dest-tls-verify=false" };
        if (all)
        {
            args.Add("--all");
        }
        if (compressFormat is not null)
        {
            args.AddRange(["--dest-compress", "--dest-compress-format", compressFormat]);
        }
        if (Username is not null)
        {
            args.AddRange(["--dest-creds", $"{Username}:{Password}"]);
        }
        args.Add($"oci:{layout}:{tag}");
        args.Add($"docker://{Host}/{repository}");
        var result = await ProcessRunner.RunAsync("skopeo", args, TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, $"skopeo {string.Join(' ', args)} failed: {result.StdErr}");
    }

    /// <summary>
    /// Pushes an OCI layout's blobs and manifest as they are, through the registry's upload API (plain http, no auth):
    /// unlike skopeo, which gzips uncompressed layers on their way to a registry.
    /// </summary>
    public async Task PushRawAsync(string layout, string repository, string tag, string manifestDigest)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{Host}/") };
        var manifestPath = Path.Combine(layout, "blobs", "sha256", manifestDigest["sha256:".Length..]);
        foreach (var blob in Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")))
        {
            if (blob == manifestPath)
            {
                continue;
            }
            using var start = await http.PostAsync($"v2/{repository}/blobs/uploads/", null);
            Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"upload start: {start.StatusCode}");
            var location = start.Headers.Location!;
            var upload = location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location);
            var separator = upload.Query.Length > 0 ? "&" : "?";
            using var content = new ByteArrayContent(await File.ReadAllBytesAsync(blob));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            using var put = await http.PutAsync(new Uri(upload + separator + "digest=sha256:" + Path.GetFileName(blob)), content);
            Assert.True(put.StatusCode == HttpStatusCode.Created, $"upload {Path.GetFileName(blob)}: {put.StatusCode}");
        }
        using var manifest = new ByteArrayContent(await File.ReadAllBytesAsync(manifestPath));
        manifest.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var response = await http.PutAsync($"v2/{repository}/manifests/{tag}", manifest);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"manifest put: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The file the registry stores a blob in (filesystem driver layout).</summary>
    public string BlobPath(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(StorageRoot, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}: {ReadLog()}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"docker-registry did not listen on {Host}: {ReadLog()}");
    }

    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _dir.Dispose();
    }
}
