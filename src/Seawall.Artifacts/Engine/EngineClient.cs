using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Engine;

/// <summary>
/// A minimal Docker Engine API client: version negotiation, JSON GETs with a size cap, and streamed GETs
/// for exports. Speaks HTTP/1.1 over the unix socket or plain TCP. Every failure is one ScanException line.
/// </summary>
public sealed class EngineClient : IDisposable
{
    /// <summary>The newest API version whose behaviour Seawall knows (Docker 28). Older daemons are asked in their own version.</summary>
    public const string MaxApiVersion = "1.51";

    /// <summary>The oldest API version we speak: every endpoint we use exists there, and Docker itself refuses older clients.</summary>
    public const string MinApiVersion = "1.24";

    /// <summary>Metadata calls are small; a daemon silent this long is stuck.</summary>
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(60);

    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly HttpClient _http;

    private EngineClient(DockerHost host, HttpClient http)
    {
        Host = host;
        _http = http;
    }

    public DockerHost Host { get; }

    /// <summary>The API version both sides speak, as negotiated with the daemon.</summary>
    public string ApiVersion { get; private set; } = MinApiVersion;

    /// <summary>Connects, pings and negotiates the API version. Throws <see cref="EngineUnavailableException"/> when no daemon answers.</summary>
    public static async Task<EngineClient> ConnectAsync(DockerHost host, CancellationToken cancellationToken)
    {
        if (host.SocketPath is { } socket && !File.Exists(socket))
        {
            throw new EngineUnavailableException(host, "no such socket", absent: true);
        }
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
        };
        if (host.SocketPath is { } path)
        {
            handler.ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            };
        }
        var http = new HttpClient(handler) { BaseAddress = host.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("seawall");
        var client = new EngineClient(host, http);
        try
        {
            await client.NegotiateAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>GET /_ping gives the daemon's API version in a header; very old daemons only give it in /version.</summary>
    private async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        string? server;
        using (var ping = await SendAsync("/_ping", "ping", HttpCompletionOption.ResponseContentRead, MetadataTimeout, cancellationToken).ConfigureAwait(false))
        {
            if (!ping.IsSuccessStatusCode)
            {
                throw new EngineUnavailableException(Host, $"not a Docker Engine (GET /_ping answered {(int)ping.StatusCode})", absent: false);
            }
            server = ping.Headers.TryGetValues("Api-Version", out var values) ? values.FirstOrDefault() : null;
        }
        if (server is null)
        {
            using var version = await GetJsonAsync("/version", 1024 * 1024, "version", versioned: false, cancellationToken).ConfigureAwait(false)
                ?? throw new EngineUnavailableException(Host, "not a Docker Engine (no /version)", absent: false);
            server = version.RootElement.ValueKind == JsonValueKind.Object && version.RootElement.TryGetProperty("ApiVersion", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString() : null;
        }
        if (server is null || !Version.TryParse(server, out var serverVersion))
        {
            throw new EngineUnavailableException(Host, "not a Docker Engine (no API version)", absent: false);
        }
        if (serverVersion < Version.Parse(MinApiVersion))
        {
            throw new ScanException($"Docker Engine at {Host}: API {DockerHost.Printable(server)} is older than {MinApiVersion}, the oldest Seawall speaks");
        }
        ApiVersion = serverVersion < Version.Parse(MaxApiVersion) ? serverVersion.ToString(2) : MaxApiVersion;
    }

    /// <summary>GETs a JSON document under the negotiated version; null when the daemon answers 404.</summary>
    public async Task<JsonDocument?> GetJsonAsync(string path, int maxBytes, string what, CancellationToken cancellationToken) =>
        await GetJsonAsync(path, maxBytes, what, versioned: true, cancellationToken).ConfigureAwait(false);

    private async Task<JsonDocument?> GetJsonAsync(string path, int maxBytes, string what, bool versioned, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(MetadataTimeout);
        try
        {
            using var response = await SendAsync(versioned ? Versioned(path) : path, what, HttpCompletionOption.ResponseHeadersRead, MetadataTimeout, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength is long length && length > maxBytes)
            {
                throw new LimitExceededException($"Docker Engine at {Host}: {what} is {length} bytes, over the {maxBytes}-byte cap");
            }
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var bytes = await ReadCappedAsync(stream, maxBytes, timeout.Token).ConfigureAwait(false)
                    ?? throw new LimitExceededException($"Docker Engine at {Host}: {what} is over the {maxBytes}-byte cap");
                try
                {
                    return JsonDocument.Parse(bytes);
                }
                catch (JsonException ex)
                {
                    throw new ScanException($"Docker Engine at {Host}: {what} is not valid JSON ({ex.Message})");
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ScanException($"Docker Engine at {Host}: no answer to {what} within {MetadataTimeout.TotalSeconds:0}s");
        }
        catch (IOException ex)
        {
            throw new ScanException($"Docker Engine at {Host}: {what} broke off ({ex.Message})");
        }
    }

    /// <summary>Opens a streamed GET (an image export). The caller reads and disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, string what, CancellationToken cancellationToken)
    {
        var response = await SendAsync(Versioned(path), what, HttpCompletionOption.ResponseHeadersRead, null, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private string Versioned(string path) => "/v" + ApiVersion + path;

    private async Task<HttpResponseMessage> SendAsync(string path, string what, HttpCompletionOption completion, TimeSpan? headersTimeout, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (headersTimeout is { } t)
        {
            timeout.CancelAfter(t);
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            return await _http.SendAsync(request, completion, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ScanException($"Docker Engine at {Host}: no answer to {what} within {MetadataTimeout.TotalSeconds:0}s");
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }
    }

    /// <summary>Turns a connection failure into why the daemon cannot be reached; "absent" failures let the caller try a registry quietly.</summary>
    private EngineUnavailableException Unreachable(HttpRequestException ex)
    {
        var socketError = (ex.InnerException as SocketException ?? ex.InnerException?.InnerException as SocketException)?.SocketErrorCode;
        return socketError switch
        {
            SocketError.ConnectionRefused => new EngineUnavailableException(Host, "connection refused (is dockerd running?)", absent: true),
            SocketError.AddressNotAvailable or SocketError.HostNotFound => new EngineUnavailableException(Host, "no such socket or host", absent: true),
            SocketError.AccessDenied => new EngineUnavailableException(Host,
                "permission denied (run as root or as a member of the docker group)", absent: false),
            SocketError.TimedOut => new EngineUnavailableException(Host, "connection timed out", absent: true),
            _ => new EngineUnavailableException(Host, ex.HttpRequestError switch
            {
                HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded => "the endpoint does not speak HTTP like a Docker Engine",
                _ => DockerHost.Printable(ex.InnerException?.Message ?? ex.Message),
            }, absent: false),
        };
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        string? message = null;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var body = await ReadCappedAsync(stream, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
                if (body is not null)
                {
                    using var doc = JsonDocument.Parse(body);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    {
                        message = m.GetString();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            // The status code alone still says what went wrong.
        }
        var detail = string.IsNullOrWhiteSpace(message) ? $"HTTP {(int)response.StatusCode}" : $"{Sanitize(message)} (HTTP {(int)response.StatusCode})";
        throw new ScanException($"Docker Engine at {Host}: {what} failed: {detail}");
    }

    /// <summary>The whole body if it fits in maxBytes, else null.</summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Daemon messages go on one line of stderr: no control characters, bounded length.</summary>
    internal static string Sanitize(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return clean.Length > 300 ? clean[..300] + "..." : clean;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>No Docker Engine answers at the host. Absent (no socket, refused) lets the image command fall through to a registry quietly.</summary>
public sealed class EngineUnavailableException(DockerHost host, string reason, bool absent)
    : ScanException($"cannot reach the Docker Engine at {host}: {reason}")
{
    public bool Absent { get; } = absent;
}
