using System.Globalization;
using System.Text.Json;
using Seawall.Core.Errors;
using Seawall.Core.Model;
using Seawall.Vulnerabilities.Filtering;

namespace Seawall.Vulnerabilities.Vex;

/// <summary>
/// Reads VEX documents (--vex): OpenVEX 0.2.0 (openvex.dev/ns, also the older string forms of vulnerability and
/// products) and CycloneDX VEX (a BOM whose vulnerabilities carry an analysis). The format is told from the content.
/// </summary>
public static class VexDocuments
{
    /// <summary>VEX documents for a large image list thousands of statements; past this it is not a VEX file.</summary>
    public const long MaxBytes = 64 * 1024 * 1024;

    public static IReadOnlyList<VexStatement> Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ScanException($"{path}: VEX file not found");
        }
        if (info.Length > MaxBytes)
        {
            throw new LimitExceededException($"{path}: VEX file is {info.Length} bytes, more than the {MaxBytes} allowed");
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    public static IReadOnlyList<VexStatement> Parse(ReadOnlyMemory<byte> json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ScanException($"{source}: not valid JSON ({ex.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ScanException($"{source}: not a VEX document (expected a JSON object)");
            }
            if (String(root, "@context") is { } context && context.Contains("openvex", StringComparison.OrdinalIgnoreCase))
            {
                return OpenVex(root, source);
            }
            if (String(root, "bomFormat") == "CycloneDX")
            {
                return CycloneDx(root, source);
            }
            throw new ScanException($"{source}: neither OpenVEX (@context openvex.dev) nor CycloneDX (bomFormat CycloneDX)");
        }
    }

    private static List<VexStatement> OpenVex(JsonElement root, string source)
    {
        var documentTime = Time(root, "last_updated") ?? Time(root, "timestamp");
        var statements = new List<VexStatement>();
        if (!root.TryGetProperty("statements", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new ScanException($"{source}: OpenVEX document without a statements list");
        }
        var n = 0;
        foreach (var s in list.EnumerateArray())
        {
            n++;
            var where = $"{source}: statement {n.ToString(CultureInfo.InvariantCulture)}";
            if (s.ValueKind != JsonValueKind.Object)
            {
                throw new ScanException($"{where}: not an object");
            }
            var ids = new List<string>();
            if (s.TryGetProperty("vulnerability", out var vuln))
            {
                if (vuln.ValueKind == JsonValueKind.String)
                {
                    ids.Add(vuln.GetString()!);
                }
                else if (vuln.ValueKind == JsonValueKind.Object)
                {
                    AddIfPresent(ids, String(vuln, "name"));
                    AddIfPresent(ids, String(vuln, "@id"));
                    ids.AddRange(Strings(vuln, "aliases"));
                }
            }
            if (ids.Count == 0)
            {
                throw new ScanException($"{where}: no vulnerability name");
            }
            var status = String(s, "status") switch
            {
                "not_affected" => VexStatus.NotAffected,
                "affected" => VexStatus.Affected,
                "fixed" => VexStatus.Fixed,
                "under_investigation" => VexStatus.UnderInvestigation,
                var other => throw new ScanException($"{where}: unknown status '{other}' (not_affected, affected, fixed, under_investigation)"),
            };
            var products = new List<VexProduct>();
            if (s.TryGetProperty("products", out var productList) && productList.ValueKind == JsonValueKind.Array)
            {
                foreach (var p in productList.EnumerateArray())
                {
                    if (OpenVexProduct(p) is { } product)
                    {
                        products.Add(product with
                        {
                            Subcomponents = p.ValueKind == JsonValueKind.Object && p.TryGetProperty("subcomponents", out var subs) && subs.ValueKind == JsonValueKind.Array
                                ? [.. subs.EnumerateArray().Select(OpenVexProduct).OfType<VexProduct>()]
                                : [],
                        });
                    }
                }
            }
            statements.Add(new VexStatement(ids, products, status, source)
            {
                Justification = String(s, "justification"),
                Statement = String(s, "impact_statement") ?? String(s, "status_notes"),
                Action = String(s, "action_statement"),
                Timestamp = Time(s, "last_updated") ?? Time(s, "timestamp") ?? documentTime,
            });
        }
        return statements;
    }

    /// <summary>A product or subcomponent: its identifiers.purl, else an @id that is a purl, else the @id as an opaque name.</summary>
    private static VexProduct? OpenVexProduct(JsonElement p)
    {
        if (p.ValueKind == JsonValueKind.String)
        {
            var text = p.GetString()!;
            return new VexProduct(PurlPattern.TryParse(text, out var purl) ? purl : null, text);
        }
        if (p.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var id = String(p, "@id");
        var purlText = p.TryGetProperty("identifiers", out var identifiers) && identifiers.ValueKind == JsonValueKind.Object ? String(identifiers, "purl") : null;
        var pattern = PurlPattern.TryParse(purlText, out var fromIdentifiers) ? fromIdentifiers
            : PurlPattern.TryParse(id, out var fromId) ? fromId : null;
        return pattern is null && id is null ? null : new VexProduct(pattern, id);
    }

    private static List<VexStatement> CycloneDx(JsonElement root, string source)
    {
        var purls = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("component", out var main))
        {
            CollectPurls(main, purls, 0);
        }
        if (root.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in components.EnumerateArray())
            {
                CollectPurls(c, purls, 0);
            }
        }
        var documentTime = metadata.ValueKind == JsonValueKind.Object ? Time(metadata, "timestamp") : null;
        var statements = new List<VexStatement>();
        if (!root.TryGetProperty("vulnerabilities", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new ScanException($"{source}: CycloneDX document without vulnerabilities: not a VEX");
        }
        foreach (var v in list.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Object || String(v, "id") is not { } id
                || !v.TryGetProperty("analysis", out var analysis) || analysis.ValueKind != JsonValueKind.Object)
            {
                // A vulnerability without an analysis says nothing about exploitability.
                continue;
            }
            VexStatus? status = String(analysis, "state") switch
            {
                "not_affected" or "false_positive" => VexStatus.NotAffected,
                "resolved" or "resolved_with_pedigree" => VexStatus.Fixed,
                "exploitable" => VexStatus.Affected,
                "in_triage" => VexStatus.UnderInvestigation,
                null => null,
                var other => throw new ScanException($"{source}: {id}: unknown analysis state '{other}'"),
            };
            if (status is null)
            {
                continue;
            }
            var ids = new List<string> { id };
            if (v.TryGetProperty("references", out var refs) && refs.ValueKind == JsonValueKind.Array)
            {
                ids.AddRange(refs.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object).Select(r => String(r, "id")).OfType<string>());
            }
            var products = new List<VexProduct>();
            if (v.TryGetProperty("affects", out var affects) && affects.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in affects.EnumerateArray())
                {
                    if (a.ValueKind == JsonValueKind.Object && String(a, "ref") is { } reference)
                    {
                        var bomRef = BomLinkTarget(reference);
                        var purlText = purls.GetValueOrDefault(bomRef) ?? bomRef;
                        products.Add(new VexProduct(PurlPattern.TryParse(purlText, out var purl) ? purl : null, bomRef));
                    }
                }
            }
            var responses = analysis.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Array
                ? string.Join(", ", response.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()))
                : null;
            statements.Add(new VexStatement(ids, products, status.Value, source)
            {
                Justification = String(analysis, "justification"),
                Statement = String(analysis, "detail"),
                Action = string.IsNullOrEmpty(responses) ? null : responses,
                Timestamp = Time(analysis, "lastUpdated") ?? Time(analysis, "firstIssued") ?? documentTime,
            });
        }
        return statements;
    }

    /// <summary>bom-ref to purl for a component and its nested components (depth-capped: the input is not trusted).</summary>
    private static void CollectPurls(JsonElement component, Dictionary<string, string> purls, int depth)
    {
        if (component.ValueKind != JsonValueKind.Object || depth > 32)
        {
            return;
        }
        if (String(component, "bom-ref") is { } bomRef && String(component, "purl") is { } purl)
        {
            purls.TryAdd(bomRef, purl);
        }
        if (component.TryGetProperty("components", out var nested) && nested.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in nested.EnumerateArray())
            {
                CollectPurls(c, purls, depth + 1);
            }
        }
    }

    /// <summary>A BOM-Link ("urn:cdx:SERIAL/VERSION#BOM-REF") names a bom-ref of another BOM: the part after '#', decoded.</summary>
    private static string BomLinkTarget(string reference)
    {
        if (!reference.StartsWith("urn:cdx:", StringComparison.Ordinal))
        {
            return reference;
        }
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? reference : Uri.UnescapeDataString(reference[(hash + 1)..]);
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static IEnumerable<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];

    private static DateTimeOffset? Time(JsonElement e, string name) =>
        String(e, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static void AddIfPresent(List<string> list, string? value)
    {
        if (value is not null && !list.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            list.Add(value);
        }
    }
}
