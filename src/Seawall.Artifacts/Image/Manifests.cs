using System.Text.Json;
using Seawall.Core.Errors;

namespace Seawall.Artifacts.Image;

/// <summary>A content descriptor (OCI image-spec descriptor.md).</summary>
public sealed record Descriptor(string MediaType, string Digest, long Size, Platform? Platform, IReadOnlyDictionary<string, string> Annotations)
{
    public string? RefName => Annotations.GetValueOrDefault("org.opencontainers.image.ref.name");
}

/// <summary>os/architecture[/variant], as in `--platform linux/arm64/v8`.</summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    public static Platform Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            throw new ScanException($"invalid platform '{text}': expected os/arch[/variant], for example linux/amd64");
        }
        return new Platform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
    }

    /// <summary>The platform of the machine Seawall runs on, which is what `docker pull` picks by default.</summary>
    public static Platform Current => new("linux", System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        _ => "amd64",
    });

    public bool Matches(Platform? other)
    {
        if (other is null)
        {
            return false;
        }
        if (!string.Equals(Os, other.Os, StringComparison.OrdinalIgnoreCase) || !string.Equals(Architecture, other.Architecture, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // No variant asked: any variant of the architecture will do (arm64 is v8 by default).
        return Variant is null || string.Equals(Variant, other.Variant, StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}

/// <summary>An image manifest (OCI or Docker schema 2) or an index (OCI index or Docker manifest list).</summary>
public sealed record ManifestDocument(string MediaType, Descriptor? Config, IReadOnlyList<Descriptor> Layers, IReadOnlyList<Descriptor> Manifests)
{
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    public bool IsIndex => Manifests.Count > 0 || MediaType is OciIndex or DockerManifestList;

    public static ManifestDocument Parse(ReadOnlySpan<byte> json, string what, string? mediaTypeHint = null)
    {
        if (json.Length > MaxManifestBytes)
        {
            throw new LimitExceededException($"{what}: manifest of {json.Length} bytes is over the {MaxManifestBytes}-byte cap");
        }
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ScanException($"{what}: manifest is not a JSON object");
            }
            var mediaType = Str(root, "mediaType") ?? mediaTypeHint ?? string.Empty;
            if (root.TryGetProperty("schemaVersion", out var sv) && sv.ValueKind == JsonValueKind.Number && sv.TryGetInt32(out var version) && version == 1)
            {
                throw new ScanException($"{what}: Docker schema 1 manifests are deprecated and not supported");
            }
            Descriptor? config = root.TryGetProperty("config", out var c) ? ParseDescriptor(c, what) : null;
            var layers = root.TryGetProperty("layers", out var l) && l.ValueKind == JsonValueKind.Array
                ? l.EnumerateArray().Select(x => ParseDescriptor(x, what)).ToList() : [];
            var manifests = root.TryGetProperty("manifests", out var m) && m.ValueKind == JsonValueKind.Array
                ? m.EnumerateArray().Select(x => ParseDescriptor(x, what)).ToList() : [];
            if (mediaType.Length == 0)
            {
                mediaType = manifests.Count > 0 ? OciIndex : OciManifest;
            }
            return new ManifestDocument(mediaType, config, layers, manifests);
        }
        catch (JsonException ex)
        {
            throw new ScanException($"{what}: manifest is not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException ex)
        {
            throw new ScanException($"{what}: malformed manifest ({ex.Message})");
        }
    }

    /// <summary>
    /// Picks the manifest for a platform from an index. Attestation manifests (unknown/unknown) are never picked.
    /// With no platform asked, a single image is taken as is and otherwise the host's platform is used.
    /// </summary>
    public Descriptor SelectPlatform(Platform? wanted, string what)
    {
        var images = Manifests.Where(d => d.Platform is null || d.Platform.Os != "unknown").ToList();
        if (wanted is null && images.Count == 1)
        {
            return images[0];
        }
        var platform = wanted ?? Platform.Current;
        var match = images.FirstOrDefault(d => platform.Matches(d.Platform));
        if (match is null)
        {
            var available = string.Join(", ", images.Select(d => d.Platform?.ToString() ?? "(no platform)"));
            throw new ScanException($"{what}: no image for platform {platform} (available: {available}); choose one with --platform");
        }
        return match;
    }

    internal static Descriptor ParseDescriptor(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new ScanException($"{what}: a descriptor is not a JSON object");
        }
        var digest = Str(e, "digest") ?? throw new ScanException($"{what}: a descriptor has no digest");
        ValidateDigest(digest, what);
        Platform? platform = null;
        if (e.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            platform = new Platform(Str(p, "os") ?? string.Empty, Str(p, "architecture") ?? string.Empty, Str(p, "variant"));
        }
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            foreach (var prop in a.EnumerateObject())
            {
                if (prop.Value.ValueKind == JsonValueKind.String)
                {
                    annotations[prop.Name] = prop.Value.GetString()!;
                }
            }
        }
        var size = e.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var sz) ? sz : -1;
        return new Descriptor(Str(e, "mediaType") ?? string.Empty, digest, size, platform, annotations);
    }

    /// <summary>Digests name files and URLs: only "sha256:" + 64 lower-case hex is accepted.</summary>
    public static void ValidateDigest(string digest, string what)
    {
        if (!digest.StartsWith("sha256:", StringComparison.Ordinal) || digest.Length != 71 || !digest.AsSpan(7).ContainsOnlyHex())
        {
            throw new ScanException($"{what}: invalid or unsupported digest '{(digest.Length > 80 ? digest[..80] : digest)}'");
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

internal static class HexExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
