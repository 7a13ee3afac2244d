using System.Globalization;
using System.Text.Json;

namespace Seawall.Inventory.Sbom;

/// <summary>
/// CycloneDX JSON, spec 1.2 to 1.6 (cyclonedx.org/docs/1.6/json): metadata.component is the subject, components
/// (nested ones too) the packages, dependencies the graph. Fields Seawall does not use are not read.
/// </summary>
internal static class CycloneDxJsonParser
{
    public static SbomDocument Parse(JsonElement root, string specVersion)
    {
        var components = new List<SbomComponent>();
        var warnings = new List<string>();
        var refs = new HashSet<string>(StringComparer.Ordinal);
        SbomComponent? subject = null;
        if (SbomJson.Object(root, "metadata") is { } metadata && SbomJson.Object(metadata, "component") is { } top)
        {
            subject = Component(top, null, refs, 0);
        }
        void Collect(JsonElement parent, SbomComponent? owner)
        {
            foreach (var element in SbomJson.Array(parent, "components"))
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                // Nested components are a package's parts (a jar inside a war) or an application's packages.
                var component = Component(element, owner?.Kind == ComponentKind.Application ? owner.Ref : owner?.ParentRef, refs, components.Count);
                components.Add(component);
                Collect(element, component);
            }
        }
        Collect(root, null);

        var dependencies = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var dependency in SbomJson.Array(root, "dependencies"))
        {
            if (SbomJson.String(dependency, "ref") is { } from)
            {
                // 1.2 to 1.4 list {"ref": ...} objects under dependsOn in some producers; 1.5+ lists strings.
                var to = SbomJson.Array(dependency, "dependsOn")
                    .Select(d => d.ValueKind == JsonValueKind.String ? d.GetString() : SbomJson.String(d, "ref"))
                    .OfType<string>()
                    .ToList();
                dependencies[from] = dependencies.TryGetValue(from, out var existing) ? [.. existing, .. to] : to;
            }
        }
        return new SbomDocument
        {
            Format = "CycloneDX " + specVersion,
            Subject = subject,
            Components = components,
            Dependencies = dependencies,
            Warnings = warnings,
        };
    }

    private static SbomComponent Component(JsonElement element, string? parentRef, HashSet<string> refs, int index)
    {
        var bomRef = SbomJson.String(element, "bom-ref");
        // A missing or repeated bom-ref still gets a reference of its own, so nothing is merged by accident.
        if (string.IsNullOrEmpty(bomRef) || !refs.Add(bomRef))
        {
            bomRef = "seawall:component:" + index.ToString(CultureInfo.InvariantCulture);
            refs.Add(bomRef);
        }
        var properties = SbomJson.Array(element, "properties")
            .Select(p => (Name: SbomJson.String(p, "name"), Value: SbomJson.String(p, "value")))
            .Where(p => !string.IsNullOrEmpty(p.Name) && p.Value is not null)
            .Select(p => new KeyValuePair<string, string>(p.Name!, p.Value!))
            .ToList();
        return new SbomComponent
        {
            Ref = bomRef,
            Kind = SbomJson.String(element, "type") switch
            {
                "library" or "framework" => ComponentKind.Library,
                "application" => ComponentKind.Application,
                "operating-system" => ComponentKind.OperatingSystem,
                null => ComponentKind.Library,
                _ => ComponentKind.Other,
            },
            Name = SbomJson.String(element, "name"),
            Group = NullIfEmpty(SbomJson.String(element, "group")),
            Version = NullIfEmpty(SbomJson.String(element, "version")),
            Purl = NullIfEmpty(SbomJson.String(element, "purl")),
            Supplier = SbomJson.Object(element, "supplier") is { } supplier ? SbomJson.String(supplier, "name") : null,
            Licenses = Licenses(element),
            Properties = properties,
            ParentRef = parentRef,
        };
    }

    /// <summary>licenses[]: {license: {id | name}} or {expression}; each kept as written.</summary>
    private static List<string> Licenses(JsonElement element)
    {
        var licenses = new List<string>();
        foreach (var entry in SbomJson.Array(element, "licenses"))
        {
            if (SbomJson.Object(entry, "license") is { } license)
            {
                if ((SbomJson.String(license, "id") ?? SbomJson.String(license, "name")) is { Length: > 0 } value)
                {
                    licenses.Add(value);
                }
            }
            else if (SbomJson.String(entry, "expression") is { Length: > 0 } expression)
            {
                licenses.Add(expression);
            }
        }
        return licenses;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
