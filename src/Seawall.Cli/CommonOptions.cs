using System.CommandLine;
using Seawall.Vulnerabilities.Filtering;
using Seawall.Vulnerabilities.Vex;

namespace Seawall.Cli;

/// <summary>Flags every scanning verb takes.</summary>
internal sealed class CommonOptions
{
    public Option<string> Format { get; } = new("--format", "-f")
    {
        Description = "Output format: table, json, cyclonedx, spdx-json, sarif",
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

    public Option<string[]> Scanners { get; } = new("--scanners")
    {
        Description = "What to look for, comma-separated: vuln, secret, misconfig, license (default vuln)",
    };

    public Option<string[]> Severity { get; } = new("--severity", "-s")
    {
        Description = "Only report vulnerabilities and secrets of these severities, comma-separated: CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN (default all)",
    };

    public Option<string?> SecretConfig { get; } = new("--secret-config")
    {
        Description = "YAML config of the secret scanner: custom rules, disable-rules, allow-rules, disable-allow-rules (Trivy's trivy-secret.yaml format)",
    };

    public Option<bool> IncludePassed { get; } = new("--include-passed") { Description = "Also list checks that passed, and info and manual ones (default: fail and warn only)" };

    public Option<bool> IgnoreUnfixed { get; } = new("--ignore-unfixed") { Description = "Only report vulnerabilities a fixed version exists for" };

    public Option<int> ExitCode { get; } = new("--exit-code")
    {
        Description = "Exit with this code when a vulnerability remains after filtering",
        DefaultValueFactory = _ => 0,
    };

    public Option<string?> IgnoreFile { get; } = new("--ignorefile")
    {
        Description = "Vulnerabilities to ignore, one id per line with optional exp:YYYY-MM-DD, pkg:PURL, path:GLOB (or *.yaml); default ./.seawallignore when present",
    };

    public Option<string[]> Vex { get; } = new("--vex")
    {
        Description = "OpenVEX or CycloneDX VEX documents: not_affected and fixed statements suppress the findings they name",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>--db-max-age, shared with `seawall db`; the database lives under --cache-dir (even with --no-cache, which is about layers).</summary>
    private readonly DatabaseOptions _database = new();

    public void AddTo(Command command)
    {
        PackageSources.AcceptOnlyFromAmong("installed", "lockfiles", "all");
        command.Options.Add(PackageSources);
        command.Options.Add(NoOsOwnedBinaries);
        Format.AcceptOnlyFromAmong("table", "json", "cyclonedx", "spdx-json", "sarif");
        command.Options.Add(Format);
        command.Options.Add(Scanners);
        command.Options.Add(Severity);
        command.Options.Add(SecretConfig);
        command.Options.Add(IgnoreUnfixed);
        command.Options.Add(IncludePassed);
        command.Options.Add(ExitCode);
        command.Options.Add(IgnoreFile);
        command.Options.Add(Vex);
        command.Options.Add(Output);
        command.Options.Add(CacheDir);
        command.Options.Add(NoCache);
        command.Options.Add(Quiet);
        command.Options.Add(Timeout);
        _database.AddTo(command, cacheDir: false, offline: false);
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
        Scanners = parse.GetValue(Scanners) is { Length: > 0 } scanners ? Parse(() => Scanning.Scanners.Parse(scanners), "--scanners") : null,
        Severities = parse.GetValue(Severity) is { Length: > 0 } severities ? Parse(() => VulnerabilityPolicy.ParseSeverities(severities), "--severity") : null,
        IgnoreUnfixed = parse.GetValue(IgnoreUnfixed),
        IncludePassed = parse.GetValue(IncludePassed),
        SecretConfig = parse.GetValue(SecretConfig),
        ExitCode = ValidExitCode(parse.GetValue(ExitCode)),
        IgnoreFile = parse.GetValue(IgnoreFile),
        VexFiles = parse.GetValue(Vex) ?? [],
        DatabasePath = Vulnerabilities.Store.AdvisoryStore.DefaultPath(parse.GetValue(CacheDir) ?? Artifacts.Cache.LayerCache.DefaultDirectory()),
        DatabaseMaxAge = _database.ReadMaxAge(parse),
    };

    private static int ValidExitCode(int code) =>
        code is >= 0 and <= 255 ? code : throw new UsageException($"--exit-code {code}: use 0 to 255");

    private static T Parse<T>(Func<T> parse, string option)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw new UsageException($"{option}: {ex.Message}");
        }
    }

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
    public bool IncludePassed { get; init; }
    public IReadOnlySet<Scanning.Scanner>? Scanners { get; init; }
    /// <summary>--secret-config as given; null: the built-in rules.</summary>
    public string? SecretConfig { get; init; }
    public IReadOnlySet<Core.Model.Severity>? Severities { get; init; }
    public bool IgnoreUnfixed { get; init; }
    /// <summary>Trivy's --exit-code: returned when any vulnerability is left after filtering; 0 never fails a run.</summary>
    public int ExitCode { get; init; }
    /// <summary>--ignorefile as given; null: ./.seawallignore if it exists.</summary>
    public string? IgnoreFile { get; init; }
    public IReadOnlyList<string> VexFiles { get; init; } = [];
    /// <summary>The advisory database the vulnerability scanner reads (&lt;cache-dir&gt;/db/seawall-advisories.db).</summary>
    public string? DatabasePath { get; init; }
    public TimeSpan DatabaseMaxAge { get; init; } = Vulnerabilities.Store.DatabaseInfo.DefaultMaxAge;

    /// <summary>Reads the ignore file and VEX documents (a missing or malformed one is a ScanException, exit 3).</summary>
    public VulnerabilityPolicy LoadPolicy()
    {
        var ignorePath = IgnoreFile ?? (File.Exists(Vulnerabilities.Filtering.IgnoreFile.DefaultName) ? Vulnerabilities.Filtering.IgnoreFile.DefaultName : null);
        return new VulnerabilityPolicy
        {
            Severities = Severities,
            IgnoreUnfixed = IgnoreUnfixed,
            IgnoreRules = ignorePath is null ? [] : Vulnerabilities.Filtering.IgnoreFile.Load(ignorePath),
            VexStatements = [.. VexFiles.SelectMany(VexDocuments.Load)],
        };
    }
}

internal sealed class UsageException(string message) : Exception(message);
