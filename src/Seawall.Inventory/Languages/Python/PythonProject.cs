using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Tomlyn.Model;

namespace Seawall.Inventory.Languages.Python;

/// <summary>
/// What a project's manifest declares, read beside its lockfile: which packages are direct dependencies (lockfiles list
/// the whole closure without saying), and which dependency groups are for development or optional. Names are normalised.
/// </summary>
internal sealed record PythonProject(
    IReadOnlySet<string> Main,
    IReadOnlySet<string> DevDirect,
    IReadOnlySet<string> OptionalDirect,
    IReadOnlySet<string> DevGroups,
    IReadOnlySet<string> OptionalGroups)
{
    /// <summary>Every direct dependency, whatever its group.</summary>
    public bool IsDirect(string name)
    {
        var normalized = Pep508.Normalize(name);
        return Main.Contains(normalized) || DevDirect.Contains(normalized) || OptionalDirect.Contains(normalized);
    }

    /// <summary>pyproject.toml beside the lockfile: PEP 621 [project], PEP 735 [dependency-groups], Poetry and PDM tables.</summary>
    public static async Task<PythonProject?> ReadPyprojectAsync(IFileTree tree, string lockfilePath, AnalysisSink sink, CancellationToken ct)
    {
        var path = TreePath.Combine(TreePath.Parent(lockfilePath), "pyproject.toml");
        var root = await ReadTomlAsync(tree, path, sink, ct).ConfigureAwait(false);
        return root is null ? null : FromPyproject(root);
    }

    /// <summary>Pipfile beside Pipfile.lock: [packages] and [dev-packages].</summary>
    public static async Task<PythonProject?> ReadPipfileAsync(IFileTree tree, string lockfilePath, AnalysisSink sink, CancellationToken ct)
    {
        var path = TreePath.Combine(TreePath.Parent(lockfilePath), "Pipfile");
        var root = await ReadTomlAsync(tree, path, sink, ct).ConfigureAwait(false);
        if (root is null)
        {
            return null;
        }
        var main = new HashSet<string>(StringComparer.Ordinal);
        var dev = new HashSet<string>(StringComparer.Ordinal);
        AddKeys(main, LockToml.Table(root, "packages"));
        AddKeys(dev, LockToml.Table(root, "dev-packages"));
        return new PythonProject(main, dev, Empty(), Empty(), Empty());
    }

    internal static PythonProject FromPyproject(TomlTable root)
    {
        var main = Empty();
        var dev = Empty();
        var optional = Empty();
        var devGroups = Empty();
        var optionalGroups = Empty();

        if (LockToml.Table(root, "project") is { } project)
        {
            AddSpecifiers(main, LockToml.Strings(project, "dependencies"));
            if (LockToml.Table(project, "optional-dependencies") is { } extras)
            {
                foreach (var (group, _) in extras)
                {
                    optionalGroups.Add(group);
                    AddSpecifiers(optional, LockToml.Strings(extras, group));
                }
            }
        }
        // PEP 735 dependency groups are development groups (uv and PDM write dev dependencies there).
        if (LockToml.Table(root, "dependency-groups") is { } groups)
        {
            foreach (var (group, _) in groups)
            {
                devGroups.Add(group);
                AddSpecifiers(dev, LockToml.Strings(groups, group));
            }
        }
        if (LockToml.Table(root, "tool") is { } tool)
        {
            if (LockToml.Table(tool, "poetry") is { } poetry)
            {
                AddKeys(main, LockToml.Table(poetry, "dependencies"));
                AddKeys(dev, LockToml.Table(poetry, "dev-dependencies"));
                if (LockToml.Table(poetry, "group") is { } poetryGroups)
                {
                    foreach (var (group, value) in poetryGroups)
                    {
                        if (value is TomlTable table)
                        {
                            devGroups.Add(group);
                            AddKeys(dev, LockToml.Table(table, "dependencies"));
                        }
                    }
                }
            }
            if (LockToml.Table(tool, "pdm") is { } pdm && LockToml.Table(pdm, "dev-dependencies") is { } pdmDev)
            {
                foreach (var (group, _) in pdmDev)
                {
                    devGroups.Add(group);
                    AddSpecifiers(dev, LockToml.Strings(pdmDev, group));
                }
            }
        }
        // The interpreter constraint is not a package.
        main.Remove("python");
        dev.Remove("python");
        return new PythonProject(main, dev, optional, devGroups, optionalGroups);
    }

    private static HashSet<string> Empty() => new(StringComparer.Ordinal);

    private static async Task<TomlTable?> ReadTomlAsync(IFileTree tree, string path, AnalysisSink sink, CancellationToken ct)
    {
        var bytes = await TreeFiles.TryReadAsync(tree, path, ct).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }
        try
        {
            return LockToml.Parse(TreeFiles.Decode(bytes));
        }
        catch (MalformedFileException ex)
        {
            sink.Warn(LanguageResults.Warning(path, "python", ex) + "; direct dependencies not marked");
            return null;
        }
    }

    private static void AddKeys(HashSet<string> names, TomlTable? table)
    {
        if (table is null)
        {
            return;
        }
        foreach (var (key, _) in table)
        {
            names.Add(Pep508.Normalize(key));
        }
    }

    private static void AddSpecifiers(HashSet<string> names, IEnumerable<string> specifiers)
    {
        foreach (var specifier in specifiers)
        {
            if (Pep508.LeadingName(specifier) is { } name)
            {
                names.Add(Pep508.Normalize(name));
            }
        }
    }
}
