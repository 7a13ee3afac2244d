namespace Seawall.Misconfig.Kubernetes;

/// <summary>The tag and digest of an image reference; a port in the registry host is not a tag.</summary>
public sealed record ImageReference(string Name, string? Tag, string? Digest)
{
    public static ImageReference? Parse(string? image)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            return null;
        }
        string? digest = null;
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = image[(at + 1)..];
            image = image[..at];
        }
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? new ImageReference(image[..colon], image[(colon + 1)..], digest) : new ImageReference(image, null, digest);
    }
}
