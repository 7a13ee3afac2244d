using Seawall.Artifacts.Engine;
using Seawall.Artifacts.Registry;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Image;

/// <summary>Where an image named by reference may come from, tried in the order given (`--image-src docker,remote`).</summary>
public enum ImageSourceKind
{
    /// <summary>The local Docker Engine (`--docker-host`, DOCKER_HOST, default the unix socket).</summary>
    Docker,

    /// <summary>A registry (Distribution v2).</summary>
    Remote,
}

public sealed record ImageResolveOptions
{
    public static readonly IReadOnlyList<ImageSourceKind> DefaultSources = [ImageSourceKind.Docker, ImageSourceKind.Remote];

    public IReadOnlyList<ImageSourceKind> Sources { get; init; } = DefaultSources;

    /// <summary>`--docker-host`; null means DOCKER_HOST, else the default socket.</summary>
    public string? DockerHost { get; init; }

    public RegistryOptions Registry { get; init; } = new();

    public Platform? Platform { get; init; }

    /// <summary>Diagnostics for SEAWALL_DEBUG (which source was tried, whether the Engine exported).</summary>
    public Action<string>? Debug { get; init; }

    /// <summary>Problems worth a line on stderr that do not stop the scan (a daemon that refuses us, before the registry is tried).</summary>
    public Action<string>? Warn { get; init; }
}

/// <summary>
/// Finds an image by reference in each source in turn, like Trivy's `--image-src`: the first that has it wins.
/// A missing daemon is skipped quietly; when no source has the image, one line says what each said.
/// </summary>
public static class ImageSourceResolver
{
    public static IReadOnlyList<ImageSourceKind> ParseSources(IEnumerable<string> values)
    {
        var sources = new List<ImageSourceKind>();
        foreach (var item in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var kind = item.ToLowerInvariant() switch
            {
                "docker" => ImageSourceKind.Docker,
                "remote" => ImageSourceKind.Remote,
                "containerd" or "podman" => throw new ScanException($"--image-src {item} is not supported yet; use docker or remote"),
                _ => throw new ScanException($"invalid --image-src '{DockerHostText(item)}': expected a comma-separated list of docker and remote"),
            };
            if (!sources.Contains(kind))
            {
                sources.Add(kind);
            }
        }
        return sources.Count == 0 ? ImageResolveOptions.DefaultSources : sources;
    }

    public static async Task<IImageSource> OpenAsync(string reference, ImageResolveOptions options, CancellationToken cancellationToken)
    {
        // A malformed --docker-host is the user's mistake to hear about, not a reason to quietly try the registry.
        var host = options.Sources.Contains(ImageSourceKind.Docker) ? Engine.DockerHost.Resolve(options.DockerHost) : null;
        var failures = new List<(ImageSourceKind Kind, ScanException Error)>();
        foreach (var kind in options.Sources)
        {
            try
            {
                switch (kind)
                {
                    case ImageSourceKind.Docker:
                        options.Debug?.Invoke($"image-src docker: looking for {reference} at {host}");
                        var local = await EngineImageSource.OpenAsync(reference, host!, options.Platform, options.Debug, cancellationToken).ConfigureAwait(false);
                        if (local is not null)
                        {
                            return local;
                        }
                        failures.Add((kind, new ImageNotFoundException($"{reference}: no such image in the Docker Engine at {host}")));
                        break;
                    case ImageSourceKind.Remote:
                        options.Debug?.Invoke($"image-src remote: pulling {reference}");
                        return await RegistryImageSource.OpenAsync(reference, options.Registry, options.Platform, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (ScanException ex)
            {
                // Not found, or unusable here; the next source may have it.
                options.Debug?.Invoke($"image-src {Name(kind)}: {ex.Message}");
                if (ex is EngineUnavailableException { Absent: false } && options.Sources.Count > 1)
                {
                    options.Warn?.Invoke(ex.Message);
                }
                failures.Add((kind, ex));
            }
        }
        if (failures.Count == 1)
        {
            throw failures[0].Error;
        }
        throw new ScanException($"{reference}: not found in any image source ({string.Join("; ", failures.Select(f => $"{Name(f.Kind)}: {f.Error.Message}"))})");
    }

    private static string Name(ImageSourceKind kind) => kind.ToString().ToLowerInvariant();

    private static string DockerHostText(string s) => Engine.DockerHost.Printable(s);
}

/// <summary>The source answered, and it does not have the image.</summary>
public sealed class ImageNotFoundException(string message) : ScanException(message);
