using System.Text.RegularExpressions;
using Seawall.Core.Model;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Vulnerabilities.Matching;

/// <summary>
/// RHEL 8 and later ship some packages in several AppStream module streams at once (nodejs:18, nodejs:20, postgresql:15),
/// each its own build line, and the RHEL family's OSV records name the package without the stream: nodejs fixed in
/// 1:20.15.1-1.module+el8.10.0+... says nothing of nodejs 18 from the nodejs:18 stream, yet compares above it. So a
/// modular package meets only modular advisory entries and a plain one only plain entries, and where an advisory names
/// the module's stream in its summary ("Important: nodejs:20 security update", as AlmaLinux, Rocky Linux and Red Hat
/// title them) it must be the installed package's stream. Trivy keeps streams apart the same way, with module-namespaced
/// package names in its own database.
/// </summary>
internal static partial class ModuleStreams
{
    /// <summary>True for a package built in a module stream: a modularity label, or a module release tag where none was kept.</summary>
    public static bool IsModular(Package package) => !string.IsNullOrEmpty(package.ModularityLabel) || IsModuleRelease(package.Version);

    /// <summary>True when the entry's versions are module builds (".module+el8.10.0+...", AlmaLinux's ".module_el8...").</summary>
    public static bool IsModularBuild(AffectedEntry entry) =>
        IsModuleRelease(entry.FixedVersion) || entry.Ranges.SelectMany(r => r.Events).Any(e => IsModuleRelease(e.Version));

    /// <summary>"nodejs:18" of the modularity label "nodejs:18:8090020231019152822:a75119d5"; null for a plain package.</summary>
    public static (string Module, string Stream)? Stream(Package package) =>
        package.ModularityLabel?.Split(':') is [var module, var stream, ..] && module.Length > 0 && stream.Length > 0 ? (module, stream) : null;

    /// <summary>False only when the summary names streams of the package's module and none is the installed one.</summary>
    public static bool AdvisoryFits((string Module, string Stream) installed, string? summary)
    {
        if (string.IsNullOrEmpty(summary))
        {
            return true;
        }
        var named = false;
        foreach (Match match in StreamPattern().Matches(summary))
        {
            if (match.Groups["module"].Value == installed.Module)
            {
                named = true;
                if (match.Groups["stream"].Value == installed.Stream)
                {
                    return true;
                }
            }
        }
        return !named;
    }

    private static bool IsModuleRelease(string? version) =>
        version is not null && (version.Contains(".module+", StringComparison.Ordinal) || version.Contains(".module_", StringComparison.Ordinal));

    // module:stream as summaries write them: "nodejs:20", "postgresql:15", "container-tools:rhel8", "php:8.1".
    [GeneratedRegex(@"(?<![\w.:-])(?<module>[A-Za-z0-9][\w.+-]*):(?<stream>[\w.+-]*\w)(?![\w:])", RegexOptions.CultureInvariant)]
    private static partial Regex StreamPattern();
}
