namespace Seawall.IntegrationTests.Support;

/// <summary>Runs the real `seawall` CLI (the built seawall.dll next to the tests) end to end.</summary>
public static class SeawallCli
{
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "seawall.dll");

    public static Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, null);

    public static Task<ProcessResult> RunAsync(IEnumerable<string> args, IDictionary<string, string>? env, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("dotnet", new[] { DllPath }.Concat(args), timeout ?? TimeSpan.FromMinutes(5), env);

    /// <summary>The warning every scan gives while no advisory database exists (tests use fresh cache folders).</summary>
    public const string NoDatabaseWarning = "warning: vulnerabilities not scanned: no advisory database";

    /// <summary>stderr without that warning, for tests about something else that expect an otherwise quiet run.</summary>
    public static string WithoutNoDatabaseWarning(string stderr) =>
        string.Concat(stderr.Split('\n').Where(l => !l.StartsWith(NoDatabaseWarning, StringComparison.Ordinal)).Select(l => l + "\n"))[..^1];
}
