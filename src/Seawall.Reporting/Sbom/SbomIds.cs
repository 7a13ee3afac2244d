using System.Security.Cryptography;
using System.Text;
using Seawall.Core.Model;

namespace Seawall.Reporting.Sbom;

/// <summary>Stable identifiers for SBOM documents: the same scan gives the same document, byte for byte.</summary>
public static class SbomIds
{
    public static string ToolVersion => typeof(SbomIds).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";

    /// <summary>
    /// A UUID derived from the report's content and the document's creation time (RFC 9562 layout, version 8: custom).
    /// The time is part of it because CycloneDX serial numbers and SPDX namespaces must differ between two runs on
    /// the same content; with SOURCE_DATE_EPOCH fixed, the same scan still gives the same document byte for byte.
    /// </summary>
    public static Guid DocumentUuid(ScanReport report, DateTimeOffset created)
    {
        var sb = new StringBuilder(report.Artifact.Name).Append('\n').Append(report.Artifact.Digest)
            .Append('\n').Append(created.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var p in report.Results.SelectMany(r => r.Packages))
        {
            sb.Append('\n').Append(p.Purl ?? p.Name + "@" + p.Version);
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>The document's creation time in whole seconds, as the documents print it.</summary>
    public static DateTimeOffset CreatedAt(TimeProvider time) => DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>All packages with a unique reference each; a purl seen twice (two databases) gets a suffix.</summary>
    public static List<(ScanResult Result, Package Package, string Ref)> Components(ScanReport report)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = new List<(ScanResult, Package, string)>();
        foreach (var result in report.Results)
        {
            foreach (var package in result.Packages)
            {
                var baseRef = package.Purl ?? $"{result.Type}:{package.Name}@{package.Version}";
                var n = seen.GetValueOrDefault(baseRef);
                seen[baseRef] = n + 1;
                list.Add((result, package, n == 0 ? baseRef : $"{baseRef}#{n}"));
            }
        }
        return list;
    }
}
