using Seawall.Core.Model;
using Seawall.Vulnerabilities.Filtering;

namespace Seawall.Vulnerabilities.Vex;

/// <summary>
/// A product a VEX statement speaks of: a package URL and/or an opaque id (OpenVEX @id, a CycloneDX bom-ref that is
/// no purl), with the subcomponents it names (OpenVEX: an image product and the packages inside it).
/// </summary>
public sealed record VexProduct(PurlPattern? Purl, string? Id)
{
    public IReadOnlyList<VexProduct> Subcomponents { get; init; } = [];
}

/// <summary>One statement of a VEX document, format-neutral: OpenVEX and CycloneDX both read into it.</summary>
/// <param name="VulnerabilityIds">The vulnerability's name and aliases; a finding matches on its id or any alias.</param>
/// <param name="Source">The file it came from.</param>
public sealed record VexStatement(IReadOnlyList<string> VulnerabilityIds, IReadOnlyList<VexProduct> Products, VexStatus Status, string Source)
{
    public string? Justification { get; init; }
    public string? Statement { get; init; }
    public string? Action { get; init; }
    /// <summary>When the statement (or its document) was made: a later statement about the same finding wins.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Whether the statement speaks of this finding of this artifact.</summary>
    public bool Applies(DetectedVulnerability vulnerability, ArtifactInfo artifact)
    {
        if (!VulnerabilityIds.Any(id => id.Equals(vulnerability.Id, StringComparison.OrdinalIgnoreCase)
            || vulnerability.Aliases.Contains(id, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }
        var package = PurlPattern.TryParse(vulnerability.PackagePurl, out var parsed) ? parsed : null;
        foreach (var product in Products)
        {
            if (NamesPackage(product, package, vulnerability.PackagePurl))
            {
                return true;
            }
            if (product.Subcomponents.Count > 0 && NamesArtifact(product, artifact)
                && product.Subcomponents.Any(s => NamesPackage(s, package, vulnerability.PackagePurl)))
            {
                return true;
            }
        }
        return false;
    }

    private static bool NamesPackage(VexProduct product, PurlPattern? package, string? packagePurl) =>
        (product.Purl is { } purl && package is not null && purl.Matches(package))
        || (product.Id is { } id && packagePurl is not null && id.Equals(packagePurl, StringComparison.Ordinal));

    /// <summary>
    /// An image product: a pkg:oci purl whose version is the image's digest (config or a repo digest), or, without a
    /// version, whose name is the image's repository name; or an @id equal to the artifact's name or digest.
    /// </summary>
    private static bool NamesArtifact(VexProduct product, ArtifactInfo artifact)
    {
        var digests = artifact.RepoDigests.Select(d => d[(d.IndexOf('@', StringComparison.Ordinal) + 1)..])
            .Append(artifact.Digest).OfType<string>();
        if (product.Purl is { Type: "oci" } oci)
        {
            if (oci.Version is { } digest)
            {
                return digests.Contains(digest, StringComparer.OrdinalIgnoreCase);
            }
            return artifact.RepoTags.Append(artifact.Name).Any(n => RepositoryName(n).Equals(oci.Name, StringComparison.OrdinalIgnoreCase));
        }
        if (product.Id is { } id)
        {
            return id.Equals(artifact.Name, StringComparison.Ordinal) || digests.Contains(id, StringComparer.OrdinalIgnoreCase)
                || artifact.RepoTags.Contains(id, StringComparer.Ordinal);
        }
        return false;
    }

    /// <summary>"registry:5000/team/app:1.0" is the repository "app" (the pkg:oci name is the last path segment).</summary>
    private static string RepositoryName(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            reference = reference[..at];
        }
        var slash = reference.LastIndexOf('/');
        var last = reference[(slash + 1)..];
        var colon = last.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? last[..colon] : last;
    }
}
