using Seawall.Core.Model;

namespace Seawall.Misconfig.Image;

/// <summary>
/// What the image config checks read, lifted out of the artifact layer's image config so Misconfig depends on Core only.
/// </summary>
public sealed record ImageFacts
{
    /// <summary>The name the user gave (a registry reference) or the archive's tag.</summary>
    public required string Name { get; init; }

    /// <summary>repo:tag names the image has (docker save's RepoTags).</summary>
    public IReadOnlyList<string> RepoTags { get; init; } = [];

    /// <summary>config.User; null or empty means root.</summary>
    public string? User { get; init; }

    /// <summary>config.Env, "NAME=value".</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>config.Healthcheck.Test; null when none is set.</summary>
    public IReadOnlyList<string>? Healthcheck { get; init; }

    public IReadOnlyList<string> Volumes { get; init; } = [];

    /// <summary>Each build step's created_by with the layer it made (null for steps that made none, or where history and layers disagree).</summary>
    public IReadOnlyList<(string? CreatedBy, LayerRef? Layer)> History { get; init; } = [];
}
