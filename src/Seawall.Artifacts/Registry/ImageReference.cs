using System.Text.RegularExpressions;
using Seawall.Artifacts.Image;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Registry;

/// <summary>
/// A parsed image reference: registry host, repository, tag and/or digest, with Docker's defaults
/// (`alpine` is registry-1.docker.io/library/alpine:latest). Grammar: distribution/reference (reference.go, normalize.go).
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>The host Docker Hub's API answers on; `docker.io` and `index.docker.io` are names for it.</summary>
    public const string DockerHubRegistry = "registry-1.docker.io";

    private const int MaxNameLength = 255;

    /// <summary>What to ask the registry for: a digest pins content, so it wins over a tag.</summary>
    public string ManifestReference => Digest ?? Tag ?? "latest";

    public bool IsDockerHub => Registry == DockerHubRegistry;

    /// <summary>The short name Docker shows: `alpine`, `user/app`, `host:5000/app`.</summary>
    public string FamiliarRepository => IsDockerHub
        ? Repository.StartsWith("library/", StringComparison.Ordinal) && Repository.IndexOf('/', 8) < 0 ? Repository[8..] : Repository
        : $"{Registry}/{Repository}";

    public string? FamiliarTag => Tag is null ? null : $"{FamiliarRepository}:{Tag}";

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? string.Empty : ":" + Tag)}{(Digest is null ? string.Empty : "@" + Digest)}";

    public static ImageReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text.Length > 1024 || text.Any(char.IsWhiteSpace) || text.Any(char.IsControl))
        {
            throw new ScanException($"invalid image reference '{Shorten(text)}'");
        }
        var rest = text;
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            ManifestDocument.ValidateDigest(digest, $"image reference '{Shorten(text)}'");
        }
        string? tag = null;
        var lastColon = rest.LastIndexOf(':');
        if (lastColon > rest.LastIndexOf('/'))
        {
            tag = rest[(lastColon + 1)..];
            rest = rest[..lastColon];
            if (!TagPattern().IsMatch(tag))
            {
                throw new ScanException($"invalid tag '{Shorten(tag)}' in image reference '{Shorten(text)}'");
            }
        }
        var (registry, repository) = SplitDomain(rest);
        if (registry is "docker.io" or "index.docker.io")
        {
            registry = DockerHubRegistry;
        }
        if (registry == DockerHubRegistry && !repository.Contains('/'))
        {
            repository = "library/" + repository;
        }
        if (!HostPattern().IsMatch(registry))
        {
            throw new ScanException($"invalid registry host '{Shorten(registry)}' in image reference '{Shorten(text)}'");
        }
        if (repository.Any(char.IsAsciiLetterUpper))
        {
            throw new ScanException($"invalid image reference '{Shorten(text)}': repository names must be lowercase");
        }
        if (!RepositoryPattern().IsMatch(repository) || repository.Length > MaxNameLength)
        {
            throw new ScanException($"invalid repository name '{Shorten(repository)}' in image reference '{Shorten(text)}'");
        }
        // Neither tag nor digest means latest, as in `docker pull`.
        if (tag is null && digest is null)
        {
            tag = "latest";
        }
        return new ImageReference(registry, repository, tag, digest);
    }

    /// <summary>The first path component is a host when it looks like one (has a dot or a port, or is localhost), as Docker decides.</summary>
    private static (string Registry, string Repository) SplitDomain(string name)
    {
        var slash = name.IndexOf('/');
        if (slash < 0)
        {
            return ("docker.io", name);
        }
        var first = name[..slash];
        if (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsAsciiLetterUpper) || first.StartsWith('['))
        {
            return (first, name[(slash + 1)..]);
        }
        return ("docker.io", name);
    }

    /// <summary>The user's text goes back into a one-line error: bounded, without control characters.</summary>
    private static string Shorten(string s)
    {
        var clean = new string([.. s.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length > 80 ? clean[..80] + "..." : clean;
    }

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    // Components: lower-case alphanumerics separated by '.', '_', '__' or dashes (distribution/reference grammar).
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    // A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.
    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();
}
