using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Seawall.Inventory.Languages.Rust;

/// <summary>One [[package]] of a Cargo.lock; Source is null for workspace members and path dependencies.</summary>
internal sealed record CargoLockPackage(string Name, string Version, string? Source, IReadOnlyList<string> Dependencies);

/// <summary>
/// Cargo.lock, formats v1 to v4. The [[package]] tables are the same in all; what differs is how a dependency is
/// named: "name version (source)" in v1, then just "name" when one version of it is locked, "name version" when
/// several are (v2 and later; v3 and v4 add a version key and change checksums and git URLs, not the graph).
/// </summary>
internal static partial class CargoLock
{
    public static IReadOnlyList<CargoLockPackage> Parse(string text)
    {
        TomlTable document;
        try
        {
            document = TomlSerializer.Deserialize(text, CargoLockTomlContext.Default.TomlTable)
                ?? throw new FormatException("not a TOML document");
        }
        catch (TomlException ex)
        {
            throw new FormatException($"invalid TOML: {Diagnostic(ex.Message)}", ex);
        }
        if (!document.TryGetValue("package", out var value))
        {
            return [];
        }
        IEnumerable<TomlTable> tables = value switch
        {
            TomlTableArray array => array,
            TomlArray array => array.OfType<TomlTable>(),
            _ => throw new FormatException("\"package\" is not an array of tables"),
        };
        var packages = new List<CargoLockPackage>();
        foreach (var table in tables)
        {
            var name = String(table, "name");
            var version = String(table, "version");
            if (name is null || version is null)
            {
                throw new FormatException($"a [[package]] lacks a name or version (package {name ?? "?"})");
            }
            var dependencies = table.TryGetValue("dependencies", out var deps) && deps is TomlArray list
                ? list.OfType<string>().ToList()
                : [];
            packages.Add(new CargoLockPackage(name, version, String(table, "source"), dependencies));
        }
        return packages;
    }

    /// <summary>
    /// A dependency entry as "name@version": "name version (source)" (v1) and "name version" give it directly,
    /// a bare "name" is the only locked version of that crate. Null when the lockfile has no such crate.
    /// </summary>
    public static string? Resolve(string entry, ILookup<string, CargoLockPackage> byName)
    {
        var fields = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length switch
        {
            1 => byName[fields[0]].Select(p => $"{p.Name}@{p.Version}").FirstOrDefault(),
            >= 2 => $"{fields[0]}@{fields[1]}",
            _ => null,
        };
    }

    /// <summary>
    /// Tomlyn's message holds one line per diagnostic, wrapped in serializer text: the first, as "line L, column C: what".
    /// </summary>
    private static string Diagnostic(string message)
    {
        var first = message.Split('\n', 2)[0].Trim();
        var reason = first.IndexOf("Reason: ", StringComparison.Ordinal);
        if (reason >= 0)
        {
            first = first[(reason + "Reason: ".Length)..];
        }
        var match = DiagnosticPattern().Match(first);
        return match.Success ? $"line {match.Groups[1].Value}, column {match.Groups[2].Value}: {match.Groups[3].Value}" : first;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\((\d+),(\d+)\)\s*:\s*error\s*:\s*(.*)$")]
    private static partial System.Text.RegularExpressions.Regex DiagnosticPattern();

    private static string? String(TomlTable table, string key) =>
        table.TryGetValue(key, out var value) && value is string s ? s : null;
}

/// <summary>Tomlyn's untyped model through a source-generated context: no reflection, so the CLI stays Native AOT.</summary>
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class CargoLockTomlContext : TomlSerializerContext;
