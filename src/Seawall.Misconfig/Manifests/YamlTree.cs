namespace Seawall.Misconfig.Manifests;

/// <summary>
/// A parsed YAML/JSON node that remembers where it came from: the 1-based line and its JSON path in the document.
/// Aliases share the anchored node (no copy), so a billion-laughs document costs its text, not its expansion.
/// </summary>
public abstract class YamlNode(int line, YamlPath at)
{
    private string? path = at.Text;
    private readonly YamlNode? parent = at.Parent;
    private readonly string? key = at.Key;
    private readonly int index = at.Index;

    public int Line { get; } = line;

    /// <summary>JSON path inside the document, e.g. <c>$.spec.containers[0].image</c>; built on first use.</summary>
    public string Path => path ??= key is not null
        ? FastYamlReader.ChildPath(parent!.Path, key)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{parent!.Path}[{index}]");

    /// <summary>How many nodes the subtree stands for with aliases expanded (what a naive walk would visit).</summary>
    public long ExpandedSize { get; internal set; } = 1;
}

public sealed class YamlScalar(string value, bool plain, int line, YamlPath path) : YamlNode(line, path)
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

public sealed class YamlSequence(int line, YamlPath path) : YamlNode(line, path)
{
    internal List<YamlNode> ItemList { get; } = [];

    public IReadOnlyList<YamlNode> Items => ItemList;
}

public sealed class YamlMapping(int line, YamlPath path) : YamlNode(line, path)
{
    internal List<KeyValuePair<string, YamlNode>> EntryList { get; } = [];

    public IReadOnlyList<KeyValuePair<string, YamlNode>> Entries => EntryList;

    /// <summary>The value of <paramref name="key"/>; the last one wins on duplicate keys, as in kubectl.</summary>
    public YamlNode? this[string key]
    {
        get
        {
            // The hottest code of a manifest scan (every check asks several keys). Keys the reader knows are shared
            // with the checks' literals (CommonStrings), so most hits are one reference compare; the length test
            // skips the call for most misses.
            var entries = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(EntryList);
            for (var i = entries.Length - 1; i >= 0; i--)
            {
                var candidate = entries[i].Key;
                if (ReferenceEquals(candidate, key) || (candidate.Length == key.Length && string.Equals(candidate, key, StringComparison.Ordinal)))
                {
                    return entries[i].Value;
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

/// <summary>
/// Where a node sits: a path text (a document root, "$"), or its parent and key or item index. Nodes keep the parts and
/// build the JSON path text only when asked (a finding's location): building it for every node was the largest share
/// of what reading a big set of manifests allocated.
/// </summary>
public readonly struct YamlPath
{
    private YamlPath(string? text, YamlNode? parent, string? key, int index)
    {
        Text = text;
        Parent = parent;
        Key = key;
        Index = index;
    }

    internal string? Text { get; }

    internal YamlNode? Parent { get; }

    internal string? Key { get; }

    internal int Index { get; }

    public static YamlPath FromText(string text) => new(text, null, null, -1);

    /// <summary>The value of <paramref name="key"/> in <paramref name="mapping"/>.</summary>
    public static YamlPath Child(YamlNode mapping, string key) => new(null, mapping, key, -1);

    /// <summary>Item <paramref name="index"/> of <paramref name="sequence"/>.</summary>
    public static YamlPath Item(YamlNode sequence, int index) => new(null, sequence, null, index);

    public static implicit operator YamlPath(string text) => FromText(text);
}
