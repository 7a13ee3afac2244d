using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Languages;

/// <summary>A lockfile or metadata file that cannot be read; the analyzer turns it into one warning naming the file.</summary>
internal sealed class MalformedFileException(string message, int? line = null) : Exception(message)
{
    /// <summary>1-based line of the problem, where the format tells.</summary>
    public int? Line { get; } = line;
}

/// <summary>What every language analyzer does with its findings: one result per file, packages stamped with the file and its layer.</summary>
internal static class LanguageResults
{
    /// <summary>Adds one result for a file, its packages sorted by name then version; nothing when there are none.</summary>
    public static void Add(AnalysisSink sink, AnalyzerFile file, string type, IEnumerable<Package> packages) =>
        Add(sink, file.Path, type, packages.Select(p => p with { FilePath = p.FilePath ?? file.Path, Layer = p.Layer ?? file.Node.Layer }));

    /// <summary>Adds one result named by target (a file, or a directory for a group of installed packages).</summary>
    public static void Add(AnalysisSink sink, string target, string type, IEnumerable<Package> packages)
    {
        var sorted = packages
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Version, StringComparer.Ordinal)
            .ThenBy(p => p.FilePath, StringComparer.Ordinal)
            .ToList();
        if (sorted.Count > 0)
        {
            sink.AddResult(new ScanResult { Target = target, Class = ResultClass.LangPackages, Type = type, Packages = sorted });
        }
    }

    /// <summary>The one-line warning for a file that could not be read.</summary>
    public static string Warning(string path, string analyzer, Exception ex) => ex switch
    {
        MalformedFileException { Line: { } line } => $"{path}:{line}: {analyzer}: {OneLine(ex.Message)}",
        _ => $"{path}: {analyzer}: {OneLine(ex.Message)}",
    };

    /// <summary>A System.Text.Json error as a malformed file: the message without its position trailer (the line is kept apart).</summary>
    public static MalformedFileException FromJson(System.Text.Json.JsonException ex)
    {
        var message = ex.Message;
        foreach (var trailer in new[] { " Path: ", " LineNumber: " })
        {
            var cut = message.IndexOf(trailer, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }
        return new MalformedFileException($"invalid JSON: {message.TrimEnd('.', ' ')}", ex.LineNumber is { } line ? (int)Math.Min(line + 1, int.MaxValue) : null);
    }

    /// <summary>Messages quote file content (a bad literal with its newline): warnings stay one line, without control characters.</summary>
    internal static string OneLine(string message)
    {
        var sb = new System.Text.StringBuilder(message.Length);
        var space = false;
        foreach (var c in message)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space)
            {
                sb.Append(' ');
                space = false;
            }
            sb.Append(c);
        }
        return sb.Length <= 300 ? sb.ToString() : sb.ToString(0, 300) + "...";
    }
}
