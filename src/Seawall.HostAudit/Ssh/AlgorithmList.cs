namespace Seawall.HostAudit.Ssh;

/// <summary>
/// How sshd turns a Ciphers / MACs / KexAlgorithms / HostKeyAlgorithms value into the list it offers (kex.c
/// kex_assemble_names): "+list" appends to the default, "-list" removes what the patterns match from the default,
/// "^list" puts the names first, anything else replaces the default. Except for "-", every entry is a pattern
/// ('*' and '?') expanded against the algorithms the release implements, in that list's order, without duplicates.
/// </summary>
public static class AlgorithmList
{
    public static IReadOnlyList<string> Assemble(string? configured, IReadOnlyList<string> defaults, IReadOnlyList<string> supported)
    {
        if (string.IsNullOrEmpty(configured))
        {
            return defaults;
        }
        IEnumerable<string> patterns;
        switch (configured[0])
        {
            case '-':
                var removed = Split(configured[1..]);
                return [.. defaults.Where(name => MatchList(name, removed) != 1)];
            case '+':
                patterns = Concat(defaults, Split(configured[1..]));
                break;
            case '^':
                patterns = Concat(Split(configured[1..]), defaults);
                break;
            default:
                patterns = Split(configured);
                break;
        }
        var result = new List<string>();
        foreach (var pattern in patterns)
        {
            var expanded = supported.Where(name => Match(name, pattern)).ToList();
            // A name this table does not know is kept as written: sshd either supports it or refuses to start.
            if (expanded.Count == 0 && pattern.IndexOfAny(['*', '?']) < 0)
            {
                expanded.Add(pattern);
            }
            foreach (var name in expanded.Where(name => !result.Contains(name, StringComparer.Ordinal)))
            {
                result.Add(name);
            }
        }
        return result;
    }

    /// <summary>match.c match_pattern_list: 1 when a positive pattern matches, -1 when a negated one ("!x") does, else 0.</summary>
    public static int MatchList(string name, IReadOnlyList<string> patterns)
    {
        var matched = 0;
        foreach (var pattern in patterns)
        {
            var negated = pattern.StartsWith('!');
            if (Match(name, negated ? pattern[1..] : pattern))
            {
                if (negated)
                {
                    return -1;
                }
                matched = 1;
            }
        }
        return matched;
    }

    /// <summary>match.c match_pattern: '*' any run of characters, '?' one character, case-sensitive.</summary>
    public static bool Match(string name, string pattern)
    {
        int n = 0, p = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                n++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static List<string> Split(string list) => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries)];

    // kex_names_cat: the second list's names that the first does not already hold.
    private static List<string> Concat(IEnumerable<string> first, IEnumerable<string> second)
    {
        var result = first.ToList();
        result.AddRange(second.Where(name => !result.Contains(name, StringComparer.Ordinal)));
        return result;
    }
}
