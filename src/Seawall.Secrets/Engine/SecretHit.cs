namespace Seawall.Secrets.Engine;

/// <summary>One secret in one file: the rule, where it starts, and the masked text to show. Never the secret itself.</summary>
public sealed record SecretHit(string RuleId, int Line, int Column, string Match);

/// <summary>What a scan of one file found, and why a file was not (fully) scanned.</summary>
public sealed record FileScan(IReadOnlyList<SecretHit> Hits, IReadOnlyList<string> Warnings, bool Binary)
{
    public static FileScan BinaryFile { get; } = new([], [], true);
}
