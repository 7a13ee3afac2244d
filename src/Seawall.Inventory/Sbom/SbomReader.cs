using System.Text;
using System.Text.Json;
using Seawall.Core.Errors;
using Seawall.Core.Model;

namespace Seawall.Inventory.Sbom;

/// <summary>
/// Reads an SBOM file (CycloneDX 1.2 to 1.6 JSON, SPDX 2.2 and 2.3 JSON) into the report a scan of the
/// artifact it describes would give. Lives beside the analyzers because it names packages their way
/// (the purl to ecosystem and name mapping, the result types) and reuses their rules for grouping.
/// </summary>
public static class SbomReader
{
    /// <summary>Real SBOMs of large images are tens of megabytes; a parsed document takes a few times its size in memory.</summary>
    public const long MaxFileSize = 256L * 1024 * 1024;

    public static async Task<ScanReport> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new ScanException(Directory.Exists(path) ? $"{path}: is a directory, not an SBOM file" : $"{path}: no such file");
        }
        byte[] content;
        try
        {
            content = await ReadCappedAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ScanException($"{path}: {ex.Message}", ex);
        }
        var document = Parse(content, path);
        return SbomInventory.ToReport(document, new ArtifactInfo(Path.GetFullPath(path), ArtifactType.Sbom));
    }

    /// <summary>Reads at most the cap and one byte more, so a file that grows or a device that never ends is refused too.</summary>
    private static async Task<byte[]> ReadCappedAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.CanSeek && stream.Length > MaxFileSize)
            {
                throw new LimitExceededException($"{path}: {stream.Length / (1024 * 1024)} MB is over the {MaxFileSize / (1024 * 1024)} MB limit for an SBOM");
            }
            using var buffer = new MemoryStream(stream.CanSeek ? (int)stream.Length : 81920);
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxFileSize)
                {
                    throw new LimitExceededException($"{path}: over the {MaxFileSize / (1024 * 1024)} MB limit for an SBOM");
                }
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
    }

    /// <summary>Parses SBOM content; <paramref name="name"/> names it in errors. Internal for the tests.</summary>
    internal static SbomDocument Parse(byte[] content, string name)
    {
        var span = content.AsSpan();
        if (span.StartsWith(Encoding.UTF8.Preamble))
        {
            span = span[Encoding.UTF8.Preamble.Length..];
        }
        var start = 0;
        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }
        if (start == span.Length)
        {
            throw new ScanException($"{name}: empty file, not an SBOM");
        }
        return span[start] switch
        {
            (byte)'{' or (byte)'[' => ParseJson(content, name),
            (byte)'<' => throw new ScanException($"{name}: an XML document; only JSON SBOMs are read (CycloneDX or SPDX)"),
            _ => throw new ScanException($"{name}: not a CycloneDX or SPDX JSON document"),
        };
    }

    private static SbomDocument ParseJson(byte[] content, string name)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } l ? $" at line {(l + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}" : string.Empty;
            throw new ScanException($"{name}: invalid JSON{line}: {JsonMessage(ex)}", ex);
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ScanException($"{name}: not a CycloneDX or SPDX document (the JSON is not an object)");
            }
            if (SbomJson.String(root, "bomFormat") is { } bomFormat)
            {
                if (!bomFormat.Equals("CycloneDX", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ScanException($"{name}: bomFormat '{Clip(bomFormat)}' is not CycloneDX");
                }
                var spec = SbomJson.String(root, "specVersion") ?? throw new ScanException($"{name}: CycloneDX document without a specVersion");
                var warnings = new List<string>();
                if (!IsSupportedCycloneDx(spec, out var newer))
                {
                    throw new ScanException($"{name}: CycloneDX {Clip(spec)} is not supported (1.2 to 1.6 are)");
                }
                if (newer)
                {
                    warnings.Add($"{name}: CycloneDX {spec} is newer than 1.6; read as 1.6");
                }
                var document = CycloneDxJsonParser.Parse(root, spec);
                return document with { Warnings = [.. warnings, .. document.Warnings] };
            }
            if (SbomJson.String(root, "spdxVersion") is { } spdxVersion)
            {
                if (spdxVersion is not ("SPDX-2.2" or "SPDX-2.3" or "SPDX-2.1"))
                {
                    throw new ScanException($"{name}: {Clip(spdxVersion)} is not supported (SPDX-2.2 and SPDX-2.3 are)");
                }
                return SpdxJsonParser.Parse(root, spdxVersion);
            }
            if (root.TryGetProperty("@context", out var context) && context.ToString().Contains("spdx", StringComparison.OrdinalIgnoreCase))
            {
                throw new ScanException($"{name}: an SPDX 3 (JSON-LD) document; SPDX 2.2 and 2.3 are supported");
            }
            throw new ScanException($"{name}: not a CycloneDX or SPDX document (no bomFormat or spdxVersion)");
        }
    }

    /// <summary>1.x with x from 2 (the first JSON CycloneDX); later 1.x minors read as 1.6 with a warning.</summary>
    private static bool IsSupportedCycloneDx(string spec, out bool newer)
    {
        newer = false;
        var parts = spec.Split('.');
        if (parts.Length != 2 || parts[0] != "1" || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minor) || minor < 2)
        {
            return false;
        }
        newer = minor > 6;
        return true;
    }

    /// <summary>System.Text.Json's message without its position trailer (the line is given apart) and on one line.</summary>
    private static string JsonMessage(JsonException ex)
    {
        var message = ex.Message;
        foreach (var trailer in new[] { " Path: ", " LineNumber: " })
        {
            var cut = message.IndexOf(trailer, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }
        return Languages.LanguageResults.OneLine(message.TrimEnd('.', ' '));
    }

    /// <summary>A value from the document quoted in an error: one line and short.</summary>
    private static string Clip(string value) => Languages.LanguageResults.OneLine(value.Length > 40 ? value[..40] + "..." : value);
}
