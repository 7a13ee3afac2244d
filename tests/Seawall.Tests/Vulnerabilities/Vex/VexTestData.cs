using System.Runtime.CompilerServices;

namespace Seawall.Tests.Vulnerabilities.Vex;

/// <summary>The VEX documents under TestData/Vex, found from this source file.</summary>
internal static class VexTestData
{
    private static readonly string Directory = Path.Combine(Path.GetDirectoryName(ThisFile())!, "../../TestData/Vex");

    public static string File(string name) => Path.GetFullPath(Path.Combine(Directory, name));

    private static string ThisFile([CallerFilePath] string source = "") => source;
}
