using Seawall.Core.Analysis;
using Seawall.Inventory.Apk;
using Seawall.Inventory.Dpkg;
using Seawall.Inventory.Os;

namespace Seawall.Inventory;

/// <summary>Every built-in analyzer, one line each (the Syft cataloger shape): add a format here and it runs.</summary>
public static class AnalyzerCatalog
{
    public static IReadOnlyList<IAnalyzer> OsPackages() =>
    [
        new OsReleaseAnalyzer(),
        new DpkgAnalyzer(),
        new ApkAnalyzer(),
    ];
}
