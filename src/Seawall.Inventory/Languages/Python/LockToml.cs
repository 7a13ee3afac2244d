using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Syntax;
using Tomlyn.Serialization;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// TOML lockfiles (poetry.lock, uv.lock, pdm.lock, pyproject.toml) read into Tomlyn's untyped model through a
/// source-generated context: no reflection, so the CLI stays Native AOT.
/// </summary>
internal static class LockToml
{
    private static readonly TomlSerializerOptions Options = new() { MaxDepth = 64 };

    private static readonly LockTomlContext Context = new(Options);

    public static TomlTable Parse(string text)
    {
        try
        {
            // The deserializer lets a repeated key win silently for the untyped model; TOML forbids it, and so do the Go
            // readers Trivy and osv-scanner use. The syntax parser's validation catches it (and every other semantic error).
            var syntax = SyntaxParser.Parse(text, Options, sourceName: null, validate: true);
            if (syntax.HasErrors)
            {
                var error = syntax.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
                throw new MalformedFileException($"invalid TOML: {error.Message}", error.Span.Start.Line + 1);
            }
            return TomlSerializer.Deserialize(text, Context.TomlTable)
                ?? throw new MalformedFileException("not a TOML document");
        }
        catch (TomlException ex)
        {
            // Tomlyn's message can span lines (one per diagnostic): keep the first, with its line.
            var first = ex.Message.Split('\n', 2)[0].Trim();
            throw new MalformedFileException($"invalid TOML: {first}", ex.Line);
        }
    }

    public static string? String(TomlTable table, string key) =>
        table.TryGetValue(key, out var value) && value is string s ? s : null;

    public static bool Bool(TomlTable table, string key) =>
        table.TryGetValue(key, out var value) && value is true;

    public static TomlTable? Table(TomlTable table, string key) =>
        table.TryGetValue(key, out var value) ? value as TomlTable : null;

    /// <summary>An array of tables, written either as [[key]] sections or as an inline array of inline tables.</summary>
    public static IEnumerable<TomlTable> Tables(TomlTable table, string key)
    {
        if (!table.TryGetValue(key, out var value))
        {
            return [];
        }
        return value switch
        {
            TomlTableArray array => array,
            TomlArray array => array.OfType<TomlTable>(),
            _ => [],
        };
    }

    /// <summary>The strings of an array (other items skipped); a single string counts as a one-item array.</summary>
    public static IReadOnlyList<string> Strings(TomlTable table, string key)
    {
        if (!table.TryGetValue(key, out var value))
        {
            return [];
        }
        return value switch
        {
            string s => [s],
            TomlArray array => [.. array.OfType<string>()],
            _ => [],
        };
    }
}

[TomlSerializable(typeof(TomlTable))]
internal sealed partial class LockTomlContext : TomlSerializerContext
{
    public LockTomlContext(TomlSerializerOptions options)
        : base(options)
    {
    }
}
