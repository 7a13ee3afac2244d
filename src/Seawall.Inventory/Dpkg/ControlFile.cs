using System.Text;

namespace Seawall.Inventory.Dpkg;

/// <summary>Debian control syntax (deb822): paragraphs of "Field: value" with indented continuation lines.</summary>
public static class ControlFile
{
    public static IEnumerable<Dictionary<string, string>> Paragraphs(string text)
    {
        Dictionary<string, string>? current = null;
        string? lastKey = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                if (current is { Count: > 0 })
                {
                    yield return current;
                }
                current = null;
                lastKey = null;
                continue;
            }
            current ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (line[0] is ' ' or '\t')
            {
                if (lastKey is not null)
                {
                    current[lastKey] = current[lastKey] + "\n" + line.Trim();
                }
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            lastKey = line[..colon].Trim();
            current[lastKey] = line[(colon + 1)..].Trim();
        }
        if (current is { Count: > 0 })
        {
            yield return current;
        }
    }

    public static string Decode(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
