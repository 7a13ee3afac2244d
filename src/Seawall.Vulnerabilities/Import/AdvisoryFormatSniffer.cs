using System.Text.Json;

namespace Seawall.Vulnerabilities.Import;

/// <summary>Tells the advisory formats apart by their first bytes, so `seawall db import` needs no --source for ordinary input.</summary>
internal static class AdvisoryFormatSniffer
{
    private static readonly HashSet<string> OsvFields = new(StringComparer.Ordinal)
    {
        "schema_version", "id", "modified", "published", "withdrawn", "aliases", "related", "upstream", "summary", "details",
        "severity", "affected", "references", "credits", "database_specific",
    };

    private static readonly HashSet<string> SecdbFields = new(StringComparer.Ordinal)
    {
        "apkurl", "archs", "reponame", "urlprefix", "distroversion", "packages",
    };

    /// <summary>What a file holds: a zip is OSV's export, YAML is secdb, JSON is told by its first keys. Null when unknown.</summary>
    public static AdvisoryFormat? Sniff(string path)
    {
        byte[] start;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            start = new byte[(int)Math.Min(stream.Length, 64 * 1024)];
            stream.ReadExactly(start);
        }
        if (start.Length >= 4 && start[0] == (byte)'P' && start[1] == (byte)'K' && start[2] is 3 or 5)
        {
            return AdvisoryFormat.Osv;
        }
        var extension = Path.GetExtension(path);
        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase))
        {
            return AdvisoryFormat.AlpineSecdb;
        }
        return SniffJson(start);
    }

    internal static AdvisoryFormat? SniffJson(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            start = start[3..];
        }
        var reader = new Utf8JsonReader(start, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
            {
                return null;
            }
            var first = reader.GetString()!;
            if (OsvFields.Contains(first))
            {
                return AdvisoryFormat.Osv;
            }
            if (SecdbFields.Contains(first))
            {
                return AdvisoryFormat.AlpineSecdb;
            }
            // The tracker: { package: { "CVE-…" or "TEMP-…": { … "releases": … } } }.
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var issue = reader.GetString()!;
                if (issue.StartsWith("CVE-", StringComparison.Ordinal) || issue.StartsWith("TEMP-", StringComparison.Ordinal) || issue.StartsWith("DSA-", StringComparison.Ordinal) || issue.StartsWith("DLA-", StringComparison.Ordinal))
                {
                    return AdvisoryFormat.DebianTracker;
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
