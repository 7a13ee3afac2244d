namespace Seawall.Artifacts.Registry;

/// <summary>How to reach a registry: credentials and transport security.</summary>
public sealed record RegistryOptions
{
    /// <summary>Basic credentials given by the user; they win over the Docker config.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Allow plain http and certificates that do not validate. Off by default: TLS with full validation.</summary>
    public bool Insecure { get; init; }

    /// <summary>The Docker client config to read credentials from; null: $DOCKER_CONFIG/config.json or ~/.docker/config.json.</summary>
    public string? DockerConfigPath { get; init; }

    /// <summary>Whether to look in the Docker client config at all.</summary>
    public bool UseDockerConfig { get; init; } = true;

    /// <summary>How long to wait for a TCP/TLS connection; the whole scan is bounded by the caller's token.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
