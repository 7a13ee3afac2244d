using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Seawall.Secrets.Rules;

namespace Seawall.Secrets.Engine;

/// <summary>
/// Finds secrets in text. Bytes are widened one to one into characters (Latin-1), so any input, invalid UTF-8
/// included, scans in linear time and every offset is a byte offset; only the masked line shown to the user is
/// decoded as UTF-8. The keyword prefilter runs first over the whole text; a rule's regex then runs only on the lines
/// (or, for multi-line rules, the 64 KB) around its keywords, merged so no character is matched twice by one rule.
/// </summary>
public sealed class SecretScanner(RuleSet rules)
{
    /// <summary>Bytes looked at for a NUL: text has none, compiled and compressed files almost always do.</summary>
    public const int BinaryProbe = 8000;

    /// <summary>Secrets listed per file; a file past it (a dump of keys) gets a warning instead of thousands of lines.</summary>
    public const int MaxHitsPerFile = 100;

    /// <summary>How far before a keyword a match may start (the rest of its line, within reason).</summary>
    internal const int MaxBack = 1024;

    /// <summary>How far after a keyword a single-line match may end.</summary>
    internal const int MaxForward = 4096;

    /// <summary>How far after its keyword a multi-line match (a PEM block, a JSON object) may end.</summary>
    internal const int MultilineSpan = 64 * 1024;

    /// <summary>A merged window is cut here, so one rule's regex never sees more than this at once.</summary>
    private const int MaxWindow = 256 * 1024;

    /// <summary>Characters of context shown on each side of a masked secret.</summary>
    private const int Context = 40;

    public RuleSet Rules { get; } = rules;

    public static bool LooksBinary(ReadOnlySpan<byte> head) => head[..Math.Min(head.Length, BinaryProbe)].IndexOf((byte)0) >= 0;

    /// <summary>Scans a whole file held in memory.</summary>
    public FileScan Scan(string path, ReadOnlySpan<byte> content)
    {
        if (LooksBinary(content))
        {
            return FileScan.BinaryFile;
        }
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, content.Length));
        try
        {
            var n = Encoding.Latin1.GetChars(content, chars);
            var hits = new List<SecretHit>();
            var warnings = new List<string>();
            ScanWindow(path, chars.AsSpan(0, n), 1, 0, n, hits, warnings);
            return new FileScan(hits, warnings, false);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>A scan of a file too large to hold, fed in order chunk by chunk.</summary>
    public StreamingSecretScan BeginStream(string path) => new(this, path);

    private readonly record struct Candidate(int Rule, int Start, int Length, string Secret);

    /// <summary>
    /// Scans text whose first character is on line <paramref name="lineBase"/>, reporting secrets that start in
    /// [reportFrom, reportTo): a streamed file is scanned in overlapping windows and each secret is reported once.
    /// </summary>
    internal void ScanWindow(string path, ReadOnlySpan<char> text, int lineBase, int reportFrom, int reportTo, List<SecretHit> hits, List<string> warnings)
    {
        var active = ActiveRules(path);
        var windows = new List<(int Start, int End)>?[Rules.Rules.Count];
        Prefilter(text, Rules.ExactKeywords, Rules.ExactByFirst, fold: false, active, windows);
        Prefilter(text, Rules.FoldedKeywords, Rules.FoldedByFirst, fold: true, active, windows);
        for (var r = 0; r < windows.Length; r++)
        {
            if (active[r] && Rules.Rules[r].Keywords.Count == 0)
            {
                // A custom rule without keywords sees all the text, in windows of bounded size.
                var all = windows[r] = [];
                for (var at = 0; at < text.Length; at += MaxWindow)
                {
                    all.Add((at, Math.Min(text.Length, at + MaxWindow)));
                }
            }
        }

        var candidates = new List<Candidate>();
        var seen = new HashSet<(int, int)>();
        for (var r = 0; r < windows.Length; r++)
        {
            if (windows[r] is not { } list)
            {
                continue;
            }
            var rule = Rules.Rules[r];
            foreach (var (start, end) in list)
            {
                try
                {
                    foreach (var m in rule.Pattern.EnumerateMatches(text[start..end]))
                    {
                        var at = start + m.Index;
                        if (Accept(path, rule, r, text.Slice(at, m.Length), at, reportFrom, reportTo) is { } candidate && seen.Add((r, candidate.Start)))
                        {
                            candidates.Add(candidate);
                        }
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    warnings.Add($"{path}: rule {rule.Id} timed out on a crafted line near byte {start}; that part not scanned for it");
                }
            }
        }
        if (candidates.Count == 0)
        {
            return;
        }
        // One secret, one finding: a generic assignment rule gives way to a specific rule on the same characters.
        var specific = candidates.Where(c => !Rules.Rules[c.Rule].Generic).ToList();
        candidates = [.. candidates
            .Where(c => !Rules.Rules[c.Rule].Generic || !specific.Any(s => s.Start < c.Start + c.Length && c.Start < s.Start + s.Length))
            .OrderBy(c => c.Start).ThenBy(c => Rules.Rules[c.Rule].Id, StringComparer.Ordinal)];
        var line = lineBase;
        var cursor = 0;
        foreach (var c in candidates)
        {
            line += text[cursor..c.Start].Count('\n');
            cursor = c.Start;
            if (hits.Count >= MaxHitsPerFile)
            {
                warnings.Add($"{path}: more than {MaxHitsPerFile} secrets; the rest are not listed");
                return;
            }
            var lineStart = text[..c.Start].LastIndexOf('\n') + 1;
            hits.Add(new SecretHit(Rules.Rules[c.Rule].Id, line, Column(text[lineStart..c.Start]), Snippet(text, c, lineStart, candidates, Rules.Rules)));
        }
    }

    private bool[] ActiveRules(string path)
    {
        var active = new bool[Rules.Rules.Count];
        for (var i = 0; i < active.Length; i++)
        {
            active[i] = Rules.Rules[i].Path is not { } p || p.IsMatch(path);
        }
        return active;
    }

    private void Prefilter(ReadOnlySpan<char> text, SearchValues<string>? values, Dictionary<char, (string Keyword, int[] Rules)[]> byFirst, bool fold, bool[] active, List<(int, int)>?[] windows)
    {
        if (values is null)
        {
            return;
        }
        var comparison = fold ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var pos = 0;
        while (pos < text.Length)
        {
            var i = text[pos..].IndexOfAny(values);
            if (i < 0)
            {
                return;
            }
            i += pos;
            var first = fold ? char.ToLowerInvariant(text[i]) : text[i];
            if (byFirst.TryGetValue(first, out var keywords))
            {
                foreach (var (keyword, ruleIds) in keywords)
                {
                    if (!text[i..].StartsWith(keyword, comparison))
                    {
                        continue;
                    }
                    foreach (var r in ruleIds)
                    {
                        if (active[r])
                        {
                            AddWindow(text, i, Rules.Rules[r].Multiline, windows[r] ??= []);
                        }
                    }
                }
            }
            pos = i + 1;
        }
    }

    /// <summary>The keyword's line (bounded), or 64 KB from its line for a multi-line rule, merged with the rule's previous window.</summary>
    private static void AddWindow(ReadOnlySpan<char> text, int at, bool multiline, List<(int Start, int End)> list)
    {
        var low = Math.Max(0, at - MaxBack);
        var back = text[low..at].LastIndexOf('\n');
        var start = back < 0 ? low : low + back + 1;
        int end;
        if (multiline)
        {
            end = (int)Math.Min(text.Length, (long)at + MultilineSpan);
        }
        else
        {
            var high = (int)Math.Min(text.Length, (long)at + MaxForward);
            var forward = text[at..high].IndexOf('\n');
            end = forward < 0 ? high : at + forward;
        }
        if (list.Count > 0 && start <= list[^1].End && list[^1].End - list[^1].Start < MaxWindow)
        {
            list[^1] = (list[^1].Start, Math.Max(list[^1].End, end));
        }
        else
        {
            list.Add((start, end));
        }
    }

    /// <summary>A match becomes a candidate when its secret is in the reported range and passes every allow check.</summary>
    private Candidate? Accept(string path, SecretRule rule, int ruleIndex, ReadOnlySpan<char> match, int at, int reportFrom, int reportTo)
    {
        var matchText = match.ToString();
        int start = at, length = match.Length;
        var secret = matchText;
        if (rule.SecretGroup is { } group)
        {
            // EnumerateMatches gives no groups: the match alone is matched again, once, for its secret group.
            var full = rule.Pattern.Match(matchText);
            var g = full.Success ? full.Groups[group] : null;
            if (g is null || !g.Success || g.Length == 0)
            {
                return null;
            }
            start = at + g.Index;
            length = g.Length;
            secret = g.Value;
        }
        if (start < reportFrom || start >= reportTo)
        {
            return null;
        }
        if (rule.MinEntropy > 0 && Entropy.Shannon(secret) < rule.MinEntropy)
        {
            return null;
        }
        if (AllowRules.IsAllowedValue(Decode(secret), rule.Generic) || rule.Allow?.IsMatch(matchText) == true)
        {
            return null;
        }
        if (rule.Validate is { } validate && !validate(secret))
        {
            return null;
        }
        foreach (var allow in Rules.Allow)
        {
            if (allow.Value is { } value && (allow.Path is null || allow.Path.IsMatch(path)) && (value.IsMatch(secret) || value.IsMatch(matchText)))
            {
                return null;
            }
        }
        return new Candidate(ruleIndex, start, length, secret);
    }

    /// <summary>Column in characters: UTF-8 continuation bytes (0x80-0xBF, widened) do not start a character.</summary>
    private static int Column(ReadOnlySpan<char> beforeOnLine)
    {
        var continuation = 0;
        foreach (var c in beforeOnLine)
        {
            if (c is >= '\u0080' and <= '\u00BF')
            {
                continuation++;
            }
        }
        return beforeOnLine.Length - continuation + 1;
    }

    /// <summary>The secret's line, some context each side, every secret on it masked.</summary>
    private static string Snippet(ReadOnlySpan<char> text, Candidate c, int lineStart, List<Candidate> all, IReadOnlyList<SecretRule> rules)
    {
        var from = Math.Max(lineStart, c.Start - Context);
        var lineEnd = text[c.Start..].IndexOfAny('\n', '\r');
        var secretEnd = c.Start + c.Length;
        var end = lineEnd < 0 ? text.Length : c.Start + lineEnd;
        end = Math.Min(end, Math.Max(secretEnd, c.Start) + Context);
        var sb = new StringBuilder();
        var pos = from;
        foreach (var other in all)
        {
            var otherEnd = other.Start + other.Length;
            if (otherEnd <= pos || other.Start >= end)
            {
                continue;
            }
            if (other.Start > pos)
            {
                sb.Append(Decode(text[pos..other.Start]));
            }
            var rule = rules[other.Rule];
            sb.Append(Redaction.Mask(Decode(other.Secret), keepPrefix: !rule.Generic && rule.Category is not ("Database" or "PasswordHash")));
            pos = Math.Max(pos, otherEnd);
        }
        if (pos < end)
        {
            sb.Append(Decode(text[pos..end]));
        }
        return Redaction.Printable(sb.ToString().Trim());
    }

    /// <summary>Widened bytes back to text: valid UTF-8 reads as itself, anything else as U+FFFD.</summary>
    private static string Decode(ReadOnlySpan<char> widened)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, widened.Length));
        try
        {
            var n = Encoding.Latin1.GetBytes(widened, bytes);
            return Encoding.UTF8.GetString(bytes, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static string Decode(string widened) => widened.AsSpan().ContainsAnyInRange('\u0080', '\u00FF') ? Decode(widened.AsSpan()) : widened;
}
