using Microsoft.Data.Sqlite;
using Seawall.Artifacts.Layers;
using Seawall.Core.Analysis;
using Seawall.Core.FileTree;
using Seawall.Core.Model;
using Seawall.Inventory;
using Seawall.Inventory.Purl;
using Seawall.Inventory.Rpm;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory;

[Collection(RpmSqliteCollection.Name)]
public sealed class RpmAnalyzerTests
{
    [Theory]
    [InlineData("var/lib/rpm/rpmdb.sqlite", true)]
    [InlineData("usr/lib/sysimage/rpm/rpmdb.sqlite", true)]
    [InlineData("var/lib/rpm/Packages", true)]
    [InlineData("usr/lib/sysimage/rpm/Packages", true)]
    [InlineData("var/lib/rpm/Packages.db", true)]
    [InlineData("usr/lib/sysimage/rpm/Packages.db", true)]
    [InlineData("var/lib/rpm/Basenames", false)]
    [InlineData("var/lib/rpm/rpmdb.sqlite-shm", false)]
    [InlineData("opt/var/lib/rpm/Packages", false)]
    [InlineData("Packages", false)]
    public void IsApplicable_OnlyTheDatabaseFiles(string path, bool expected) =>
        Assert.Equal(expected, new RpmAnalyzer().IsApplicable(path));

    [Fact]
    public void Catalog_RegistersRpm() =>
        Assert.Contains(AnalyzerCatalog.OsPackages(), a => a is RpmAnalyzer);

    [Fact]
    public async Task Analyze_RootfsWithEachFormat_ReportsEveryDatabase()
    {
        var root = Directory.CreateTempSubdirectory("seawall-test-rpm-root-");
        try
        {
            Place(root.FullName, "var/lib/rpm/rpmdb.sqlite", "sqlite-go-rpmdb-amazonlinux2023/rpmdb.sqlite");
            Place(root.FullName, "usr/lib/sysimage/rpm/Packages.db", "ndb-go-rpmdb-sle15-bci/Packages.db");
            Place(root.FullName, "usr/lib/sysimage/rpm/Packages", "bdb-go-rpmdb-libuuid/Packages");
            // Not a database at all: one warning, the other databases still count.
            Directory.CreateDirectory(Path.Combine(root.FullName, "var/lib/rpm"));
            File.WriteAllText(Path.Combine(root.FullName, "var/lib/rpm/Packages"), "not a database\n");

            var host = new AnalyzerHost([new RpmAnalyzer()]);
            var sink = await host.RunAsync(DirectoryFileTree.Walk(root.FullName), TestContext.Current.CancellationToken);

            var results = sink.Results.OrderBy(r => r.Target, StringComparer.Ordinal).ToList();
            Assert.Equal(["usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite"], results.Select(r => r.Target));
            Assert.All(results, r => Assert.Equal(("rpm", ResultClass.OsPackages), (r.Type, r.Class)));
            Assert.Equal([1, 35, 102], results.Select(r => r.Packages.Count));
            Assert.All(results, r => Assert.All(r.Packages, p => Assert.Equal(r.Target, p.FilePath)));
            var warning = Assert.Single(sink.Warnings);
            Assert.StartsWith("var/lib/rpm/Packages: not an rpm database", warning, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Purl_EpochPackage_MatchesTrivyForm()
    {
        var result = RpmPackageReader.Read(File.ReadAllBytes(SharedData.Require("rpmdb-fixtures/sqlite-go-rpmdb-amazonlinux2023/rpmdb.sqlite")));
        var os = new OsInfo("amazon", "2023");
        var openssl = result.Packages.Single(p => p.Name == "openssl-libs");
        Assert.Equal("pkg:rpm/amazon/openssl-libs@3.0.8-1.amzn2023.0.4?arch=x86_64&epoch=1&distro=amazon-2023", PurlBuilder.ForOsPackage("rpm", openssl, os));
        var libstdcxx = result.Packages.Single(p => p.Name == "libstdc++");
        Assert.Equal("pkg:rpm/amazon/libstdc%2B%2B@11.3.1-4.amzn2023.0.3?arch=x86_64&distro=amazon-2023", PurlBuilder.ForOsPackage("rpm", libstdcxx, os));
    }

    [Fact]
    public void Purl_ModularPackage_AddsTheModularityLabelLast()
    {
        var package = new Package { Name = "nodejs", Version = "16.14.0-3.module+el8.5.0+14304+bbd4ef13", Epoch = 1, Release = "3.module+el8.5.0+14304+bbd4ef13", Arch = "x86_64", ModularityLabel = "nodejs:16:8050020220110:b8c2f5e0" };
        Assert.Equal(
            "pkg:rpm/redhat/nodejs@16.14.0-3.module%2Bel8.5.0%2B14304%2Bbbd4ef13?arch=x86_64&epoch=1&distro=redhat-8.5&modularitylabel=nodejs:16:8050020220110:b8c2f5e0",
            PurlBuilder.ForOsPackage("rpm", package, new OsInfo("redhat", "8.5")));
    }

    [Theory]
    [InlineData("util-linux-2.32.1-42.el8_8.src.rpm", "util-linux", "2.32.1", "42.el8_8")]
    [InlineData("dive-0.9.2-1.src.rpm", "dive", "0.9.2", "1")]
    [InlineData("python-dateutil-2.8.1-3.amzn2023.0.3.src.rpm", "python-dateutil", "2.8.1", "3.amzn2023.0.3")]
    public void SplitSourceRpm_NameVersionRelease(string file, string name, string version, string release) =>
        Assert.Equal((name, version, release), RpmPackageReader.SplitSourceRpm(file));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nodots")]
    [InlineData("a.src.rpm")]
    [InlineData("a-1.src.rpm")]
    [InlineData("-1-2.src.rpm")]
    public void SplitSourceRpm_Malformed_IsNull(string? file) => Assert.Null(RpmPackageReader.SplitSourceRpm(file));

    /// <summary>
    /// Layer 0 holds Amazon Linux 2023's database without bash and zlib (a raw SQLite file); layer 1 the whole database,
    /// condensed as image layers keep it. Packages belong to the layer they first appear in.
    /// </summary>
    [Fact]
    public async Task Analyze_TwoLayers_AttributesPackagesToTheLayerThatAddedThem()
    {
        const string db = "var/lib/rpm/rpmdb.sqlite";
        var full = File.ReadAllBytes(SharedData.Require("rpmdb-fixtures/sqlite-go-rpmdb-amazonlinux2023/rpmdb.sqlite"));
        var earlier = WithoutPackages(full, "bash", "zlib");
        var layers = new[]
        {
            Snapshot(new LayerRef(0, "sha256:" + new string('a', 64), "FROM amazonlinux:2023"), db, earlier),
            Snapshot(new LayerRef(1, "sha256:" + new string('b', 64), "RUN dnf install -y bash zlib"), db, new RpmAnalyzer().Condense(db, full)),
        };
        var sink = await new AnalyzerHost([new RpmAnalyzer()]).RunAsync(new LayeredFileTree(layers), TestContext.Current.CancellationToken);

        Assert.Equal(100, RpmPackageReader.Read(earlier).Packages.Count);
        var packages = Assert.Single(sink.Results).Packages;
        Assert.Equal(102, packages.Count);
        Assert.Equal(["bash", "zlib"], packages.Where(p => p.Layer?.Index == 1).Select(p => p.Name));
        Assert.All(packages.Where(p => p.Name is not ("bash" or "zlib")), p => Assert.Equal(0, p.Layer?.Index));
        Assert.Empty(sink.Warnings);
    }

    private static LayerSnapshot Snapshot(LayerRef layer, string path, byte[] content)
    {
        var snapshot = new LayerSnapshot { Layer = layer };
        foreach (var dir in new[] { "var", "var/lib", "var/lib/rpm" })
        {
            snapshot.Nodes.Add(new FileNode(dir, FileKind.Directory, 0, 0x1ED, null, layer));
        }
        snapshot.Nodes.Add(new FileNode(path, FileKind.Regular, content.Length, 0x1A4, null, layer));
        snapshot.Contents[path] = content;
        return snapshot;
    }

    private static byte[] WithoutPackages(byte[] database, params string[] names)
    {
        var dir = Directory.CreateTempSubdirectory("seawall-test-rpm-edit-");
        try
        {
            var path = Path.Combine(dir.FullName, "rpmdb.sqlite");
            File.WriteAllBytes(path, database);
            // The index tables refer to Packages by foreign key; the reader only reads Packages, so the Name rows may dangle.
            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, ForeignKeys = false }.ToString()))
            {
                connection.Open();
                using (var journal = connection.CreateCommand())
                {
                    // A rollback journal, so the edit lands in the one file this test keeps.
                    journal.CommandText = "PRAGMA journal_mode=DELETE";
                    journal.ExecuteScalar();
                }
                using var delete = connection.CreateCommand();
                // rpm's Name index maps each package name to its row (hnum) in Packages.
                delete.CommandText = $"DELETE FROM Packages WHERE hnum IN (SELECT hnum FROM Name WHERE key IN ({string.Join(',', names.Select((_, i) => "$n" + i))}))";
                for (var i = 0; i < names.Length; i++)
                {
                    delete.Parameters.AddWithValue("$n" + i, names[i]);
                }
                Assert.Equal(names.Length, delete.ExecuteNonQuery());
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

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
    public void Condense_Fixture_IsSmallerAndReadsTheSame(string db)
    {
        var original = File.ReadAllBytes(SharedData.Require(Path.Combine("rpmdb-fixtures", db)));
        var condensed = new RpmAnalyzer().Condense("var/lib/rpm/Packages", original);
        Assert.True(condensed.Length * 3 < original.Length, $"{db}: {original.Length} bytes condensed only to {condensed.Length}");
        Assert.Equal(RpmDatabaseFormat.Ndb, RpmPackageReader.Read(condensed).Format);
        var expected = RpmPackageReader.Read(original);
        var actual = RpmPackageReader.Read(condensed);
        Assert.Empty(actual.Warnings);
        Assert.Equal(expected.Packages.Count, actual.Packages.Count);
        for (var i = 0; i < expected.Packages.Count; i++)
        {
            Assert.Equal(Flatten(expected.Packages[i]), Flatten(actual.Packages[i]));
        }
    }

    [Fact]
    public void Condense_BrokenDatabase_IsKeptWhole()
    {
        var content = File.ReadAllBytes(SharedData.Require("rpmdb-fixtures/ndb-go-rpmdb-sle15-bci/Packages.db"));
        var truncated = content[..(content.Length / 2)];
        Assert.Same(truncated, new RpmAnalyzer().Condense("var/lib/rpm/Packages.db", truncated));
        var garbage = "not a database"u8.ToArray();
        Assert.Same(garbage, new RpmAnalyzer().Condense("var/lib/rpm/Packages", garbage));
    }

    /// <summary>Records compare lists by reference; this spells every field out.</summary>
    private static string Flatten(Package p) => string.Join('|',
        p.Name, p.Version, p.Epoch, p.Release, p.Arch, p.SourceName, p.SourceVersion, p.Maintainer, p.ModularityLabel,
        string.Join(',', p.Licenses), string.Join(',', p.DependsOn), string.Join(',', p.InstalledFiles));

    private static void Place(string root, string path, string fixture)
    {
        var target = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(SharedData.Require(Path.Combine("rpmdb-fixtures", fixture)), target);
    }
}
