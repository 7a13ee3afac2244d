using System.Text.Json.Nodes;
using Json.Schema;

namespace Seawall.Tests.Support;

/// <summary>
/// Validates documents against the official JSON schemas in ../shared/data/schemas, offline: the schemas a
/// schema refers to (CycloneDX's spdx and jsf) are registered under their $id, so nothing is fetched.
/// </summary>
public sealed class SchemaValidator
{
    private readonly JsonSchema _schema;
    private readonly EvaluationOptions _options;

    private SchemaValidator(JsonSchema schema, EvaluationOptions options)
    {
        _schema = schema;
        _options = options;
    }

    public static SchemaValidator CycloneDx16() =>
        Load("schemas/bom-1.6.schema.json", "schemas/spdx.schema.json", "schemas/jsf-0.82.schema.json");

    public static SchemaValidator Spdx23() => Load("schemas/spdx-schema.json");

    public static SchemaValidator OpenVex() => Load("schemas/openvex_json_schema.json");

    /// <summary>
    /// SARIF 2.1.0's official schema is draft-04, which JsonSchema.Net does not read. The only draft-04 keywords it uses
    /// are "$schema" and the top-level "id" (every other "id" is a property name under "properties", and all $refs are
    /// local "#/definitions/..."), so restating those two as draft-07 gives the same constraints.
    /// </summary>
    public static SchemaValidator Sarif210()
    {
        var root = JsonNode.Parse(File.ReadAllText(SharedData.Require("schemas/sarif-schema-2.1.0.json")))!.AsObject();
        Assert.Equal("http://json-schema.org/draft-04/schema#", (string?)root["$schema"]);
        var id = (string?)root["id"];
        root.Remove("id");
        root["$id"] = id;
        root["$schema"] = "http://json-schema.org/draft-07/schema#";
        return Create(root.ToJsonString(), []);
    }

    /// <summary>A schema from a file path (Seawall's own report schema lives in docs/).</summary>
    public static SchemaValidator FromFile(string path) => Create(File.ReadAllText(path), []);

    private static SchemaValidator Load(string main, params string[] referenced) =>
        Create(File.ReadAllText(SharedData.Require(main)), [.. referenced.Select(r => File.ReadAllText(SharedData.Require(r)))]);

    private static SchemaValidator Create(string mainText, IReadOnlyList<string> referencedTexts)
    {
        // Format validation on: CycloneDX's JSF algorithm oneOf only works when "uri" is enforced (see the schemas README),
        // and it checks date-time, email and uri values too.
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        foreach (var text in referencedTexts)
        {
            options.SchemaRegistry.Register(JsonSchema.FromText(text));
        }
        var schema = JsonSchema.FromText(mainText);
        options.SchemaRegistry.Register(schema);
        return new SchemaValidator(schema, options);
    }

    /// <summary>The validation errors ("instance location: message"), empty when the document is valid.</summary>
    public IReadOnlyList<string> Errors(string json)
    {
        var result = _schema.Evaluate(JsonNode.Parse(json), _options);
        if (result.IsValid)
        {
            return [];
        }
        var errors = (result.Details.Count > 0 ? result.Details : [result])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .Distinct()
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no detail)"];
    }

    /// <summary>Fails with every error listed, not just the first.</summary>
    public void AssertValid(string json)
    {
        var errors = Errors(json);
        Assert.True(errors.Count == 0, $"{errors.Count} schema errors:\n" + string.Join('\n', errors.Take(40)));
    }
}
