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

    // An int: the readers stop a document at YamlDocumentReader.MaxExpandedNodes, far below int.MaxValue, and the
    // smaller field keeps a scalar at 64 bytes (a scan holds every manifest's tree at once).
    private int expandedSize = 1;

    /// <summary>How many nodes the subtree stands for with aliases expanded (what a naive walk would visit).</summary>
    public long ExpandedSize
    {
        get => expandedSize;
        internal set => expandedSize = checked((int)value);
    }
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

/// <summary>
/// The children of a mapping or sequence: a plain array the reader grows and then trims to size (<see cref="Seal"/>),
/// with no List object around it. A scan holds every tree until its cluster checks are done, so the bytes and objects
/// per node are what the GC marks and copies.
/// </summary>
internal struct Children<T>
{
    private T[] items;
    private int count;

    public readonly int Count => count;

    /// <summary>The items, exactly sized once sealed (a copy before: only a reader still building the node asks then).</summary>
    public readonly IReadOnlyList<T> Items => items is null ? [] : count == items.Length ? items : items[..count];

    public readonly ReadOnlySpan<T> Span => items is null ? [] : items.AsSpan(0, count);

    public void Add(T item)
    {
        if (items is null || count == items.Length)
        {
            Array.Resize(ref items, items is null ? 4 : items.Length * 2);
        }
        items![count++] = item;
    }

    /// <summary>Puts <paramref name="first"/> before the items already there (a YAML merge key's entries).</summary>
    public void InsertFirst(ReadOnlySpan<T> first)
    {
        var merged = new T[count + first.Length];
        first.CopyTo(merged);
        Span.CopyTo(merged.AsSpan(first.Length));
        items = merged;
        count = merged.Length;
    }

    public void Seal()
    {
        if (items is not null && count != items.Length)
        {
            Array.Resize(ref items, count);
        }
    }
}

public sealed class YamlSequence(int line, YamlPath path) : YamlNode(line, path)
{
    private Children<YamlNode> items;

    public IReadOnlyList<YamlNode> Items => items.Items;

    internal int Count => items.Count;

    internal void Add(YamlNode item) => items.Add(item);

    /// <summary>The reader is done with this node: trim the items to size.</summary>
    internal void Seal() => items.Seal();
}

public sealed class YamlMapping(int line, YamlPath path) : YamlNode(line, path)
{
    private Children<KeyValuePair<string, YamlNode>> entries;

    public IReadOnlyList<KeyValuePair<string, YamlNode>> Entries => entries.Items;

    internal void Add(string key, YamlNode value) => entries.Add(new(key, value));

    /// <summary>A merge key's entries, put first so the mapping's own keys (later, so winning lookups) override them.</summary>
    internal void InsertFirst(YamlMapping merged) => entries.InsertFirst(merged.entries.Span);

    /// <summary>The reader is done with this node: trim the entries to size.</summary>
    internal void Seal() => entries.Seal();

    /// <summary>The value of <paramref name="key"/>; the last one wins on duplicate keys, as in kubectl.</summary>
    public YamlNode? this[string key]
    {
        get
        {
            // The hottest code of a manifest scan (every check asks several keys). Keys the reader knows are shared
            // with the checks' literals (CommonStrings), so most hits are one reference compare; the length test
            // skips the call for most misses.
            var span = entries.Span;
            for (var i = span.Length - 1; i >= 0; i--)
            {
                var candidate = span[i].Key;
                if (ReferenceEquals(candidate, key) || (candidate.Length == key.Length && string.Equals(candidate, key, StringComparison.Ordinal)))
                {
                    return span[i].Value;
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
