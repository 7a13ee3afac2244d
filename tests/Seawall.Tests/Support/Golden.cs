using System.Runtime.CompilerServices;

namespace Seawall.Tests.Support;

/// <summary>
/// Golden files under TestData/Golden: the expected output, byte for byte. Set SEAWALL_UPDATE_GOLDEN=1 to rewrite
/// them from the current output (then read the diff before committing).
/// </summary>
internal static class Golden
{
    public static void AssertMatches(string name, string actual, [CallerFilePath] string source = "")
    {
        var project = Path.GetDirectoryName(source);
        while (project is not null && !File.Exists(Path.Combine(project, "Seawall.Tests.csproj")))
        {
            project = Path.GetDirectoryName(project);
        }
        Assert.NotNull(project);
        var dir = Path.Combine(project, "TestData", "Golden");
        var path = Path.Combine(dir, name);
        actual = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("SEAWALL_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with SEAWALL_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }
}
