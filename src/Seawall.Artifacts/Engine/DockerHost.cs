using Seawall.Core.Errors;

namespace Seawall.Artifacts.Engine;

/// <summary>
/// Where the Docker Engine listens, as `--docker-host` or DOCKER_HOST name it: unix:///path (the default
/// unix:///var/run/docker.sock), tcp://host:port or http://host:port (plain HTTP).
/// </summary>
public sealed record DockerHost
{
    public const string DefaultSocket = "/var/run/docker.sock";
    public const string EnvironmentVariable = "DOCKER_HOST";

    private DockerHost(string text, string? socketPath, Uri baseAddress)
    {
        Text = text;
        SocketPath = socketPath;
        BaseAddress = baseAddress;
    }

    /// <summary>The endpoint as the user would write it, for messages.</summary>
    public string Text { get; }

    /// <summary>The unix socket's path, or null for TCP.</summary>
    public string? SocketPath { get; }

    /// <summary>The HTTP base address requests go to (a placeholder host for a unix socket).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The flag if given, else DOCKER_HOST, else the default socket.</summary>
    public static DockerHost Resolve(string? option) =>
        Parse(!string.IsNullOrWhiteSpace(option) ? option
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
            : "unix://" + DefaultSocket);

    public static DockerHost Parse(string text)
    {
        text = text.Trim();
        var at = text.IndexOf("://", StringComparison.Ordinal);
        var scheme = at > 0 ? text[..at].ToLowerInvariant() : null;
        switch (scheme)
        {
            case "unix":
                var path = text[(at + 3)..];
                if (path.Length == 0 || path[0] != '/')
                {
                    throw new ScanException($"invalid Docker host '{Printable(text)}': a unix socket needs an absolute path, e.g. unix:///var/run/docker.sock");
                }
                return new DockerHost(text, path, new Uri("http://docker.sock/"));
            case "tcp" or "http":
                if (Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 } tls && tls != "0")
                {
                    throw new ScanException($"Docker host {Printable(text)}: TLS (DOCKER_TLS_VERIFY) is not supported; use the unix socket or plain tcp on a trusted network");
                }
                if (!Uri.TryCreate("http://" + text[(at + 3)..], UriKind.Absolute, out var uri) || uri.Host.Length == 0
                    || (uri.AbsolutePath.Length > 1) || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
                {
                    throw new ScanException($"invalid Docker host '{Printable(text)}': expected tcp://HOST:PORT");
                }
                // tcp:// without a port means the plain-HTTP default of the Docker CLI.
                var port = text.AsSpan(at + 3).Contains(':') ? uri.Port : 2375;
                return new DockerHost(text, null, new UriBuilder("http", uri.Host, port).Uri);
            case "npipe" or "ssh" or "https" or "fd":
                throw new ScanException($"Docker host {Printable(text)}: the {scheme}:// transport is not supported; use unix:// or tcp://");
            default:
                throw new ScanException($"invalid Docker host '{Printable(text)}': expected unix:///path or tcp://HOST:PORT");
        }
    }

    public override string ToString() => Text;

    internal static string Printable(string s) => new([.. s.Take(200).Select(c => char.IsControl(c) ? '?' : c)]);
}
