using System.CommandLine;

namespace Seawall.Cli;

/// <summary>Flags every scanning verb takes.</summary>
internal sealed class CommonOptions
{
    public Option<string> Format { get; } = new("--format", "-f")
    {
        Description = "Output format: table, json, cyclonedx, spdx-json",
        DefaultValueFactory = _ => "table",
    };

    public Option<string?> Output { get; } = new("--output", "-o") { Description = "Write the report to this file instead of stdout" };

    public Option<string?> CacheDir { get; } = new("--cache-dir") { Description = "Cache directory (default ~/.cache/seawall)" };

    public Option<bool> NoCache { get; } = new("--no-cache") { Description = "Neither read nor write the layer cache" };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress or warnings on stderr" };

    public Option<string?> Timeout { get; } = new("--timeout") { Description = "Give up after this long, e.g. 90s, 5m (default 5m)" };

    public Option<string?> PackageSources { get; } = new("--package-sources")
    {
        Description = "Where to read packages from: installed (package databases, installed metadata, binaries), lockfiles, or all. Default: installed for image and rootfs, lockfiles for fs",
    };

    public Option<bool> NoOsOwnedBinaries { get; } = new("--no-os-owned-binaries")
    {
        Description = "Do not inventory Go and Rust binaries that an OS package installed (Trivy's behaviour)",
    };

    public void AddTo(Command command)
    {
        PackageSources.AcceptOnlyFromAmong("installed", "lockfiles", "all");
        command.Options.Add(PackageSources);
        command.Options.Add(NoOsOwnedBinaries);
        Format.AcceptOnlyFromAmong("table", "json", "cyclonedx", "spdx-json");
        command.Options.Add(Format);
        command.Options.Add(Output);
        command.Options.Add(CacheDir);
        command.Options.Add(NoCache);
        command.Options.Add(Quiet);
        command.Options.Add(Timeout);
    }

    public RunSettings Read(ParseResult parse) => new(
        parse.GetValue(Format) ?? "table",
        parse.GetValue(Output),
        parse.GetValue(NoCache) ? null : parse.GetValue(CacheDir) ?? Artifacts.Cache.LayerCache.DefaultDirectory(),
        parse.GetValue(Quiet),
        ParseTimeout(parse.GetValue(Timeout)))
    {
        PackageSources = parse.GetValue(PackageSources) switch
        {
            "installed" => Core.Analysis.PackageSources.Installed,
            "lockfiles" => Core.Analysis.PackageSources.Lockfiles,
            "all" => Core.Analysis.PackageSources.All,
            _ => null,
        },
        IncludeOsOwnedBinaries = !parse.GetValue(NoOsOwnedBinaries),
    };

    internal static TimeSpan ParseTimeout(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeSpan.FromMinutes(5);
        }
        text = text.Trim();
        var unit = text[^1];
        var number = char.IsAsciiDigit(unit) ? text : text[..^1];
        if (!double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new UsageException($"invalid --timeout '{text}': use a number with s, m or h, e.g. 90s or 5m");
        }
        return unit switch
        {
            'h' => TimeSpan.FromHours(value),
            'm' => TimeSpan.FromMinutes(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }
}

internal sealed record RunSettings(string Format, string? Output, string? CacheDir, bool Quiet, TimeSpan Timeout)
{
    public Core.Analysis.PackageSources? PackageSources { get; init; }
    public bool IncludeOsOwnedBinaries { get; init; } = true;
}

internal sealed class UsageException(string message) : Exception(message);
