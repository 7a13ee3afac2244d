namespace Seawall.Scanning;

/// <summary>What every scan shares, whatever its target.</summary>
public sealed record ScanOptions
{
    /// <summary>Layer cache directory; null turns the cache off (--no-cache).</summary>
    public string? CacheDir { get; init; }

    public int MaxConcurrency { get; init; } = Math.Max(2, Environment.ProcessorCount);
}
