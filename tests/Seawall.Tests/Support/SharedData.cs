namespace Seawall.Tests.Support;

/// <summary>
/// The team's shared test corpus (../shared/data beside the repository). Tests that need it call
/// <see cref="Require"/>, which skips them with a message on a plain clone where it is absent.
/// </summary>
public static class SharedData
{
    public static string? Root { get; } = Find();

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("SEAWALL_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The full path of a shared-data file or folder; skips the test when the corpus is not there.</summary>
    public static string Require(string relative)
    {
        Assert.SkipWhen(Root is null, "../shared/data is not present beside this clone; test needs the shared corpus");
        var path = Path.Combine(Root!, relative);
        Assert.True(File.Exists(path) || Directory.Exists(path), $"shared data missing: {path}");
        return path;
    }
}
