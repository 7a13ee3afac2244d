using System.Globalization;
using System.Text;
using Seawall.Secrets.Engine;

namespace Seawall.Secrets.Analysis;

/// <summary>
/// A file's secret scan as it is kept in a layer snapshot (and the layer cache): the masked hits and warnings, never
/// the file. It starts with a NUL, so no text scanner mistakes it for a file, and condensing it again returns it as is.
/// </summary>
public static class SecretSummary
{
    private static readonly byte[] Magic = "\0seawall-secrets/1\n"u8.ToArray();

    public static bool IsSummary(ReadOnlySpan<byte> content) => content.StartsWith(Magic);

    /// <summary>Nothing found and nothing to say: an empty summary, so the snapshot holds no bytes for the file.</summary>
    public static byte[] Encode(FileScan scan)
    {
        if (scan.Hits.Count == 0 && scan.Warnings.Count == 0)
        {
            return [];
        }
        var sb = new StringBuilder();
        foreach (var hit in scan.Hits)
        {
            sb.Append("S\t").Append(Clean(hit.RuleId)).Append('\t').Append(hit.Line.ToString(CultureInfo.InvariantCulture))
              .Append('\t').Append(hit.Column.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(Clean(hit.Match)).Append('\n');
        }
        foreach (var warning in scan.Warnings)
        {
            sb.Append("W\t").Append(Clean(warning)).Append('\n');
        }
        return [.. Magic, .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    public static FileScan Decode(ReadOnlySpan<byte> content)
    {
        var hits = new List<SecretHit>();
        var warnings = new List<string>();
        var text = Encoding.UTF8.GetString(content[Magic.Length..]);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            if (fields is ["S", var rule, var lineText, var columnText, var match]
                && int.TryParse(lineText, NumberStyles.None, CultureInfo.InvariantCulture, out var lineNumber)
                && int.TryParse(columnText, NumberStyles.None, CultureInfo.InvariantCulture, out var column))
            {
                hits.Add(new SecretHit(rule, lineNumber, column, match));
            }
            else if (fields is ["W", var warning])
            {
                warnings.Add(warning);
            }
        }
        return new FileScan(hits, warnings, false);
    }

    private static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
