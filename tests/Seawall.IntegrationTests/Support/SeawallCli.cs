namespace Seawall.IntegrationTests.Support;

/// <summary>Runs the real `seawall` CLI (the built seawall.dll next to the tests) end to end.</summary>
public static class SeawallCli
{
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "seawall.dll");

    public static Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, null);

    public static Task<ProcessResult> RunAsync(IEnumerable<string> args, IDictionary<string, string>? env, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("dotnet", new[] { DllPath }.Concat(args), timeout ?? TimeSpan.FromMinutes(5), env);
}
