using Seawall.Core.FileTree;
using Seawall.Inventory.Languages.Python;
using Seawall.Inventory.Languages.Ruby;

namespace Seawall.Inventory.Sbom;

/// <summary>
/// Which result a package read from an SBOM belongs in, named as Seawall's analyzers name theirs: the result type
/// (npm, gobinary, python-pkg, ...) and the target (the lockfile, the binary, the site-packages directory).
/// </summary>
internal static class SbomResultTypes
{
    private static readonly string[] ArchiveSuffixes = [".jar", ".war", ".ear", ".par"];

    private static readonly Dictionary<string, string> ByFileName = new(StringComparer.Ordinal)
    {
        ["package-lock.json"] = "npm",
        ["npm-shrinkwrap.json"] = "npm",
        ["yarn.lock"] = "yarn",
        ["pnpm-lock.yaml"] = "pnpm",
        ["package.json"] = "node-pkg",
        ["Cargo.lock"] = "cargo",
        ["go.mod"] = "gomod",
        ["composer.lock"] = "composer",
        ["installed.json"] = "composer-vendor",
        ["Gemfile.lock"] = "bundler",
        ["poetry.lock"] = "poetry",
        ["Pipfile.lock"] = "pipenv",
        ["pdm.lock"] = "pdm",
        ["uv.lock"] = "uv",
        ["METADATA"] = "python-pkg",
        ["PKG-INFO"] = "python-pkg",
        ["packages.lock.json"] = "nuget",
        ["packages.config"] = "nuget",
        ["project.assets.json"] = "nuget",
        ["pom.xml"] = "pom",
        ["gradle.lockfile"] = "gradle",
        ["mix.lock"] = "hex",
        ["pubspec.lock"] = "pub",
    };

    /// <summary>
    /// The result type a file's packages get from Seawall's analyzers, by the file's name; for other files (a
    /// binary) by the ecosystem. Used where the producer records a path but no type Seawall knows (Syft).
    /// </summary>
    public static string? FromPath(string ecosystem, string path)
    {
        var name = TreePath.FileName(path);
        if (ArchiveSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)) || OuterArchive(path) != path)
        {
            return "jar";
        }
        if (ByFileName.TryGetValue(name, out var type))
        {
            return type;
        }
        if (name.EndsWith(".gemspec", StringComparison.Ordinal))
        {
            return "gemspec";
        }
        if (name.EndsWith(".deps.json", StringComparison.Ordinal))
        {
            return "dotnet-core";
        }
        if (name.StartsWith("requirements", StringComparison.Ordinal) && name.EndsWith(".txt", StringComparison.Ordinal))
        {
            return "pip";
        }
        if (name.EndsWith(".egg-info", StringComparison.Ordinal))
        {
            return "python-pkg";
        }
        return ecosystem switch
        {
            "Go" => "gobinary",
            "crates.io" => "rustbinary",
            _ => null,
        };
    }

    /// <summary>When nothing tells the file: the type Trivy gives packages of that ecosystem in an SBOM (installed metadata).</summary>
    public static string ForEcosystem(string ecosystem) => ecosystem switch
    {
        "npm" => "node-pkg",
        "PyPI" => "python-pkg",
        "RubyGems" => "gemspec",
        "Maven" => "jar",
        "Go" => "gomod",
        "crates.io" => "cargo",
        "NuGet" => "nuget",
        "Packagist" => "composer",
        "Hex" => "hex",
        "Pub" => "pub",
        _ => ecosystem.ToLowerInvariant(),
    };

    /// <summary>
    /// The result a package of this type and file belongs to, as Seawall's analyzers group them: all of node_modules
    /// is one "Node.js" result, Python and Ruby installed packages one per site-packages or specifications directory,
    /// a jar nested in another with the outer archive, every other file its own result.
    /// </summary>
    public static string TargetFor(string type, string filePath) => type switch
    {
        "node-pkg" => "Node.js",
        "python-pkg" => PythonPackagesAnalyzer.SiteDirectory(filePath) ?? filePath,
        "gemspec" => GemspecAnalyzer.SpecificationsDirectory(filePath) ?? filePath,
        "jar" => OuterArchive(filePath),
        _ => filePath,
    };

    /// <summary>"app.war/WEB-INF/lib/x.jar" to "app.war": nested archive paths continue past the outer file's name.</summary>
    private static string OuterArchive(string path)
    {
        var best = path.Length;
        foreach (var suffix in ArchiveSuffixes)
        {
            var index = path.IndexOf(suffix + "/", StringComparison.OrdinalIgnoreCase);
            if (index >= 0 && index + suffix.Length < best)
            {
                best = index + suffix.Length;
            }
        }
        return path[..best];
    }
}
