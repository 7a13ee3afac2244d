using System.Text;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// Python core metadata (METADATA of a wheel's .dist-info, PKG-INFO of an .egg-info): RFC 822 style headers, one per
/// line, a line starting with whitespace continuing the previous one, up to the first blank line (the description body).
/// </summary>
internal sealed class CoreMetadata
{
    private readonly List<KeyValuePair<string, string>> _headers;

    private CoreMetadata(List<KeyValuePair<string, string>> headers) => _headers = headers;

    /// <summary>The first value of a header (names are case-insensitive), or null.</summary>
    public string? Get(string name) => _headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Every value of a repeatable header (Classifier, Requires-Dist).</summary>
    public IEnumerable<string> GetAll(string name) =>
        _headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public static CoreMetadata Parse(string text)
    {
        var headers = new List<KeyValuePair<string, string>>();
        string? key = null;
        var value = new StringBuilder();
        void Flush()
        {
            if (key is not null)
            {
                headers.Add(new(key, value.ToString().Trim()));
            }
            key = null;
            value.Clear();
        }
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                break;
            }
            if (line[0] is ' ' or '\t')
            {
                if (key is not null)
                {
                    value.Append('\n').Append(line.Trim());
                }
                continue;
            }
            Flush();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                // Not a header: the body started without its blank line (seen in hand-made PKG-INFO files).
                break;
            }
            key = line[..colon].Trim();
            value.Append(line[(colon + 1)..].Trim());
        }
        Flush();
        return new CoreMetadata(headers);
    }

    /// <summary>The header block of a metadata file, without the description body: what <see cref="Parse"/> reads.</summary>
    public static byte[] HeaderBlock(byte[] content)
    {
        var span = content.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] != '\n')
            {
                continue;
            }
            var next = i + 1;
            if (next < span.Length && span[next] == '\r')
            {
                next++;
            }
            if (next < span.Length && span[next] == '\n')
            {
                return span[..(i + 1)].ToArray();
            }
        }
        return content;
    }

    /// <summary>
    /// Licences as Trivy reads them: License-Expression (PEP 639), else a one-line License field, else the last part of
    /// each "License ::" classifier ("License :: OSI Approved :: MIT License" gives "MIT License").
    /// </summary>
    public IReadOnlyList<string> Licenses()
    {
        if (Get("License-Expression") is { Length: > 0 } expression)
        {
            return [expression];
        }
        // Some packages paste the whole licence text into License: that is not a licence name.
        if (Get("License") is { Length: > 0 and <= 200 } license && !license.Contains('\n', StringComparison.Ordinal)
            && !license.Equals("UNKNOWN", StringComparison.OrdinalIgnoreCase))
        {
            return [license];
        }
        return [.. GetAll("Classifier")
            .Where(c => c.StartsWith("License ::", StringComparison.Ordinal))
            .Select(c => c.Split("::")[^1].Trim())
            .Where(c => c.Length > 0 && c != "OSI Approved")
            .Distinct(StringComparer.Ordinal)];
    }
}
