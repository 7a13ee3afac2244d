using System.Text;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Reporting.Writers;

namespace Seawall.Tests.Reporting;

/// <summary>Runs a writer into memory; a fixed clock makes the timestamp, and so the whole document, repeatable.</summary>
internal static class WriterOutput
{
    public static readonly DateTimeOffset FixedTime = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static async Task<string> WriteAsync(IReportWriter writer, ScanReport report)
    {
        using var ms = new MemoryStream();
        await writer.WriteAsync(report, ms, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static IEnumerable<Package> AllPackages(ScanReport report) => report.Results.SelectMany(r => r.Packages);

    /// <summary>The licence ids SPDX knows, taken from the licence list CycloneDX's spdx.schema.json enumerates.</summary>
    public static IReadOnlySet<string> SpdxLicenseIds()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Support.SharedData.Require("schemas/spdx.schema.json")));
        return doc.RootElement.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>A clock that always says the same time.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
