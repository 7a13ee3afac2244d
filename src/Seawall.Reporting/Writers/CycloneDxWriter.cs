using System.Globalization;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Reporting.Sbom;

namespace Seawall.Reporting.Writers;

/// <summary>
/// CycloneDX 1.6 JSON (cyclonedx.org/docs/1.6/json). The image is metadata.component; the OS and each
/// package are components; the layer that brought a package in is a set of "seawall:layer:*" properties;
/// dependencies come from the package managers' own dependency fields; vulnerabilities, when the report has any,
/// are written by <see cref="CycloneDxVulnerabilities"/>.
/// </summary>
/// <param name="time">The clock the document is stamped with; by default SOURCE_DATE_EPOCH or the real time.</param>
public sealed class CycloneDxWriter(TimeProvider? time = null) : IReportWriter
{
    public string Format => "cyclonedx";

    public async Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken)
    {
        var components = SbomIds.Components(report);
        var created = SbomIds.CreatedAt(time ?? SourceDateEpochClock.FromEnvironment());
        var rootRef = "seawall:artifact:" + (report.Artifact.Digest ?? report.Artifact.Name);
        var osRef = report.Os is { } os ? $"seawall:os:{os.Family}@{os.Version}" : null;

        await using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        w.WriteString("bomFormat", "CycloneDX");
        w.WriteString("specVersion", "1.6");
        w.WriteString("serialNumber", "urn:uuid:" + SbomIds.DocumentUuid(report, created).ToString("D"));
        w.WriteNumber("version", 1);

        w.WriteStartObject("metadata");
        w.WriteString("timestamp", created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteStartObject("tools");
        w.WriteStartArray("components");
        w.WriteStartObject();
        w.WriteString("type", "application");
        w.WriteString("name", "seawall");
        w.WriteString("version", SbomIds.ToolVersion);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("component");
        w.WriteString("bom-ref", rootRef);
        w.WriteString("type", report.Artifact.Type == ArtifactType.ContainerImage ? "container" : "application");
        w.WriteString("name", report.Artifact.Name);
        var props = new List<(string, string)>();
        if (report.Artifact.Digest is { } digest)
        {
            props.Add(("seawall:image:id", digest));
        }
        props.AddRange(report.Artifact.RepoTags.Select(t => ("seawall:image:repoTag", t)));
        props.AddRange(report.Artifact.Layers.Select(l => ("seawall:image:diffId", l.DiffId)));
        WriteProperties(w, props);
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("components");
        if (report.Os is { } system)
        {
            w.WriteStartObject();
            w.WriteString("bom-ref", osRef);
            w.WriteString("type", "operating-system");
            w.WriteString("name", system.Family);
            w.WriteString("version", system.Version);
            if (system.Name is { } name)
            {
                w.WriteString("description", name);
            }
            w.WriteEndObject();
        }
        foreach (var (result, p, bomRef) in components)
        {
            w.WriteStartObject();
            w.WriteString("bom-ref", bomRef);
            w.WriteString("type", "library");
            w.WriteString("name", p.Name);
            w.WriteString("version", p.Version);
            if (p.Licenses.Count > 0)
            {
                w.WriteStartArray("licenses");
                // Two declared names can be one licence ("Apache-2" and "Apache-2.0"): list each once.
                foreach (var (isId, value) in p.Licenses.Select(l => LicenseNames.SpdxId(l) is { } id ? (true, id) : (false, l)).Distinct())
                {
                    w.WriteStartObject();
                    w.WriteStartObject("license");
                    w.WriteString(isId ? "id" : "name", value);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (p.Purl is { } purl)
            {
                w.WriteString("purl", purl);
            }
            var pp = new List<(string, string)> { ("seawall:package:type", result.Type) };
            if (p.SourceName is { } sn)
            {
                pp.Add(("seawall:package:sourceName", sn));
            }
            if (p.SourceVersion is { } sv)
            {
                pp.Add(("seawall:package:sourceVersion", sv));
            }
            if (p.FilePath is { } fp)
            {
                pp.Add(("seawall:package:filePath", fp));
            }
            if (p.Direct is { } direct)
            {
                pp.Add(("seawall:package:direct", direct ? "true" : "false"));
            }
            if (p.Dev)
            {
                pp.Add(("seawall:package:dev", "true"));
            }
            if (p.OwnedBy is { } owner)
            {
                pp.Add(("seawall:package:ownedBy", owner));
            }
            if (p.Layer is { } layer)
            {
                pp.Add(("seawall:layer:index", layer.Index.ToString(CultureInfo.InvariantCulture)));
                pp.Add(("seawall:layer:diffId", layer.DiffId));
                if (layer.CreatedBy is { } createdBy)
                {
                    pp.Add(("seawall:layer:createdBy", createdBy));
                }
            }
            WriteProperties(w, pp);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("dependencies");
        var topLevel = new List<string>();
        var osChildren = new List<string>();
        if (osRef is not null)
        {
            topLevel.Add(osRef);
        }
        foreach (var group in components.GroupBy(c => c.Result))
        {
            var resolve = DependencyIndex.For(group, c => c.Package, c => c.Ref);
            foreach (var (_, p, bomRef) in group)
            {
                var deps = p.DependsOn.Select(resolve).OfType<string>().Where(d => d != bomRef).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                WriteDependency(w, bomRef, deps);
            }
            // OS packages hang off the OS component, others off the artifact.
            (group.Key.Class == ResultClass.OsPackages && osRef is not null ? osChildren : topLevel).AddRange(group.Select(c => c.Ref));
        }
        if (osRef is not null)
        {
            WriteDependency(w, osRef, osChildren);
        }
        WriteDependency(w, rootRef, [.. topLevel.Distinct(StringComparer.Ordinal)]);
        w.WriteEndArray();
        CycloneDxVulnerabilities.Write(w, report, components);
        w.WriteEndObject();
        await w.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteDependency(Utf8JsonWriter w, string bomRef, List<string> dependsOn)
    {
        w.WriteStartObject();
        w.WriteString("ref", bomRef);
        w.WriteStartArray("dependsOn");
        foreach (var d in dependsOn)
        {
            w.WriteStringValue(d);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter w, List<(string Name, string Value)> properties)
    {
        if (properties.Count == 0)
        {
            return;
        }
        w.WriteStartArray("properties");
        foreach (var (name, value) in properties)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("value", value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
