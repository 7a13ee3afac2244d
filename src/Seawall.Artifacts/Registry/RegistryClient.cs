using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Seawall.Artifacts.Image;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Registry;

/// <summary>A manifest as the registry sent it: the exact bytes (which the digest covers), the Content-Type, and the digest.</summary>
public sealed record RegistryManifest(byte[] Content, string? MediaType, string Digest);

/// <summary>
/// A pull-only client for one repository of an OCI Distribution (Docker Registry HTTP API v2) registry.
/// Anonymous access, bearer tokens from the registry's `WWW-Authenticate` challenge, and basic auth.
/// Redirects are followed by hand so the Authorization header only ever goes to the registry itself,
/// never to the storage host a blob request is redirected to.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const int MaxRedirects = 10;
    private const int MaxTokenResponseBytes = 1024 * 1024;
    private const int MaxErrorBodyBytes = 8 * 1024;

    private static readonly string[] ManifestMediaTypes =
    [
        ManifestDocument.OciManifest,
        ManifestDocument.OciIndex,
        ManifestDocument.DockerManifest,
        ManifestDocument.DockerManifestList,
    ];

    private readonly string _registry;
    private readonly string _repository;
    private readonly RegistryOptions _options;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _baseGate = new(1, 1);
    private readonly Lock _authGate = new();
    private Uri? _base;
    private AuthenticationHeaderValue? _authorization;
    private RegistryCredential? _credential;
    private bool _credentialLooked;
    private string? _helper;

    public RegistryClient(string registry, string repository, RegistryOptions options)
    {
        _registry = registry;
        _repository = repository;
        _options = options;
        var handler = new SocketsHttpHandler
        {
            // Redirects are followed in SendAsync, which decides per hop whether credentials may go along.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (options.Insecure)
        {
            // Only with --insecure: the user vouched for this registry (a self-signed or expired certificate).
#pragma warning disable CA5359 // Deliberate, and reachable only through the explicit --insecure opt-in.
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        // No overall HttpClient timeout: a large layer may take long; the caller's token (--timeout) bounds the scan.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("seawall", "1.0"));
    }

    /// <summary>The base URI chosen (https, or http with --insecure when https does not answer); null before the first request.</summary>
    public Uri? BaseUri => _base;

    /// <summary>Fetches a manifest or index by tag or digest; by digest, the content must hash to it.</summary>
    public async Task<RegistryManifest> GetManifestAsync(string reference, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync($"v2/{_repository}/manifests/{reference}", ManifestMediaTypes, what, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        var content = await ReadCappedAsync(response.Content, ManifestDocument.MaxManifestBytes,
            n => new LimitExceededException($"{what}: manifest of {n}+ bytes is over the {ManifestDocument.MaxManifestBytes}-byte cap"), cancellationToken).ConfigureAwait(false);
        var digest = Sha256(content);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && !string.Equals(reference, digest, StringComparison.Ordinal))
        {
            throw new DigestMismatchException($"{what}: manifest digest mismatch, expected {reference} but content hashes to {digest}");
        }
        // By tag the registry still states the digest; a different one means the bytes were changed on the way.
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var stated)
            && stated.FirstOrDefault() is { } header && header.StartsWith("sha256:", StringComparison.Ordinal)
            && !string.Equals(header.Trim(), digest, StringComparison.OrdinalIgnoreCase))
        {
            throw new DigestMismatchException($"{what}: manifest digest mismatch, the registry states {header.Trim()} but content hashes to {digest}");
        }
        return new RegistryManifest(content, response.Content.Headers.ContentType?.MediaType, digest);
    }

    /// <summary>Fetches a small blob (a config) into memory, capped, and checks its size and digest.</summary>
    public async Task<byte[]> GetBlobAsync(string digest, long expectedSize, int cap, string what, CancellationToken cancellationToken)
    {
        ManifestDocument.ValidateDigest(digest, what);
        if (expectedSize > cap)
        {
            throw new LimitExceededException($"{what}: {expectedSize} bytes is over the {cap}-byte cap");
        }
        using var response = await SendAsync($"v2/{_repository}/blobs/{digest}", null, what, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        var content = await ReadCappedAsync(response.Content, cap,
            n => new LimitExceededException($"{what}: {n}+ bytes is over the {cap}-byte cap"), cancellationToken).ConfigureAwait(false);
        var actual = Sha256(content);
        if (!string.Equals(actual, digest, StringComparison.Ordinal))
        {
            throw new DigestMismatchException($"{what}: digest mismatch, expected {digest} but content hashes to {actual}");
        }
        if (expectedSize >= 0 && content.Length != expectedSize)
        {
            throw new ScanException($"{what}: {content.Length} bytes but the manifest says {expectedSize}");
        }
        return content;
    }

    /// <summary>Starts a blob download and returns the response with its body unread; the caller streams and disposes it.</summary>
    public async Task<HttpResponseMessage> OpenBlobAsync(string digest, string what, CancellationToken cancellationToken)
    {
        ManifestDocument.ValidateDigest(digest, what);
        var response = await SendAsync($"v2/{_repository}/blobs/{digest}", null, what, cancellationToken).ConfigureAwait(false);
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

    public void Dispose()
    {
        _http.Dispose();
        _baseGate.Dispose();
    }

    /// <summary>
    /// Sends a GET to the registry, answering one auth challenge and following redirects. The Authorization
    /// header goes only to the registry's own scheme+host+port.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(string path, string[]? accept, string what, CancellationToken cancellationToken)
    {
        var baseUri = await BaseAsync(cancellationToken).ConfigureAwait(false);
        var uri = new Uri(baseUri, path);
        var authenticated = false;
        var hops = 0;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (accept is not null)
            {
                foreach (var type in accept)
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                }
            }
            var toRegistry = SameOrigin(uri, baseUri);
            AuthenticationHeaderValue? authorization;
            lock (_authGate)
            {
                authorization = _authorization;
            }
            if (toRegistry && authorization is not null)
            {
                request.Headers.Authorization = authorization;
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw NetworkError(ex, uri);
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && toRegistry && !authenticated)
            {
                authenticated = true;
                var challenges = Challenges(response);
                response.Dispose();
                await AuthenticateAsync(challenges, authorization, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (IsRedirect(response.StatusCode))
            {
                var location = response.Headers.Location;
                response.Dispose();
                if (location is null)
                {
                    throw new ScanException($"{what}: the registry redirected without a Location");
                }
                if (++hops > MaxRedirects)
                {
                    throw new ScanException($"{what}: more than {MaxRedirects} redirects");
                }
                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp)
                {
                    throw new ScanException($"{what}: the registry redirected to an unsupported scheme '{next.Scheme}'");
                }
                if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !_options.Insecure)
                {
                    throw new ScanException($"{what}: the registry redirected from https to plain http ({next.Host}); refusing without --insecure");
                }
                uri = next;
                continue;
            }
            return response;
        }
    }

    /// <summary>Picks https, or with --insecure falls back to http when https does not answer (as Docker does for insecure registries).</summary>
    private async Task<Uri> BaseAsync(CancellationToken cancellationToken)
    {
        if (_base is { } known)
        {
            return known;
        }
        await _baseGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_base is { } again)
            {
                return again;
            }
            var https = new Uri($"https://{_registry}/");
            try
            {
                await PingAsync(https, cancellationToken).ConfigureAwait(false);
                _base = https;
            }
            catch (HttpRequestException ex) when (_options.Insecure)
            {
                var http = new Uri($"http://{_registry}/");
                try
                {
                    await PingAsync(http, cancellationToken).ConfigureAwait(false);
                    _base = http;
                }
                catch (HttpRequestException ex2)
                {
                    throw new ScanException($"cannot reach registry {_registry} over https ({Describe(ex)}) or http ({Describe(ex2)})", ex2);
                }
            }
            catch (HttpRequestException ex)
            {
                throw NetworkError(ex, https);
            }
            return _base;
        }
        finally
        {
            _baseGate.Release();
        }
    }

    /// <summary>GET /v2/: any HTTP answer (200, 401, even 404) proves the scheme works.</summary>
    private async Task PingAsync(Uri baseUri, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(baseUri, "v2/"), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task AuthenticateAsync(IReadOnlyList<AuthChallenge> challenges, AuthenticationHeaderValue? rejected, CancellationToken cancellationToken)
    {
        var credential = Credential();
        var bearer = challenges.FirstOrDefault(c => c.IsBearer && c.Realm is not null);
        if (bearer is not null)
        {
            var token = await FetchTokenAsync(bearer, credential, cancellationToken).ConfigureAwait(false);
            lock (_authGate)
            {
                _authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return;
        }
        if (challenges.Any(c => c.IsBasic))
        {
            if (credential is null)
            {
                throw new ScanException(NeedCredentialsMessage());
            }
            var basic = BasicValue(credential);
            // The header we sent was refused already: sending it again would only fail again.
            if (rejected is not null && rejected.Scheme == "Basic" && rejected.Parameter == basic.Parameter)
            {
                throw new ScanException(FailedCredentialsMessage(credential, HttpStatusCode.Unauthorized));
            }
            lock (_authGate)
            {
                _authorization = basic;
            }
            return;
        }
        var schemes = challenges.Count == 0 ? "none" : string.Join(", ", challenges.Select(c => c.Scheme));
        throw new ScanException($"{_registry}: authentication required with an unsupported scheme ({Sanitize(schemes)})");
    }

    /// <summary>The token dance of the Docker token spec: GET realm?service=..&amp;scope=.. (with basic credentials when we have them).</summary>
    private async Task<string> FetchTokenAsync(AuthChallenge challenge, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
        {
            throw new ScanException($"{_registry}: the auth challenge names an invalid token realm '{Sanitize(challenge.Realm ?? string.Empty)}'");
        }
        if (realm.Scheme == Uri.UriSchemeHttp && credential is not null && !_options.Insecure)
        {
            throw new ScanException($"{_registry}: the token service {realm.Host} is plain http; refusing to send credentials without --insecure");
        }
        var scopes = new List<string> { $"repository:{_repository}:pull" };
        if (challenge.Scope is { Length: > 0 } asked && !scopes.Contains(asked))
        {
            scopes.Add(asked);
        }
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : string.Empty);
        if (challenge.Service is { Length: > 0 } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }
        foreach (var scope in scopes)
        {
            query.Append("scope=").Append(Uri.EscapeDataString(scope)).Append('&');
        }
        var tokenUri = new UriBuilder(realm) { Query = query.ToString().TrimEnd('&') }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
        if (credential is not null)
        {
            request.Headers.Authorization = BasicValue(credential);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw NetworkError(ex, tokenUri);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new ScanException(credential is null
                    ? NeedCredentialsMessage()
                    : FailedCredentialsMessage(credential, response.StatusCode));
            }
            await EnsureSuccessAsync(response, $"token service {realm.Host}", cancellationToken).ConfigureAwait(false);
            var body = await ReadCappedAsync(response.Content, MaxTokenResponseBytes,
                n => new LimitExceededException($"{_registry}: token response of {n}+ bytes is over the cap"), cancellationToken).ConfigureAwait(false);
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var name in new[] { "token", "access_token" })
                    {
                        if (doc.RootElement.TryGetProperty(name, out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } token)
                        {
                            return token;
                        }
                    }
                }
            }
            catch (JsonException)
            {
            }
            throw new ScanException($"{_registry}: the token service {realm.Host} answered without a token");
        }
    }

    /// <summary>--username/--password first, else the Docker config; looked up once.</summary>
    private RegistryCredential? Credential()
    {
        lock (_authGate)
        {
            if (_credentialLooked)
            {
                return _credential;
            }
            _credentialLooked = true;
            if (_options.Username is { Length: > 0 } user)
            {
                _credential = new RegistryCredential(user, _options.Password ?? string.Empty, "--username/--password");
            }
            else if (_options.UseDockerConfig && DockerConfig.Load(_options.DockerConfigPath) is { } config)
            {
                _credential = config.Find(_registry);
                _helper = _credential is null ? config.HelperFor(_registry) : null;
            }
            return _credential;
        }
    }

    private string NeedCredentialsMessage()
    {
        var helper = _helper is null
            ? string.Empty
            : $" (the Docker config keeps them in the credential helper docker-credential-{_helper}, which Seawall does not run)";
        return $"{_registry}: authentication required{helper}; pass --username and --password (or SEAWALL_USERNAME/SEAWALL_PASSWORD) or `docker login` to store them in the Docker config";
    }

    private string FailedCredentialsMessage(RegistryCredential credential, HttpStatusCode status) =>
        $"{_registry}: authentication failed for user '{Sanitize(credential.Username)}' from {credential.Source} (HTTP {(int)status}); check the user name and password";

    private static AuthenticationHeaderValue BasicValue(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private static List<AuthChallenge> Challenges(HttpResponseMessage response)
    {
        var list = new List<AuthChallenge>();
        if (response.Headers.TryGetValues("WWW-Authenticate", out var values))
        {
            foreach (var value in values)
            {
                list.AddRange(AuthChallenge.Parse(value));
            }
        }
        return list;
    }

    /// <summary>Turns a non-success status into one clear line, with the registry's own error code when it sent one.</summary>
    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var detail = await ErrorDetailAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var suffix = detail is null ? string.Empty : $": {detail}";
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new ScanException($"{what}: not found in registry {_registry} (HTTP 404{suffix})"),
            HttpStatusCode.Unauthorized => new ScanException(Credential() is { } c ? FailedCredentialsMessage(c, response.StatusCode) : NeedCredentialsMessage()),
            HttpStatusCode.Forbidden => new ScanException($"{what}: access denied by registry {_registry} (HTTP 403{suffix})"),
            HttpStatusCode.TooManyRequests => new ScanException($"{what}: registry {_registry} is rate limiting requests (HTTP 429{suffix}); try again later or log in"),
            _ => new ScanException($"{what}: registry {_registry} answered HTTP {status} {Sanitize(response.ReasonPhrase ?? string.Empty)}{suffix}"),
        };
    }

    /// <summary>The first entry of the registry's `{"errors":[{"code","message"}]}` body, sanitised to one short line.</summary>
    private static async Task<string?> ErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += n;
            }
            using var doc = JsonDocument.Parse(buffer.AsMemory(0, total));
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object)
            {
                var e = errors[0];
                var code = e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                var text = string.Join(" ", new[] { code, message }.Where(x => !string.IsNullOrEmpty(x)));
                return text.Length == 0 ? null : Sanitize(text);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            // No usable body: the status line alone has to do.
        }
        return null;
    }

    private ScanException NetworkError(HttpRequestException ex, Uri uri)
    {
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        if (FindInner<AuthenticationException>(ex) is { } tls)
        {
            var hint = _options.Insecure ? string.Empty : "; if you trust this registry and it serves plain http or a self-signed certificate, pass --insecure";
            return new ScanException($"TLS error talking to {host}: {Sanitize(tls.Message).TrimEnd('.')}{hint}", ex);
        }
        if (FindInner<SocketException>(ex) is { } socket)
        {
            return new ScanException($"cannot connect to {host}: {Sanitize(socket.Message)}", ex);
        }
        return new ScanException($"cannot reach {host}: {Describe(ex)}", ex);
    }

    private static string Describe(Exception ex)
    {
        // Socket errors repeat themselves in the outer message ("Connection refused (host:port)"); say it once.
        var inner = ex.InnerException is { } i && !ex.Message.Contains(i.Message, StringComparison.Ordinal) ? $" ({i.Message})" : string.Empty;
        return Sanitize(ex.Message + inner);
    }

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is T t)
            {
                return t;
            }
        }
        return null;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    internal static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    internal static async Task<byte[]> ReadCappedAsync(HttpContent content, long cap, Func<long, Exception> tooLarge, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is long length && length > cap)
        {
            throw tooLarge(length);
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > cap)
            {
                throw tooLarge(buffer.Length + n);
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static string Sha256(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Registry-supplied text goes into one stderr line: no control characters, bounded length.</summary>
    internal static string Sanitize(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return clean.Length > 200 ? clean[..200] + "..." : clean;
    }
}
