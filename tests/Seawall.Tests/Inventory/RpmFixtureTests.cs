using System.Buffers.Binary;
using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Inventory.Rpm;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory;

/// <summary>
/// Every real rpm database in shared/data/rpmdb-fixtures (BerkeleyDB, NDB, SQLite) against the upstream expectations in
/// its expected-packages.json: the exact package set, with name, epoch, version, release, arch and source rpm.
/// </summary>
[Collection(RpmSqliteCollection.Name)]
public sealed class RpmFixtureTests
{
    private const string Folder = "rpmdb-fixtures";

    public static TheoryData<string> Databases() =>
    [
        "bdb-syft-dive/Packages",
        "bdb-scalibr-epoch/Packages",
        "bdb-go-rpmdb-libuuid/Packages",
        "bdb-preflight-tzdata/Packages",
        "ndb-go-rpmdb-sle15-bci/Packages.db",
        "sqlite-go-rpmdb-amazonlinux2023/rpmdb.sqlite",
        "sqlite-preflight-tzdata/rpmdb.sqlite",
    ];

    [Theory]
    [MemberData(nameof(Databases))]
    public void Read_Fixture_MatchesExpectedPackages(string db)
    {
        var expected = Expectation(db);
        var result = RpmPackageReader.Read(File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, db))));

        Assert.Empty(result.Warnings);
        Assert.Equal(expected.GetProperty("format").GetString(), result.Format switch
        {
            RpmDatabaseFormat.Sqlite => "sqlite",
            RpmDatabaseFormat.Ndb => "ndb",
            _ => "bdb",
        });

        // gpg-pubkey entries are signing keys stored as pseudo-packages: rpm -qa lists them, Seawall does not.
        var wanted = ExpectedPackages(expected).Where(p => p.GetProperty("name").GetString() != "gpg-pubkey").ToList();
        var complete = expected.GetProperty("complete").GetBoolean();
        if (complete)
        {
            var count = expected.GetProperty("count").GetInt32() - ExpectedPackages(expected).Count(p => p.GetProperty("name").GetString() == "gpg-pubkey");
            Assert.Equal(count, result.Packages.Count);
            Assert.Equal(wanted.Select(Nevra).Order(StringComparer.Ordinal), result.Packages.Select(Nevra).Order(StringComparer.Ordinal));
        }
        if (expected.GetProperty("ordered").GetBoolean())
        {
            Assert.Equal(wanted.Select(p => p.GetProperty("name").GetString()), result.Packages.Select(p => p.Name));
        }
        foreach (var want in wanted)
        {
            var name = want.GetProperty("name").GetString()!;
            var got = result.Packages.Where(p => p.Name == name).ToList();
            Assert.True(got.Count > 0, $"{db}: package {name} not read");
            var package = got.Count == 1 ? got[0] : got.Single(p => Nevra(p) == Nevra(want));
            AssertFields(db, want, package);
        }
    }

    [Fact]
    public void Read_AmazonLinux2023_SkipsOnlyTheGpgPubkeyEntry()
    {
        var expected = Expectation("sqlite-go-rpmdb-amazonlinux2023/rpmdb.sqlite");
        var result = RpmPackageReader.Read(File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, "sqlite-go-rpmdb-amazonlinux2023/rpmdb.sqlite"))));
        Assert.Equal(103, expected.GetProperty("count").GetInt32());
        Assert.Equal(102, result.Packages.Count);
        Assert.DoesNotContain(result.Packages, p => p.Name == "gpg-pubkey");
        var withEpoch = result.Packages.Where(p => p.Epoch is not null).Select(p => $"{p.Name}:{p.Epoch}").Order(StringComparer.Ordinal);
        Assert.Equal(["gdbm-libs:1", "gmp:1", "openssl-libs:1"], withEpoch);
        var openssl = result.Packages.Single(p => p.Name == "openssl-libs");
        Assert.Equal("3.0.8-1.amzn2023.0.4", openssl.Version);
        Assert.Equal(("openssl", "3.0.8-1.amzn2023.0.4"), (openssl.SourceName, openssl.SourceVersion));
        Assert.Equal("Amazon Linux", openssl.Maintainer);
        // rpm requirements resolve through the providers installed alongside: glibc provides libc.so.6.
        Assert.Contains("glibc", openssl.DependsOn);
        Assert.Contains("usr/lib64/libssl.so.3", openssl.InstalledFiles);
    }

    [Fact]
    public void Read_Libuuid_GivesTheFullFileList()
    {
        var db = "bdb-go-rpmdb-libuuid/Packages";
        var want = ExpectedPackages(Expectation(db)).Single();
        var package = Assert.Single(RpmPackageReader.Read(File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, db)))).Packages);
        var files = want.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!.TrimStart('/')).ToList();
        Assert.True(files.Count > 0);
        Assert.Equal(files, package.InstalledFiles);
    }

    /// <summary>
    /// No big-endian BerkeleyDB file (s390x, ppc64) is in the corpus, so one is made from a little-endian one by swapping
    /// every page field libdb writes in host order. The rpm headers inside are big-endian in both.
    /// </summary>
    [Theory]
    [InlineData("bdb-go-rpmdb-libuuid/Packages")]
    [InlineData("bdb-preflight-tzdata/Packages")]
    [InlineData("bdb-scalibr-epoch/Packages")]
    public void Read_BerkeleyDbSwappedToBigEndian_ReadsTheSamePackages(string db)
    {
        var little = File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, db)));
        var big = SwapBerkeleyDbByteOrder(little);
        Assert.NotEqual(little, big);
        var expected = RpmPackageReader.Read(little).Packages;
        var actual = RpmPackageReader.Read(big).Packages;
        Assert.Equal(expected.Select(Nevra), actual.Select(Nevra));
        Assert.Equal(expected.SelectMany(p => p.InstalledFiles), actual.SelectMany(p => p.InstalledFiles));
    }

    private static byte[] SwapBerkeleyDbByteOrder(byte[] source)
    {
        var b = (byte[])source.Clone();
        void U32(int at) => BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(source.AsSpan(at)));
        void U16(int at) => BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), BinaryPrimitives.ReadUInt16LittleEndian(source.AsSpan(at)));
        // Metadata page: page number, magic, version, page size, free list, last page, partitions, counts, flags, hash fields.
        foreach (var at in new[] { 8, 12, 16, 20, 28, 32, 36, 40, 44, 48, 72, 76, 80, 84, 88, 92 })
        {
            U32(at);
        }
        var pageSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(source.AsSpan(20));
        for (var page = pageSize; page + pageSize <= source.Length; page += pageSize)
        {
            U32(page + 8);
            U32(page + 12);
            U32(page + 16);
            U16(page + 20);
            U16(page + 22);
            if (source[page + 25] is not (2 or 13))
            {
                continue;
            }
            int entries = BinaryPrimitives.ReadUInt16LittleEndian(source.AsSpan(page + 20));
            for (var i = 0; i < entries; i++)
            {
                U16(page + 26 + (2 * i));
                var item = page + BinaryPrimitives.ReadUInt16LittleEndian(source.AsSpan(page + 26 + (2 * i)));
                if (source[item] == 3)
                {
                    U32(item + 4);
                    U32(item + 8);
                }
                else if (i % 2 == 0 && source[item] == 1)
                {
                    // Keys are rpm header instance numbers, stored in host order.
                    U32(item + 1);
                }
            }
        }
        return b;
    }

    private static void AssertFields(string db, JsonElement want, Package got)
    {
        var name = got.Name;
        if (want.TryGetProperty("version", out var version))
        {
            var release = want.GetProperty("release").GetString();
            Assert.Equal(string.IsNullOrEmpty(release) ? version.GetString() : $"{version.GetString()}-{release}", got.Version);
            Assert.Equal(string.IsNullOrEmpty(release) ? null : release, got.Release);
        }
        if (want.TryGetProperty("epoch", out var epoch))
        {
            Assert.True(epoch.ValueKind == JsonValueKind.Null ? got.Epoch is null : got.Epoch == epoch.GetInt32(), $"{db} {name}: epoch {got.Epoch}, expected {epoch}");
        }
        if (want.TryGetProperty("arch", out var arch))
        {
            Assert.Equal(NullIfEmpty(arch.GetString()), got.Arch);
        }
        if (want.TryGetProperty("sourceRpm", out var sourceRpm))
        {
            var source = NullIfEmpty(sourceRpm.GetString());
            Assert.Equal(source, got.SourceName is null ? null : $"{got.SourceName}-{got.SourceVersion}.src.rpm");
        }
        if (want.TryGetProperty("license", out var license))
        {
            Assert.Equal(NullIfEmpty(license.GetString()) is { } l ? [l] : [], got.Licenses);
        }
        if (want.TryGetProperty("vendor", out var vendor))
        {
            Assert.Equal(NullIfEmpty(vendor.GetString()), got.Maintainer);
        }
        if (want.TryGetProperty("modularityLabel", out var label))
        {
            Assert.Equal(NullIfEmpty(label.GetString()), got.ModularityLabel);
        }
        if (want.TryGetProperty("files", out var files))
        {
            foreach (var file in files.EnumerateArray())
            {
                Assert.Contains(file.GetProperty("path").GetString()!.TrimStart('/'), got.InstalledFiles);
            }
        }
    }

    /// <summary>The upstream expectation, completed with the independent read-out where upstream names the package only (the tzdata files).</summary>
    private static IEnumerable<JsonElement> ExpectedPackages(JsonElement expected)
    {
        var packages = expected.GetProperty("packages").EnumerateArray().ToList();
        if (packages.All(p => !p.TryGetProperty("version", out _)) && expected.TryGetProperty("crosscheck", out var crosscheck))
        {
            var readout = crosscheck.EnumerateArray().Where(c => c.TryGetProperty("readout", out _)).Select(c => c.GetProperty("readout")).FirstOrDefault();
            if (readout.ValueKind == JsonValueKind.Array)
            {
                Assert.Equal(packages.Select(p => p.GetProperty("name").GetString()), readout.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
                return readout.EnumerateArray().ToList();
            }
        }
        return packages;
    }

    private static JsonElement Expectation(string db)
    {
        var path = SharedData.Require(Path.Combine(Folder, "expected-packages.json"));
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Single(e => e.GetProperty("db").GetString() == db).Clone();
    }

    private static string Nevra(JsonElement p)
    {
        var epoch = p.TryGetProperty("epoch", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        var release = p.TryGetProperty("release", out var r) ? r.GetString() : null;
        var version = p.TryGetProperty("version", out var v) ? v.GetString() : null;
        var full = string.IsNullOrEmpty(release) ? version : $"{version}-{release}";
        var arch = p.TryGetProperty("arch", out var a) ? a.GetString() : null;
        return $"{p.GetProperty("name").GetString()}|{epoch}|{full}|{arch}";
    }

    private static string Nevra(Package p) =>
        $"{p.Name}|{p.Epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{p.Version}|{p.Arch}";

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>Tests that read SQLite databases run one after another, so the temp-folder cleanup check sees only its own folders.</summary>
[CollectionDefinition(Name)]
public sealed class RpmSqliteCollection
{
    public const string Name = "rpm-sqlite";
}
