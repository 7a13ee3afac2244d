using System.Text;
using System.Text.Json;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Registry;

/// <summary>A user name and password for a registry, and where they came from (for messages; never the secret).</summary>
public sealed record RegistryCredential(string Username, string Password, string Source)
{
    // Keep the password out of logs and exception messages that format the record.
    public override string ToString() => $"{Username} (from {Source})";
}

/// <summary>
/// The `auths` part of Docker's client config (`$DOCKER_CONFIG/config.json`, default `~/.docker/config.json`):
/// entries with `auth` (base64 user:password) or `username`/`password`. Credential helpers (`credsStore`,
/// `credHelpers`) are external programs Seawall does not run; lookups report them so the error can say so.
/// </summary>
public sealed class DockerConfig
{
    private const int MaxConfigBytes = 1024 * 1024;

    private readonly Dictionary<string, JsonElement> _auths = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _credHelpers = new(StringComparer.OrdinalIgnoreCase);
    private readonly string? _credsStore;

    private DockerConfig(string path, JsonElement root)
    {
        Path = path;
        if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in auths.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Object)
                {
                    _auths[NormalizeKey(entry.Name)] = entry.Value.Clone();
                }
            }
        }
        if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in helpers.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String)
                {
                    _credHelpers[NormalizeKey(entry.Name)] = entry.Value.GetString()!;
                }
            }
        }
        if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String && store.GetString() is { Length: > 0 } s)
        {
            _credsStore = s;
        }
    }

    public string Path { get; }

    /// <summary>The config file's path: DOCKER_CONFIG (a directory) when set, else ~/.docker/config.json.</summary>
    public static string DefaultPath()
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(dir))
        {
            dir = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        }
        return System.IO.Path.Combine(dir, "config.json");
    }

    /// <summary>Loads the config; null when the file does not exist (anonymous access is then the only choice).</summary>
    public static DockerConfig? Load(string? path = null)
    {
        path ??= DefaultPath();
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }
        if (info.Length > MaxConfigBytes)
        {
            throw new LimitExceededException($"{path}: {info.Length} bytes is over the {MaxConfigBytes}-byte cap for a Docker config");
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ScanException($"{path}: not a JSON object");
            }
            return new DockerConfig(path, doc.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new ScanException($"{path}: not valid JSON ({ex.Message})");
        }
    }

    /// <summary>Credentials stored inline for the registry host, or null.</summary>
    public RegistryCredential? Find(string registryHost)
    {
        foreach (var key in KeysFor(registryHost))
        {
            if (!_auths.TryGetValue(key, out var entry))
            {
                continue;
            }
            if (Str(entry, "auth") is { Length: > 0 } auth)
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                }
                catch (FormatException)
                {
                    throw new ScanException($"{Path}: the auth entry for {key} is not valid base64");
                }
                var colon = decoded.IndexOf(':');
                if (colon <= 0)
                {
                    throw new ScanException($"{Path}: the auth entry for {key} is not user:password");
                }
                return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..], Path);
            }
            if (Str(entry, "username") is { Length: > 0 } user && Str(entry, "password") is { } password)
            {
                return new RegistryCredential(user, password, Path);
            }
        }
        return null;
    }

    /// <summary>The credential helper that holds this host's credentials (credHelpers, else credsStore), or null.</summary>
    public string? HelperFor(string registryHost)
    {
        foreach (var key in KeysFor(registryHost))
        {
            if (_credHelpers.TryGetValue(key, out var helper))
            {
                return helper;
            }
        }
        return _credsStore;
    }

    /// <summary>Config keys are written as `host`, `https://host`, or `https://host/v1/`; Docker Hub is `https://index.docker.io/v1/`.</summary>
    internal static string NormalizeKey(string key)
    {
        var k = key;
        if (k.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            k = k[8..];
        }
        else if (k.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            k = k[7..];
        }
        var slash = k.IndexOf('/');
        return slash >= 0 ? k[..slash] : k;
    }

    private static IEnumerable<string> KeysFor(string registryHost) =>
        registryHost == ImageReference.DockerHubRegistry
            ? ["index.docker.io", "docker.io", ImageReference.DockerHubRegistry]
            : [registryHost];

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
