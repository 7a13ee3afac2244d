using System.Text;
using Seawall.Core.Analysis;
using Seawall.Core.Model;

namespace Seawall.Inventory.Os;

/// <summary>
/// Detects the distribution from os-release and its relatives. os-release names the family; a
/// distribution's own release file refines the version where it is more precise (debian_version says
/// 12.5 where os-release says 12; alpine-release 3.19.1; centos-release 7.9.2009).
/// </summary>
public sealed class OsReleaseAnalyzer : IAnalyzer
{
    private static readonly HashSet<string> Paths = new(StringComparer.Ordinal)
    {
        "etc/os-release", "usr/lib/os-release", "etc/lsb-release", "etc/debian_version", "etc/alpine-release",
        "etc/redhat-release", "etc/centos-release", "etc/rocky-release", "etc/almalinux-release", "etc/fedora-release",
        "etc/system-release", "etc/oracle-release", "etc/SuSE-release",
    };

    public string Id => "os-release";

    public int Version => 1;

    public long MaxFileSize => 64 * 1024;

    public bool IsApplicable(string path) => Paths.Contains(path);

    public Task AnalyzeAsync(AnalyzerInput input, AnalysisSink sink, CancellationToken cancellationToken)
    {
        var files = input.Files.ToDictionary(f => f.Path, f => Encoding.UTF8.GetString(f.Content), StringComparer.Ordinal);
        var os = Detect(files);
        if (os is not null)
        {
            sink.AddOs(os, 10, "os-release");
        }
        return Task.CompletedTask;
    }

    /// <summary>Detection from file contents keyed by root-relative path; public for the host audit and tests.</summary>
    public static OsInfo? Detect(IReadOnlyDictionary<string, string> files)
    {
        var release = files.GetValueOrDefault("etc/os-release") ?? files.GetValueOrDefault("usr/lib/os-release");
        if (release is not null)
        {
            var fields = ParseKeyValues(release);
            var id = fields.GetValueOrDefault("ID")?.ToLowerInvariant();
            if (!string.IsNullOrEmpty(id))
            {
                var version = fields.GetValueOrDefault("VERSION_ID") ?? string.Empty;
                var name = fields.GetValueOrDefault("PRETTY_NAME") ?? fields.GetValueOrDefault("NAME");
                var codename = fields.GetValueOrDefault("VERSION_CODENAME");
                var family = FamilyOf(id, fields.GetValueOrDefault("ID_LIKE"));
                version = Refine(family, version, files);
                var distroless = name?.Contains("distroless", StringComparison.OrdinalIgnoreCase) == true;
                return new OsInfo(family, version, name, codename) { Distroless = distroless };
            }
        }
        // Images without os-release: fall back to a distribution's own file.
        if (files.GetValueOrDefault("etc/alpine-release") is { } alpine)
        {
            return new OsInfo("alpine", alpine.Trim());
        }
        if (files.GetValueOrDefault("etc/debian_version") is { } debian)
        {
            return new OsInfo("debian", debian.Trim());
        }
        foreach (var (file, family) in new[] { ("etc/centos-release", "centos"), ("etc/rocky-release", "rocky"), ("etc/almalinux-release", "alma"), ("etc/fedora-release", "fedora"), ("etc/oracle-release", "oracle"), ("etc/redhat-release", "redhat") })
        {
            if (files.GetValueOrDefault(file) is { } text && ReleaseNumber(text) is { } v)
            {
                return new OsInfo(family, v, text.Trim());
            }
        }
        return null;
    }

    /// <summary>Maps os-release IDs to the family names advisories use.</summary>
    public static string FamilyOf(string id, string? idLike) => id switch
    {
        "rhel" => "redhat",
        "almalinux" => "alma",
        "amzn" => "amazon",
        "ol" => "oracle",
        "sles" or "sled" or "sle_hpc" => "sles",
        "opensuse-leap" or "opensuse" => "opensuse-leap",
        "opensuse-tumbleweed" => "opensuse-tumbleweed",
        "mariner" => "cbl-mariner",
        _ => id,
    };

    private static string Refine(string family, string version, IReadOnlyDictionary<string, string> files)
    {
        switch (family)
        {
            case "debian":
                // debian_version holds the point release ("12.5"); testing and sid hold "trixie/sid".
                if (files.GetValueOrDefault("etc/debian_version") is { } dv && char.IsAsciiDigit(dv.Trim().FirstOrDefault()))
                {
                    return dv.Trim();
                }
                break;
            case "alpine":
                if (files.GetValueOrDefault("etc/alpine-release") is { } av && av.Trim().Length > 0)
                {
                    return av.Trim();
                }
                break;
            case "centos":
                if (files.GetValueOrDefault("etc/centos-release") is { } cv && ReleaseNumber(cv) is { } c)
                {
                    return c;
                }
                break;
        }
        return version;
    }

    private static string? ReleaseNumber(string text)
    {
        var marker = text.IndexOf("release ", StringComparison.Ordinal);
        if (marker < 0)
        {
            return null;
        }
        var rest = text[(marker + 8)..].Trim();
        var end = rest.IndexOf(' ', StringComparison.Ordinal);
        return end < 0 ? rest : rest[..end];
    }

    /// <summary>os-release syntax: KEY=value, values optionally quoted, with shell escapes.</summary>
    public static Dictionary<string, string> ParseKeyValues(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\$", "$", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }
            result[line[..eq]] = value;
        }
        return result;
    }
}
