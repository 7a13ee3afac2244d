namespace Seawall.Misconfig.Manifests;

/// <summary>
/// A parsed YAML/JSON node that remembers where it came from: the 1-based line and its JSON path in the document.
/// Aliases share the anchored node (no copy), so a billion-laughs document costs its text, not its expansion.
/// </summary>
public abstract class YamlNode(int line, string path)
{
    public int Line { get; } = line;

    /// <summary>JSON path inside the document, e.g. <c>$.spec.containers[0].image</c>.</summary>
    public string Path { get; } = path;

    /// <summary>How many nodes the subtree stands for with aliases expanded (what a naive walk would visit).</summary>
    public long ExpandedSize { get; internal set; } = 1;
}

public sealed class YamlScalar(string value, bool plain, int line, string path) : YamlNode(line, path)
{
    public string Value { get; } = value;

    /// <summary>Unquoted: only then do null, true and numbers mean what they spell (YAML 1.2 core schema).</summary>
    public bool Plain { get; } = plain;

    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public bool? AsBool => Plain ? Value switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    } : null;

    public long? AsInteger => Plain && long.TryParse(Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}

public sealed class YamlSequence(int line, string path) : YamlNode(line, path)
{
    internal List<YamlNode> ItemList { get; } = [];

    public IReadOnlyList<YamlNode> Items => ItemList;
}

public sealed class YamlMapping(int line, string path) : YamlNode(line, path)
{
    internal List<KeyValuePair<string, YamlNode>> EntryList { get; } = [];

    public IReadOnlyList<KeyValuePair<string, YamlNode>> Entries => EntryList;

    /// <summary>The value of <paramref name="key"/>; the last one wins on duplicate keys, as in kubectl.</summary>
    public YamlNode? this[string key]
    {
        get
        {
            for (var i = EntryList.Count - 1; i >= 0; i--)
            {
                if (string.Equals(EntryList[i].Key, key, StringComparison.Ordinal))
                {
                    return EntryList[i].Value;
                }
            }
            return null;
        }
    }

    public YamlMapping? Map(string key) => this[key] as YamlMapping;

    public YamlSequence? Seq(string key) => this[key] as YamlSequence;

    public YamlScalar? Scalar(string key) => this[key] as YamlScalar;

    /// <summary>The scalar's text, or null when absent, null-valued or not a scalar.</summary>
    public string? Text(string key) => Scalar(key) is { IsNull: false } s ? s.Value : null;

    public bool? Bool(string key) => Scalar(key)?.AsBool;

    public long? Integer(string key) => Scalar(key)?.AsInteger;

    public bool Has(string key) => this[key] is not null and not YamlScalar { IsNull: true };
}
