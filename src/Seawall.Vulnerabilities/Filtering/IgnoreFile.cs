using System.Globalization;
using Seawall.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Seawall.Vulnerabilities.Filtering;

/// <summary>
/// The ignore file (--ignorefile, default ./.seawallignore), modelled on Trivy's .trivyignore and .trivyignore.yaml.
/// Text form, one entry per line:
/// <code>
/// # whole-line comment
/// CVE-2024-24790                                   # everywhere
/// CVE-2023-45288 exp:2026-01-31                    # until 2026-01-31 00:00 UTC
/// GHSA-5crp-9r3c-p9vr pkg:nuget/Newtonsoft.Json@12.0.1
/// CVE-2024-24790 pkg:golang/stdlib path:usr/bin/dockerd path:usr/bin/containerd
/// </code>
/// After the id, in any order: <c>exp:YYYY-MM-DD</c>, <c>pkg:...</c> (a purl; without a version it covers every
/// version), <c>path:GLOB</c> (the package's file or the result's target; <c>*</c>, <c>?</c>, <c>**</c>). Several
/// purls or paths: any of them. A comment after the entry (space, then #) is kept as the reason.
/// A file named *.yaml or *.yml is the YAML form: <c>vulnerabilities: [{id, purls, paths, statement, expired_at}]</c>.
/// </summary>
public static class IgnoreFile
{
    /// <summary>The name looked for in the current directory when --ignorefile is not given.</summary>
    public const string DefaultName = ".seawallignore";

    /// <summary>An ignore file is written by hand; anything larger is not one.</summary>
    public const long MaxBytes = 4 * 1024 * 1024;

    /// <summary>Sections of Trivy's YAML form for scanners Seawall does not have yet: read, not applied.</summary>
    private static readonly string[] OtherSections = ["misconfigurations", "secrets", "licenses"];

    public static IReadOnlyList<IgnoreRule> Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ScanException($"{path}: ignore file not found");
        }
        if (info.Length > MaxBytes)
        {
            throw new LimitExceededException($"{path}: ignore file is {info.Length} bytes, more than the {MaxBytes} an ignore file may have");
        }
        var text = File.ReadAllText(path);
        var ext = Path.GetExtension(path);
        return ext.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || ext.Equals(".yml", StringComparison.OrdinalIgnoreCase)
            ? ParseYaml(text, path)
            : ParseText(text, path);
    }

    public static IReadOnlyList<IgnoreRule> ParseText(string text, string source)
    {
        var rules = new List<IgnoreRule>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            string? comment = null;
            var hash = CommentStart(line);
            if (hash >= 0)
            {
                comment = line[(hash + 1)..].Trim();
                line = line[..hash];
            }
            var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                continue;
            }
            var where = $"{source}:{lineNumber.ToString(CultureInfo.InvariantCulture)}";
            var purls = new List<PurlPattern>();
            var paths = new List<string>();
            DateOnly? expires = null;
            foreach (var token in tokens.Skip(1))
            {
                if (token.StartsWith("exp:", StringComparison.Ordinal))
                {
                    expires = ParseDate(token[4..], where);
                }
                else if (token.StartsWith("pkg:", StringComparison.Ordinal))
                {
                    purls.Add(ParsePurl(token, where));
                }
                else if (token.StartsWith("path:", StringComparison.Ordinal) && token.Length > 5)
                {
                    paths.Add(token[5..]);
                }
                else
                {
                    throw new ScanException($"{where}: unknown '{token}' after the id (expected exp:YYYY-MM-DD, pkg:PURL or path:GLOB)");
                }
            }
            rules.Add(new IgnoreRule(tokens[0], where)
            {
                Purls = purls,
                Paths = paths,
                ExpiresOn = expires,
                Statement = string.IsNullOrEmpty(comment) ? null : comment,
            });
        }
        return rules;
    }

    /// <summary>
    /// A '#' at the start of the line or after a blank starts a comment; one inside a token (a purl's #subpath) does not.
    /// </summary>
    private static int CommentStart(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || line[i - 1] is ' ' or '\t'))
            {
                return i;
            }
        }
        return -1;
    }

    public static IReadOnlyList<IgnoreRule> ParseYaml(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ScanException($"{source}: not valid YAML (line {ex.Start.Line}: {ex.Message})");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ScanException($"{source}: expected a mapping with a 'vulnerabilities' list");
        }
        var rules = new List<IgnoreRule>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Scalar(keyNode, source);
            if (OtherSections.Contains(key, StringComparer.Ordinal))
            {
                continue;
            }
            if (key != "vulnerabilities")
            {
                throw new ScanException($"{source}: unknown section '{key}' (expected vulnerabilities)");
            }
            if (value is YamlScalarNode { Value: null or "" })
            {
                continue;
            }
            if (value is not YamlSequenceNode entries)
            {
                throw new ScanException($"{source}: 'vulnerabilities' must be a list");
            }
            foreach (var entry in entries)
            {
                rules.Add(YamlRule(entry, source));
            }
        }
        return rules;
    }

    private static IgnoreRule YamlRule(YamlNode entry, string source)
    {
        var where = $"{source}:{entry.Start.Line.ToString(CultureInfo.InvariantCulture)}";
        if (entry is not YamlMappingNode map)
        {
            throw new ScanException($"{where}: each entry must be a mapping with an 'id'");
        }
        string? id = null;
        string? statement = null;
        DateOnly? expires = null;
        var purls = new List<PurlPattern>();
        var paths = new List<string>();
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Scalar(keyNode, where);
            switch (key)
            {
                case "id":
                    id = Scalar(value, where);
                    break;
                case "statement":
                    statement = Scalar(value, where);
                    break;
                case "expired_at":
                    expires = ParseDate(Scalar(value, where), where);
                    break;
                case "purls":
                    purls.AddRange(Strings(value, key, where).Select(p => ParsePurl(p, where)));
                    break;
                case "paths":
                    paths.AddRange(Strings(value, key, where));
                    break;
                default:
                    // A misspelt key (expires_at) would silently widen the entry: refuse it.
                    throw new ScanException($"{where}: unknown key '{key}' (expected id, purls, paths, statement, expired_at)");
            }
        }
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ScanException($"{where}: entry without an 'id'");
        }
        return new IgnoreRule(id.Trim(), where) { Purls = purls, Paths = paths, ExpiresOn = expires, Statement = statement };
    }

    private static string Scalar(YamlNode node, string where) =>
        node is YamlScalarNode scalar ? scalar.Value ?? string.Empty : throw new ScanException($"{where}: expected a single value");

    private static IEnumerable<string> Strings(YamlNode node, string key, string where) => node switch
    {
        YamlSequenceNode list => list.Children.Select(n => Scalar(n, where)),
        YamlScalarNode scalar when !string.IsNullOrEmpty(scalar.Value) => [scalar.Value],
        _ => throw new ScanException($"{where}: '{key}' must be a list of strings"),
    };

    private static DateOnly ParseDate(string text, string where) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ScanException($"{where}: expiry '{text}' is not a date YYYY-MM-DD");

    private static PurlPattern ParsePurl(string text, string where) =>
        PurlPattern.TryParse(text, out var purl) ? purl : throw new ScanException($"{where}: '{text}' is not a package URL (pkg:type/namespace/name@version)");
}
