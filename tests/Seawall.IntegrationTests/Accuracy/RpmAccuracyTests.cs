using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests.Accuracy;

/// <summary>
/// Seawall and Trivy side by side on one rpm image: a `docker save` archive whose single layer holds Amazon Linux 2023's
/// real rpmdb.sqlite (shared/data/rpmdb-fixtures) and its release files. Both SBOMs must name the same rpm packages.
/// </summary>
public sealed class RpmAccuracyTests
{
    private const string Fixture = "rpmdb-fixtures/sqlite-go-rpmdb-amazonlinux2023/rpmdb.sqlite";

    [Fact]
    public async Task CycloneDx_AmazonLinux2023Rpmdb_SamePackagesAsTrivy()
    {
        var trivy = ProcessRunner.Require("trivy-cdxgen");
        var rpmdb = File.ReadAllBytes(RequireSharedData(Fixture));
        using var dir = new TempDir("seawall-it-rpm-");
        var archive = dir.File("al2023.tar");
        WriteDockerArchive(archive, new Dictionary<string, byte[]>
        {
            ["etc/os-release"] = Encoding.UTF8.GetBytes("NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\nPLATFORM_ID=\"platform:al2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n"),
            // Trivy detects Amazon Linux from system-release, not os-release.
            ["etc/system-release"] = Encoding.UTF8.GetBytes("Amazon Linux release 2023 (Amazon Linux)\n"),
            ["var/lib/rpm/rpmdb.sqlite"] = rpmdb,
        });

        var theirs = await ProcessRunner.RunAsync(trivy, ["image", "--input", archive, "--format", "cyclonedx", "--skip-db-update", "--offline-scan", "--cache-dir", dir.File("trivy-cache")], TimeSpan.FromMinutes(5));
        Assert.True(theirs.ExitCode == 0, $"trivy-cdxgen failed: {theirs.StdErr}");
        var ours = await SeawallCli.RunAsync(["image", "--input", archive, "--format", "cyclonedx", "--no-cache"], null);
        Assert.True(ours.ExitCode == 0, $"seawall failed: {ours.StdErr}");

        var trivyPurls = RpmPurls(theirs.StdOut);
        var seawallPurls = RpmPurls(ours.StdOut);
        // The one known difference: Trivy lists the gpg-pubkey entry (an imported signing key rpm stores as a
        // pseudo-package, purl ...gpg-pubkey@d832c631-63977702?arch=None); Seawall leaves it out on purpose.
        var gpg = Assert.Single(trivyPurls, p => NameVersion(p).Name == "gpg-pubkey");
        Assert.Equal(103, trivyPurls.Count);
        Assert.Equal(102, seawallPurls.Count);

        var expected = trivyPurls.Where(p => p != gpg).Select(NameVersion).ToHashSet();
        var actual = seawallPurls.Select(NameVersion).ToHashSet();
        Assert.Equal(expected.Order(), actual.Order());

        // Beyond name and version, the purls agree exactly (namespace, arch and epoch qualifiers, qualifier order) except
        // for distro: Trivy takes the Amazon version from system-release ("2023 (Amazon Linux)"), Seawall from os-release ("2023").
        Assert.Equal(trivyPurls.Where(p => p != gpg).Select(WithoutDistro).Order(StringComparer.Ordinal), seawallPurls.Select(WithoutDistro).Order(StringComparer.Ordinal));
        Assert.All(seawallPurls, p => Assert.EndsWith("distro=amazon-2023", p, StringComparison.Ordinal));
    }

    private static List<string> RpmPurls(string cycloneDx)
    {
        using var doc = JsonDocument.Parse(cycloneDx);
        return [.. doc.RootElement.GetProperty("components").EnumerateArray()
            .Select(c => c.TryGetProperty("purl", out var purl) ? purl.GetString() : null)
            .OfType<string>()
            .Where(p => p.StartsWith("pkg:rpm/", StringComparison.Ordinal))];
    }

    private static (string Name, string Version) NameVersion(string purl)
    {
        var body = purl.Split('?')[0];
        var nameVersion = body[(body.LastIndexOf('/') + 1)..].Split('@');
        return (Uri.UnescapeDataString(nameVersion[0]), Uri.UnescapeDataString(nameVersion[1]));
    }

    private static string WithoutDistro(string purl)
    {
        var parts = purl.Split('?');
        return parts.Length == 1 ? purl : parts[0] + "?" + string.Join('&', parts[1].Split('&').Where(q => !q.StartsWith("distro=", StringComparison.Ordinal)));
    }

    /// <summary>A legacy `docker save` archive: manifest.json, the config, and one uncompressed layer tar.</summary>
    private static void WriteDockerArchive(string path, IReadOnlyDictionary<string, byte[]> files)
    {
        var layer = LayerTar(files);
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(layer));
        var config = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
            ["history"] = new JsonArray(new JsonObject { ["created_by"] = "COPY rpmdb.sqlite /var/lib/rpm/" }),
        }.ToJsonString());
        var configName = Convert.ToHexStringLower(SHA256.HashData(config)) + ".json";
        var manifest = Encoding.UTF8.GetBytes(new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray("seawall-test/al2023-rpm:latest"),
            ["Layers"] = new JsonArray("layer.tar"),
        }).ToJsonString());
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        foreach (var (name, content) in new[] { (configName, config), ("layer.tar", layer), ("manifest.json", manifest) })
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(content) });
        }
    }

    private static byte[] LayerTar(IReadOnlyDictionary<string, byte[]> files)
    {
        using var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            var dirs = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var parts in files.Keys.Select(p => p.Split('/')))
            {
                for (var i = 1; i < parts.Length; i++)
                {
                    dirs.Add(string.Join('/', parts[..i]) + "/");
                }
            }
            foreach (var d in dirs)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d) { Mode = (UnixFileMode)0b111_101_101 });
            }
            foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(content) });
            }
        }
        return ms.ToArray();
    }

    /// <summary>The team's shared corpus (../shared/data beside the clone, or SEAWALL_SHARED_DATA); skips the test where it is absent.</summary>
    private static string RequireSharedData(string relative)
    {
        string? root = Environment.GetEnvironmentVariable("SEAWALL_SHARED_DATA") is { Length: > 0 } env && Directory.Exists(env) ? env : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); root is null && dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "README.md")))
            {
                root = candidate;
            }
        }
        Assert.SkipWhen(root is null, "../shared/data is not present beside this clone; test needs the shared corpus");
        var path = Path.Combine(root!, relative);
        Assert.True(File.Exists(path), $"shared data missing: {path}");
        return path;
    }
}
