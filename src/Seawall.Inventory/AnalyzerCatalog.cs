using Seawall.Core.Analysis;
using Seawall.Inventory.Apk;
using Seawall.Inventory.Dpkg;
using Seawall.Inventory.Languages.DotNet;
using Seawall.Inventory.Languages.Go;
using Seawall.Inventory.Languages.Java;
using Seawall.Inventory.Languages.Rust;
using Seawall.Inventory.Languages.Php;
using Seawall.Inventory.Languages.Python;
using Seawall.Inventory.Languages.Ruby;
using Seawall.Inventory.Languages.Npm;
using Seawall.Inventory.Os;
using Seawall.Inventory.Rpm;

namespace Seawall.Inventory;

/// <summary>Every built-in analyzer, one line each (the Syft cataloger shape): add a format here and it runs.</summary>
public static class AnalyzerCatalog
{
    /// <summary>Every analyzer; a scan keeps those whose <see cref="IAnalyzer.Sources"/> it asked for.</summary>
    public static IReadOnlyList<IAnalyzer> All() => [.. OsPackages(), .. LanguagePackages()];

    /// <summary>Language package analyzers (issue 3), one folder each under Seawall.Inventory/Languages.</summary>
    public static IReadOnlyList<IAnalyzer> LanguagePackages() =>
    [
        new GoModAnalyzer(),
        new GoBinaryAnalyzer(),
        new CargoLockAnalyzer(),
        new RustBinaryAnalyzer(),
        new PythonPackagesAnalyzer(),
        new RequirementsAnalyzer(),
        new PipenvLockAnalyzer(),
        new PoetryLockAnalyzer(),
        new UvLockAnalyzer(),
        new PdmLockAnalyzer(),
        new GemfileLockAnalyzer(),
        new GemspecAnalyzer(),
        new ComposerLockAnalyzer(),
        new ComposerInstalledAnalyzer(),
        new NpmLockAnalyzer(),
        new YarnLockAnalyzer(),
        new PnpmLockAnalyzer(),
        new NodeModulesAnalyzer(),
        new JarAnalyzer(),
        new PomAnalyzer(),
        new GradleLockAnalyzer(),
        new NuGetLockAnalyzer(),
        new DepsJsonAnalyzer(),
        new ProjectAssetsAnalyzer(),
        new PackagesConfigAnalyzer(),
    ];

    /// <summary>The OS's identity alone, for scans that read no packages (--scanners secret or misconfig).</summary>
    public static IReadOnlyList<IAnalyzer> OsIdentity() => [new OsReleaseAnalyzer()];

    public static IReadOnlyList<IAnalyzer> OsPackages() =>
    [
        new OsReleaseAnalyzer(),
        new DpkgAnalyzer(),
        new ApkAnalyzer(),
        new RpmAnalyzer(),
    ];
}
