using System.Text.Json;

namespace Seawall.Inventory.Sbom;

/// <summary>
/// SPDX 2.2 and 2.3 JSON (spdx.github.io/spdx-spec/v2.3): packages with their purl external reference, DESCRIBES
/// for the subject, CONTAINS from an application for the lockfile a package was read from, DEPENDS_ON (and
/// DEPENDENCY_OF) for the graph. Trivy's attribution texts ("LayerDiffID: sha256:...") become the property names
/// Trivy writes in CycloneDX ("aquasecurity:trivy:LayerDiffID"), and Seawall's ("seawall:layer:index=1") its own,
/// so one mapping reads both formats.
/// </summary>
internal static class SpdxJsonParser
{
    private const string BuiltFrom = "built package from: ";

    public static SbomDocument Parse(JsonElement root, string spdxVersion)
    {
        var trivy = SbomJson.Object(root, "creationInfo") is { } info
            && SbomJson.Strings(info, "creators").Any(c => c.StartsWith("Tool: trivy", StringComparison.OrdinalIgnoreCase));
        var extracted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var license in SbomJson.Array(root, "hasExtractedLicensingInfos"))
        {
            if (SbomJson.String(license, "licenseId") is { } id && (SbomJson.String(license, "name") ?? SbomJson.String(license, "extractedText")) is { Length: > 0 } text)
            {
                extracted.TryAdd(id, text);
            }
        }

        var packages = new List<SbomComponent>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var element in SbomJson.Array(root, "packages"))
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var id = SbomJson.String(element, "SPDXID");
            if (string.IsNullOrEmpty(id) || byId.ContainsKey(id))
            {
                id = "seawall:package:" + packages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            byId[id] = packages.Count;
            packages.Add(Package(element, id, trivy, extracted));
        }

        var describes = new List<string>(SbomJson.Strings(root, "documentDescribes"));
        var dependencies = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var relationship in SbomJson.Array(root, "relationships"))
        {
            var from = SbomJson.String(relationship, "spdxElementId");
            var to = SbomJson.String(relationship, "relatedSpdxElement");
            if (from is null || to is null)
            {
                continue;
            }
            switch (SbomJson.String(relationship, "relationshipType"))
            {
                case "DESCRIBES":
                    describes.Add(to);
                    break;
                case "DESCRIBED_BY":
                    describes.Add(from);
                    break;
                case "CONTAINS" when byId.TryGetValue(from, out var parent) && packages[parent].Kind == ComponentKind.Application && byId.TryGetValue(to, out var child):
                    packages[child] = packages[child] with { ParentRef = packages[child].ParentRef ?? from };
                    break;
                case "DEPENDS_ON":
                    Add(dependencies, from, to);
                    break;
                case "DEPENDENCY_OF":
                    Add(dependencies, to, from);
                    break;
            }
        }
        // The subject is what the document describes; a document that describes several things has none.
        SbomComponent? subject = null;
        var described = describes.Distinct(StringComparer.Ordinal).Where(byId.ContainsKey).ToList();
        if (described is [var only])
        {
            subject = packages[byId[only]];
            packages.RemoveAt(byId[only]);
        }
        return new SbomDocument
        {
            Format = spdxVersion,
            Subject = subject,
            Components = packages,
            Dependencies = dependencies.ToDictionary(d => d.Key, d => (IReadOnlyList<string>)d.Value, StringComparer.Ordinal),
        };
    }

    private static void Add(Dictionary<string, List<string>> map, string from, string to)
    {
        if (!map.TryGetValue(from, out var list))
        {
            map[from] = list = [];
        }
        list.Add(to);
    }

    private static SbomComponent Package(JsonElement element, string id, bool trivy, Dictionary<string, string> extracted)
    {
        var kind = SbomJson.String(element, "primaryPackagePurpose") switch
        {
            null or "LIBRARY" or "FRAMEWORK" => ComponentKind.Library,
            "APPLICATION" => ComponentKind.Application,
            // Trivy writes the purpose with a hyphen.
            "OPERATING_SYSTEM" or "OPERATING-SYSTEM" => ComponentKind.OperatingSystem,
            _ => ComponentKind.Other,
        };
        var name = SbomJson.String(element, "name");
        var properties = new List<KeyValuePair<string, string>>();
        foreach (var text in SbomJson.Strings(element, "attributionTexts"))
        {
            if (text.StartsWith("seawall:", StringComparison.Ordinal) && text.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                properties.Add(new(text[..eq], text[(eq + 1)..]));
            }
            else if (trivy && text.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0 && text[..colon].All(char.IsAsciiLetterOrDigit))
            {
                properties.Add(new("aquasecurity:trivy:" + text[..colon], text[(colon + 2)..]));
            }
        }
        string? sourceName = null;
        string? sourceVersion = null;
        string? filePath = null;
        var sourceInfo = SbomJson.String(element, "sourceInfo");
        if (sourceInfo is not null && sourceInfo.StartsWith(BuiltFrom, StringComparison.Ordinal))
        {
            var rest = sourceInfo[BuiltFrom.Length..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            sourceName = space < 0 ? rest : rest[..space];
            sourceVersion = space < 0 ? null : rest[(space + 1)..].Trim();
        }
        else if (sourceInfo is not null && sourceInfo.StartsWith("acquired package info from ", StringComparison.Ordinal) && sourceInfo.IndexOf(": ", StringComparison.Ordinal) is var at and > 0)
        {
            // Syft: "acquired package info from DPKG DB: /var/lib/dpkg/status, /usr/share/doc/x/copyright".
            var paths = sourceInfo[(at + 2)..];
            var comma = paths.IndexOf(", ", StringComparison.Ordinal);
            filePath = (comma < 0 ? paths : paths[..comma]).Trim().TrimStart('/');
        }
        else if (trivy && kind == ComponentKind.Application && !string.IsNullOrEmpty(sourceInfo) && name is not null)
        {
            // Trivy's application: the name is the result type (npm, gomod), the source info its file.
            filePath = sourceInfo;
            properties.Add(new("aquasecurity:trivy:Type", name));
        }
        string? purl = null;
        foreach (var reference in SbomJson.Array(element, "externalRefs"))
        {
            if (SbomJson.String(reference, "referenceType") == "purl" && SbomJson.String(reference, "referenceLocator") is { Length: > 0 } locator)
            {
                purl = locator;
                break;
            }
        }
        var supplier = SbomJson.String(element, "supplier");
        if (supplier is not null && supplier.IndexOf(": ", StringComparison.Ordinal) is var s and > 0)
        {
            supplier = supplier[(s + 2)..];
        }
        var version = SbomJson.String(element, "versionInfo");
        return new SbomComponent
        {
            Ref = id,
            Kind = kind,
            Name = name,
            Version = string.IsNullOrEmpty(version) ? null : version,
            Purl = purl,
            Supplier = supplier is "NOASSERTION" or "NONE" ? null : supplier,
            Licenses = Licenses(SbomJson.String(element, "licenseDeclared"), extracted) is { Count: > 0 } declared ? declared : Licenses(SbomJson.String(element, "licenseConcluded"), extracted),
            Properties = properties,
            SourceName = sourceName,
            SourceVersion = string.IsNullOrEmpty(sourceVersion) ? null : sourceVersion,
            FilePath = filePath,
        };
    }

    /// <summary>The terms of a conjunctive licence expression; LicenseRef- ids by the text they stand for.</summary>
    private static List<string> Licenses(string? expression, Dictionary<string, string> extracted)
    {
        if (string.IsNullOrWhiteSpace(expression) || expression is "NOASSERTION" or "NONE")
        {
            return [];
        }
        // Only a plain "A AND B" list is split; an expression with OR or parentheses is one licence choice, kept whole.
        if (expression.Contains(" OR ", StringComparison.Ordinal) || expression.Contains('(', StringComparison.Ordinal))
        {
            return [expression];
        }
        return [.. expression.Split(" AND ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(term => extracted.GetValueOrDefault(term) ?? term)];
    }
}
