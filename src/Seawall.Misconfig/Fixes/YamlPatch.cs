using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Seawall.Misconfig.Fixes;

/// <summary>
/// A small ordered YAML mapping for building patch documents. Values are a nested <see cref="YamlPatch"/>, a list,
/// a string, a bool, a long, or null (which in a strategic merge patch deletes the field).
/// </summary>
public sealed partial class YamlPatch
{
    private readonly List<KeyValuePair<string, object?>> _entries = [];

    public IReadOnlyList<KeyValuePair<string, object?>> Entries => _entries;

    public YamlPatch Set(string key, object? value)
    {
        _entries.RemoveAll(e => e.Key == key);
        _entries.Add(new(key, value));
        return this;
    }

    /// <summary>The nested mapping under <paramref name="key"/>, created when absent.</summary>
    public YamlPatch Map(string key)
    {
        if (_entries.FirstOrDefault(e => e.Key == key).Value is YamlPatch existing)
        {
            return existing;
        }
        var child = new YamlPatch();
        _entries.Add(new(key, child));
        return child;
    }

    /// <summary>Block-style YAML, two-space indent, a header comment per line of <paramref name="comments"/>.</summary>
    public string ToYaml(IEnumerable<string>? comments = null)
    {
        var sb = new StringBuilder();
        foreach (var comment in comments ?? [])
        {
            sb.Append("# ").Append(comment).Append('\n');
        }
        Emit(sb, this, 0);
        return sb.ToString();
    }

    private static void Emit(StringBuilder sb, YamlPatch map, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var (key, value) in map._entries)
        {
            sb.Append(pad).Append(key).Append(':');
            switch (value)
            {
                case YamlPatch { _entries.Count: 0 }:
                    sb.Append(" {}\n");
                    break;
                case YamlPatch child:
                    sb.Append('\n');
                    Emit(sb, child, indent + 2);
                    break;
                case IReadOnlyList<object?> { Count: 0 }:
                    sb.Append(" []\n");
                    break;
                case IReadOnlyList<object?> items:
                    sb.Append('\n');
                    foreach (var item in items)
                    {
                        if (item is YamlPatch { _entries.Count: > 0 } itemMap)
                        {
                            // "- " takes the place of the item's indentation on its first line, as kubectl writes lists.
                            var itemText = new StringBuilder();
                            Emit(itemText, itemMap, indent + 4);
                            sb.Append(pad).Append("  - ").Append(itemText.ToString(indent + 4, itemText.Length - indent - 4));
                        }
                        else
                        {
                            sb.Append(pad).Append("  - ").Append(item is YamlPatch ? "{}" : Scalar(item)).Append('\n');
                        }
                    }
                    break;
                default:
                    sb.Append(' ').Append(Scalar(value)).Append('\n');
                    break;
            }
        }
    }

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        string s when PlainSafe().IsMatch(s) && !YamlKeyword().IsMatch(s) => s,
        string s => Quoted(s),
        _ => throw new ArgumentException($"not a YAML scalar: {value.GetType().Name}", nameof(value)),
    };

    /// <summary>A YAML double-quoted scalar: backslash, quote and control characters escaped.</summary>
    private static string Quoted(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in s)
        {
            _ = ch switch
            {
                '\\' => sb.Append("\\\\"),
                '"' => sb.Append("\\\""),
                '\n' => sb.Append("\\n"),
                '\t' => sb.Append("\\t"),
                < ' ' => sb.Append("\\x").Append(((int)ch).ToString("x2", CultureInfo.InvariantCulture)),
                _ => sb.Append(ch),
            };
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Text YAML reads back as the same string unquoted: a letter first, no indicator characters.</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainSafe();

    /// <summary>Words YAML 1.1 parsers (kubectl's go-yaml among them) read as booleans or null.</summary>
    [GeneratedRegex("^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL)$")]
    private static partial Regex YamlKeyword();
}
