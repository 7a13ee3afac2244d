using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Seawall.Secrets.Rules;

namespace Seawall.Secrets.Engine;

/// <summary>
/// The rules a scan runs, indexed for the prefilter: every keyword goes into one of two <see cref="SearchValues{T}"/>
/// (exact or case-insensitive), and each keyword knows the rules it unlocks. Text without any keyword is never
/// handed to a regex.
/// </summary>
public sealed class RuleSet
{
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);

    public RuleSet(IEnumerable<SecretRule> rules, IReadOnlySet<string>? disabledAllowRules = null, IReadOnlyList<AllowRule>? allow = null, string? fingerprintExtra = null)
    {
        Rules = [.. rules];
        DisabledAllowRules = disabledAllowRules ?? new HashSet<string>(StringComparer.Ordinal);
        Allow = allow ?? [];
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var folded = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Rules.Count; i++)
        {
            _byId[Rules[i].Id] = i;
            foreach (var keyword in Rules[i].Keywords)
            {
                if (keyword.Length == 0)
                {
                    continue;
                }
                var map = Rules[i].CaseSensitiveKeywords ? exact : folded;
                if (!map.TryGetValue(keyword, out var list))
                {
                    map[keyword] = list = [];
                }
                if (!list.Contains(i))
                {
                    list.Add(i);
                }
            }
        }
        ExactKeywords = Index(exact, StringComparison.Ordinal, out ExactByFirst);
        FoldedKeywords = Index(folded, StringComparison.OrdinalIgnoreCase, out FoldedByFirst);
        Fingerprint = ComputeFingerprint(fingerprintExtra);
    }

    public IReadOnlyList<SecretRule> Rules { get; }

    /// <summary>Built-in allow rules (by id) a config turned off.</summary>
    public IReadOnlySet<string> DisabledAllowRules { get; }

    /// <summary>Allow rules from the config: paths or values never reported.</summary>
    public IReadOnlyList<AllowRule> Allow { get; }

    internal SearchValues<string>? ExactKeywords { get; }

    internal SearchValues<string>? FoldedKeywords { get; }

    /// <summary>Keywords by their first character (folded to lower case for the case-insensitive set), each with its rules.</summary>
    internal readonly Dictionary<char, (string Keyword, int[] Rules)[]> ExactByFirst;

    internal readonly Dictionary<char, (string Keyword, int[] Rules)[]> FoldedByFirst;

    /// <summary>A stable number naming this rule set and config: part of the layer-cache key.</summary>
    public int Fingerprint { get; }

    public SecretRule? Find(string id) => _byId.TryGetValue(id, out var i) ? Rules[i] : null;

    /// <summary>Whether the file at this path is scanned at all (built-in and configured allow paths).</summary>
    public bool ScansPath(string path)
    {
        if (AllowRules.IsAllowedPath(path, DisabledAllowRules))
        {
            return false;
        }
        foreach (var rule in Allow)
        {
            if (rule.Path is { } p && rule.Value is null && p.IsMatch(path))
            {
                return false;
            }
        }
        return true;
    }

    private static SearchValues<string>? Index(Dictionary<string, List<int>> map, StringComparison comparison, out Dictionary<char, (string, int[])[]> byFirst)
    {
        var fold = comparison == StringComparison.OrdinalIgnoreCase;
        byFirst = map
            .GroupBy(p => fold ? char.ToLowerInvariant(p.Key[0]) : p.Key[0])
            .ToDictionary(g => g.Key, g => g.Select(p => (p.Key, p.Value.ToArray())).ToArray());
        return map.Count == 0 ? null : SearchValues.Create([.. map.Keys], comparison);
    }

    private int ComputeFingerprint(string? extra)
    {
        var sb = new StringBuilder();
        sb.Append(BuiltinRules.Version).Append('|').Append(extra);
        foreach (var rule in Rules)
        {
            sb.Append('|').Append(rule.Id).Append(':').Append(rule.Pattern).Append(':').Append(string.Join(',', rule.Keywords));
        }
        sb.Append('|').Append(string.Join(',', DisabledAllowRules.Order(StringComparer.Ordinal)));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
        return BitConverter.ToInt32(hash, 0) & int.MaxValue;
    }
}

/// <summary>A config's allow rule: files whose path matches, or matches whose text matches, are not reported.</summary>
public sealed record AllowRule(string Id, System.Text.RegularExpressions.Regex? Path, System.Text.RegularExpressions.Regex? Value);
