namespace Seawall.Cli;

/// <summary>Exit codes, in one place: 0 ok, 1 findings at or above the --exit-code threshold, 2 usage error, 3 runtime error.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Findings = 1;
    public const int Usage = 2;
    public const int RuntimeError = 3;
}
