using System.Globalization;
using System.Text;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Reporting.Sbom;

namespace Seawall.Reporting.Writers;

/// <summary>
/// SPDX 2.3 JSON (spdx.github.io/spdx-spec/v2.3). The document DESCRIBES the artifact, which CONTAINS the
/// OS and every package; package dependencies are DEPENDS_ON relationships; the layer goes in an annotation-free
/// "attributionTexts" line so it survives tools that drop comments.
/// </summary>
/// <param name="time">The clock the document is stamped with; by default SOURCE_DATE_EPOCH or the real time.</param>
public sealed class SpdxJsonWriter(TimeProvider? time = null) : IReportWriter
{
    public string Format => "spdx-json";

    public async Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken)
    {
        var components = SbomIds.Components(report);
        var created = SbomIds.CreatedAt(time ?? SourceDateEpochClock.FromEnvironment());
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < components.Count; i++)
        {
            ids[components[i].Ref] = $"SPDXRef-Package-{i + 1}";
        }
        const string rootId = "SPDXRef-Artifact";
        const string osId = "SPDXRef-OperatingSystem";
        var extracted = new SortedDictionary<string, string>(StringComparer.Ordinal);

        await using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("spdxVersion", "SPDX-2.3");
        w.WriteString("dataLicense", "CC0-1.0");
        w.WriteString("SPDXID", "SPDXRef-DOCUMENT");
        w.WriteString("name", report.Artifact.Name);
        w.WriteString("documentNamespace", $"https://seawall.dev/spdx/{NamespaceSlug(report.Artifact.Name)}-{SbomIds.DocumentUuid(report, created):D}");
        w.WriteStartObject("creationInfo");
        w.WriteStartArray("creators");
        w.WriteStringValue("Tool: seawall-" + SbomIds.ToolVersion);
        w.WriteEndArray();
        w.WriteString("created", created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteEndObject();

        w.WriteStartArray("packages");
        w.WriteStartObject();
        w.WriteString("name", report.Artifact.Name);
        w.WriteString("SPDXID", rootId);
        w.WriteString("downloadLocation", "NOASSERTION");
        w.WriteBoolean("filesAnalyzed", false);
        w.WriteString("primaryPackagePurpose", report.Artifact.Type == ArtifactType.ContainerImage ? "CONTAINER" : "FILE");
        if (report.Artifact.Digest is { } digest && digest.StartsWith("sha256:", StringComparison.Ordinal))
        {
            w.WriteStartArray("checksums");
            w.WriteStartObject();
            w.WriteString("algorithm", "SHA256");
            w.WriteString("checksumValue", digest[7..]);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (report.Os is { } os)
        {
            w.WriteStartObject();
            w.WriteString("name", os.Family);
            w.WriteString("SPDXID", osId);
            w.WriteString("versionInfo", os.Version);
            w.WriteString("downloadLocation", "NONE");
            w.WriteBoolean("filesAnalyzed", false);
            w.WriteString("primaryPackagePurpose", "OPERATING_SYSTEM");
            w.WriteEndObject();
        }
        foreach (var (result, p, bomRef) in components)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            w.WriteString("SPDXID", ids[bomRef]);
            w.WriteString("versionInfo", p.Version);
            w.WriteString("downloadLocation", "NONE");
            w.WriteBoolean("filesAnalyzed", false);
            w.WriteString("licenseConcluded", "NOASSERTION");
            w.WriteString("licenseDeclared", LicenseExpression(p.Licenses, extracted));
            w.WriteString("copyrightText", "NOASSERTION");
            w.WriteString("primaryPackagePurpose", "LIBRARY");
            if (p.SourceName is { } sourceName)
            {
                w.WriteString("sourceInfo", $"built package from: {sourceName} {p.SourceVersion}".TrimEnd());
            }
            if (p.Purl is { } purl)
            {
                w.WriteStartArray("externalRefs");
                w.WriteStartObject();
                w.WriteString("referenceCategory", "PACKAGE-MANAGER");
                w.WriteString("referenceType", "purl");
                w.WriteString("referenceLocator", purl);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            var attribution = new List<string> { $"seawall:package:type={result.Type}" };
            if (p.FilePath is { } fp)
            {
                attribution.Add($"seawall:package:filePath={fp}");
            }
            if (p.Layer is { } layer)
            {
                attribution.Add($"seawall:layer:index={layer.Index.ToString(CultureInfo.InvariantCulture)}");
                attribution.Add($"seawall:layer:diffId={layer.DiffId}");
                if (layer.CreatedBy is { } createdBy)
                {
                    attribution.Add($"seawall:layer:createdBy={createdBy}");
                }
            }
            w.WriteStartArray("attributionTexts");
            foreach (var a in attribution)
            {
                w.WriteStringValue(a);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        if (extracted.Count > 0)
        {
            w.WriteStartArray("hasExtractedLicensingInfos");
            foreach (var (licenseId, text) in extracted)
            {
                w.WriteStartObject();
                w.WriteString("licenseId", licenseId);
                w.WriteString("name", text);
                w.WriteString("extractedText", text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        w.WriteStartArray("relationships");
        Relationship(w, "SPDXRef-DOCUMENT", "DESCRIBES", rootId);
        if (report.Os is not null)
        {
            Relationship(w, rootId, "CONTAINS", osId);
        }
        foreach (var group in components.GroupBy(c => c.Result))
        {
            var resolve = DependencyIndex.For(group, c => c.Package, c => ids[c.Ref]);
            foreach (var (_, p, bomRef) in group)
            {
                Relationship(w, rootId, "CONTAINS", ids[bomRef]);
                foreach (var dep in p.DependsOn.Select(resolve).OfType<string>().Where(d => d != ids[bomRef]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    Relationship(w, ids[bomRef], "DEPENDS_ON", dep);
                }
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Known licences by SPDX id; the rest as LicenseRef- entries listed in hasExtractedLicensingInfos.</summary>
    private static string LicenseExpression(IReadOnlyList<string> licenses, SortedDictionary<string, string> extracted)
    {
        if (licenses.Count == 0)
        {
            return "NOASSERTION";
        }
        var parts = new List<string>();
        foreach (var license in licenses)
        {
            if (LicenseNames.SpdxId(license) is { } id)
            {
                parts.Add(id);
                continue;
            }
            parts.Add(LicenseRef(license, extracted));
        }
        return string.Join(" AND ", parts.Distinct(StringComparer.Ordinal));
    }

    /// <summary>
    /// The artifact name as a readable URI path segment ("registry.example:5000/app:1.0" becomes
    /// "registry.example-5000-app-1.0"); the UUID after it is what makes the namespace unique.
    /// </summary>
    private static string NamespaceSlug(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_')
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
            if (sb.Length >= 100)
            {
                break;
            }
        }
        var slug = sb.ToString().Trim('-', '.');
        return slug.Length > 0 ? slug : "artifact";
    }

    /// <summary>
    /// A LicenseRef- id for a licence SPDX has no id for, listed in hasExtractedLicensingInfos. Two names that
    /// spell to the same id ("public domain", "public-domain") get numbered ids, so neither text is lost.
    /// </summary>
    private static string LicenseRef(string license, SortedDictionary<string, string> extracted)
    {
        var sb = new StringBuilder("LicenseRef-");
        foreach (var c in license)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
        }
        var baseId = sb.ToString();
        var refId = baseId;
        for (var n = 2; extracted.TryGetValue(refId, out var existing) && existing != license; n++)
        {
            refId = $"{baseId}-{n.ToString(CultureInfo.InvariantCulture)}";
        }
        extracted[refId] = license;
        return refId;
    }

    private static void Relationship(Utf8JsonWriter w, string from, string type, string to)
    {
        w.WriteStartObject();
        w.WriteString("spdxElementId", from);
        w.WriteString("relationshipType", type);
        w.WriteString("relatedSpdxElement", to);
        w.WriteEndObject();
    }
}
