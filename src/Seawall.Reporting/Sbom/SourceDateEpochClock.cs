using System.Globalization;

namespace Seawall.Reporting.Sbom;

/// <summary>
/// The clock SBOM writers stamp documents with: SOURCE_DATE_EPOCH when it is set and valid
/// (reproducible-builds.org/specs/source-date-epoch), else the real time. An invalid value (not a non-negative
/// count of seconds, or past year 9999) is ignored rather than failing the scan, as the spec allows.
/// </summary>
public sealed class SourceDateEpochClock(string? sourceDateEpoch, TimeProvider fallback) : TimeProvider
{
    private const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z, DateTimeOffset's limit

    private readonly DateTimeOffset? _fixed =
        long.TryParse(sourceDateEpoch, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public static SourceDateEpochClock FromEnvironment() => new(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), System);

    public override DateTimeOffset GetUtcNow() => _fixed ?? fallback.GetUtcNow();
}
