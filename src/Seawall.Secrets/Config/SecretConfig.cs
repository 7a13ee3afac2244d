using System.Globalization;
using System.Text.RegularExpressions;
using Seawall.Core.Errors;
using Seawall.Core.Model;
using Seawall.Secrets.Engine;
using Seawall.Secrets.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Seawall.Secrets.Config;

/// <summary>
/// The secret scanner's YAML config (--secret-config), in the shape of Trivy's trivy-secret.yaml so one file serves
/// both: custom <c>rules</c>, <c>disable-rules</c>, <c>enable-builtin-rules</c>, <c>allow-rules</c> (path and/or
/// regex) and <c>disable-allow-rules</c> (built-in allow paths by id). Regexes may use Go's (?P&lt;name&gt;...) groups.
/// </summary>
public static class SecretConfig
{
    /// <summary>A config larger than this is not a config.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Time limit of each custom regex, as for the built-in ones.</summary>
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The built-in rules with nothing changed.</summary>
    public static RuleSet Default() => new(BuiltinRules.All);

    public static RuleSet Load(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ScanException($"secret config {path}: no such file");
            }
            if (info.Length > MaxBytes)
            {
                throw new ScanException($"secret config {path}: {info.Length} bytes is over the {MaxBytes}-byte cap");
            }
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScanException($"secret config {path}: {ex.Message}");
        }
        return Parse(text, path);
    }

    public static RuleSet Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ScanException($"secret config {source}: not valid YAML (line {ex.Start.Line}: {ex.Message})");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Default();
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ScanException($"secret config {source}: expected a mapping (rules, disable-rules, allow-rules...)");
        }
        var custom = new List<SecretRule>();
        var disabled = new HashSet<string>(StringComparer.Ordinal);
        HashSet<string>? enabled = null;
        var disabledAllow = new HashSet<string>(StringComparer.Ordinal);
        var allow = new List<AllowRule>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var where = $"secret config {source}:{keyNode.Start.Line.ToString(CultureInfo.InvariantCulture)}";
            switch (key)
            {
                case "rules":
                    custom.AddRange(Entries(value, where).Select(e => CustomRule(e, source)));
                    break;
                case "disable-rules":
                    disabled.UnionWith(Strings(value, where));
                    break;
                case "enable-builtin-rules":
                    enabled = new HashSet<string>(Strings(value, where), StringComparer.Ordinal);
                    break;
                case "disable-allow-rules":
                    disabledAllow.UnionWith(Strings(value, where));
                    break;
                case "allow-rules":
                    allow.AddRange(Entries(value, where).Select(e => Allow(e, source)));
                    break;
                default:
                    throw new ScanException($"{where}: unknown key '{key}' (rules, disable-rules, enable-builtin-rules, allow-rules, disable-allow-rules)");
            }
        }
        var known = BuiltinRules.All.Select(r => r.Id).Concat(custom.Select(r => r.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var id in disabled.Concat(enabled ?? []))
        {
            if (!known.Contains(id))
            {
                throw new ScanException($"secret config {source}: no rule '{id}' (see docs/secrets.md for the built-in ids)");
            }
        }
        var builtinAllowIds = AllowRules.BuiltinPaths.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in disabledAllow.Where(id => !builtinAllowIds.Contains(id)))
        {
            throw new ScanException($"secret config {source}: no built-in allow rule '{id}' ({string.Join(", ", builtinAllowIds.Order(StringComparer.Ordinal))})");
        }
        var rules = BuiltinRules.All
            .Where(r => enabled is null || enabled.Contains(r.Id))
            .Concat(custom)
            .Where(r => !disabled.Contains(r.Id));
        return new RuleSet(rules, disabledAllow, allow, fingerprintExtra: text);
    }

    private static SecretRule CustomRule(YamlMappingNode entry, string source)
    {
        var where = $"secret config {source}:{entry.Start.Line.ToString(CultureInfo.InvariantCulture)}";
        var id = Required(entry, "id", where);
        if (BuiltinRules.All.Any(r => r.Id == id))
        {
            throw new ScanException($"{where}: rule id '{id}' is a built-in rule's; disable it and give yours another id");
        }
        var regex = Pattern(Required(entry, "regex", where), where);
        var group = Optional(entry, "secret-group-name", where);
        if (group is not null && Array.IndexOf(regex.GetGroupNames(), group) < 0)
        {
            throw new ScanException($"{where}: secret-group-name '{group}' is not a group of the regex");
        }
        var severityText = Optional(entry, "severity", where) ?? "MEDIUM";
        var severity = severityText.ToUpperInvariant() switch
        {
            "CRITICAL" => Severity.Critical,
            "HIGH" => Severity.High,
            "MEDIUM" => Severity.Medium,
            "LOW" => Severity.Low,
            "UNKNOWN" => Severity.Unknown,
            _ => throw new ScanException($"{where}: severity '{severityText}' (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN)"),
        };
        var entropyText = Optional(entry, "entropy", where);
        double entropy = 0;
        if (entropyText is not null && !double.TryParse(entropyText, NumberStyles.Float, CultureInfo.InvariantCulture, out entropy))
        {
            throw new ScanException($"{where}: entropy '{entropyText}' is not a number");
        }
        var paths = entry.Children.TryGetValue(new YamlScalarNode("path"), out var pathNode) ? Strings(pathNode, where).ToList() : [];
        return new SecretRule
        {
            Id = id,
            Category = Optional(entry, "category", where) ?? "Custom",
            Severity = severity,
            Title = Optional(entry, "title", where) ?? id,
            Keywords = entry.Children.TryGetValue(new YamlScalarNode("keywords"), out var keywords) ? [.. Strings(keywords, where).Where(k => k.Length > 0)] : [],
            Pattern = regex,
            SecretGroup = group,
            MinEntropy = entropy,
            Multiline = Optional(entry, "multiline", where) is "true" or "yes",
            Path = paths.Count == 0 ? null : Pattern(string.Join('|', paths.Select(p => $"(?:{p})")), where),
        };
    }

    private static AllowRule Allow(YamlMappingNode entry, string source)
    {
        var where = $"secret config {source}:{entry.Start.Line.ToString(CultureInfo.InvariantCulture)}";
        var id = Optional(entry, "id", where) ?? $"allow@{entry.Start.Line.ToString(CultureInfo.InvariantCulture)}";
        var path = Optional(entry, "path", where) is { } p ? Pattern(p, where) : null;
        var value = Optional(entry, "regex", where) is { } r ? Pattern(r, where) : null;
        if (path is null && value is null)
        {
            throw new ScanException($"{where}: allow rule '{id}' needs a path or a regex");
        }
        return new AllowRule(id, path, value);
    }

    /// <summary>A user's regex: Go's named groups turned into .NET's, compiled with a time limit.</summary>
    private static Regex Pattern(string text, string where)
    {
        try
        {
            return new Regex(text.Replace("(?P<", "(?<", StringComparison.Ordinal), RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new ScanException($"{where}: invalid regex '{text}' ({ex.Message})");
        }
    }

    private static IEnumerable<YamlMappingNode> Entries(YamlNode value, string where)
    {
        if (value is YamlScalarNode { Value: null or "" })
        {
            return [];
        }
        if (value is not YamlSequenceNode list || list.Children.Any(c => c is not YamlMappingNode))
        {
            throw new ScanException($"{where}: expected a list of mappings");
        }
        return list.Children.Cast<YamlMappingNode>();
    }

    private static IEnumerable<string> Strings(YamlNode value, string where) => value switch
    {
        YamlScalarNode { Value: null or "" } => [],
        YamlScalarNode s => [s.Value!],
        YamlSequenceNode list when list.Children.All(c => c is YamlScalarNode) => list.Children.Select(c => ((YamlScalarNode)c).Value ?? string.Empty),
        _ => throw new ScanException($"{where}: expected a string or a list of strings"),
    };

    private static string Required(YamlMappingNode entry, string key, string where) =>
        Optional(entry, key, where) is { Length: > 0 } value ? value : throw new ScanException($"{where}: '{key}' is required");

    private static string? Optional(YamlMappingNode entry, string key, string where)
    {
        if (!entry.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            return null;
        }
        return node is YamlScalarNode scalar ? scalar.Value : throw new ScanException($"{where}: '{key}' must be a string");
    }
}
