using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using Seawall.Core.Errors;
using Seawall.Inventory.Rpm;
using Seawall.Tests.Support;

namespace Seawall.Tests.Inventory;

/// <summary>Broken and hostile rpm databases and headers end in one-line <see cref="ScanException"/>s or skipped headers, never in other exceptions.</summary>
[Collection(RpmSqliteCollection.Name)]
public sealed class RpmHostileTests
{
    private const string Folder = "rpmdb-fixtures";

    public static TheoryData<string> Databases() =>
    [
        "bdb-go-rpmdb-libuuid/Packages",
        "bdb-preflight-tzdata/Packages",
        "ndb-go-rpmdb-sle15-bci/Packages.db",
        "sqlite-preflight-tzdata/rpmdb.sqlite",
    ];

    [Theory]
    [MemberData(nameof(Databases))]
    public void Read_TruncatedToHalf_ThrowsOneLineScanException(string db)
    {
        var content = File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, db)));
        var ex = Assert.ThrowsAny<ScanException>(() => RpmPackageReader.Read(content[..(content.Length / 2)]));
        AssertOneLine(ex.Message);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public void Read_TruncatedAnywhere_NeverThrowsAnythingButScanException(string db)
    {
        var content = File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, db)));
        foreach (var length in new[] { 0, 1, 15, 16, 31, 32, 100, 511, 512, 4095, 4096, 4097, content.Length / 3, content.Length - 4096, content.Length - 1 })
        {
            try
            {
                RpmPackageReader.Read(content[..Math.Clamp(length, 0, content.Length)]);
            }
            catch (ScanException ex)
            {
                AssertOneLine(ex.Message);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public void Read_RandomlyCorrupted_NeverThrowsAnythingButScanException(string db)
    {
        var original = File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, db)));
        var random = new Random(20240611);
        var iterations = db.EndsWith(".sqlite", StringComparison.Ordinal) ? 40 : 300;
        for (var i = 0; i < iterations; i++)
        {
            var content = (byte[])original.Clone();
            // Corrupt the structure (first pages, slot table, page headers) more often than the bulk data.
            for (var n = random.Next(1, 16); n > 0; n--)
            {
                var at = random.Next(2) == 0 ? random.Next(Math.Min(content.Length, 8192)) : random.Next(content.Length);
                content[at] = (byte)random.Next(256);
            }
            try
            {
                var result = RpmPackageReader.Read(content);
                Assert.All(result.Warnings, AssertOneLine);
            }
            catch (ScanException ex)
            {
                AssertOneLine(ex.Message);
            }
        }
    }

    [Fact]
    public void Read_GarbageBytes_SaysItIsNotAnRpmDatabase()
    {
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        var ex = Assert.ThrowsAny<ScanException>(() => RpmPackageReader.Read(garbage));
        Assert.StartsWith("not an rpm database", ex.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ScanException>(() => RpmPackageReader.Read([]));
    }

    [Fact]
    public void Read_SqliteMagicThenGarbage_ThrowsScanException()
    {
        var content = new byte[8192];
        new Random(3).NextBytes(content);
        "SQLite format 3\0"u8.CopyTo(content);
        var ex = Assert.ThrowsAny<ScanException>(() => RpmPackageReader.Read(content));
        AssertOneLine(ex.Message);
    }

    [Fact]
    public void Parse_IndexCountOverTheCap_ThrowsLimitExceeded()
    {
        var blob = RpmHeaderBuilder.Package("bash", "5.2.15", "3.fc38").Build(declaredIndexCount: RpmHeader.MaxIndexEntries + 1);
        var ex = Assert.Throws<LimitExceededException>(() => RpmHeader.Parse(blob));
        Assert.Equal("header declares 65536 index entries, over the limit of 65535", ex.Message);
        Assert.Throws<LimitExceededException>(() => RpmHeader.Parse(RpmHeaderBuilder.Package("bash", "5.2.15", "3.fc38").Build(declaredIndexCount: int.MaxValue)));
    }

    [Fact]
    public void Parse_DataLengthOverTheFile_ThrowsTruncated()
    {
        var blob = RpmHeaderBuilder.Package("bash", "5.2.15", "3.fc38").Build();
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4), 1_000_000);
        var ex = Assert.ThrowsAny<ScanException>(() => RpmHeader.Parse(blob));
        Assert.StartsWith("header is truncated", ex.Message, StringComparison.Ordinal);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4), -1);
        Assert.Throws<LimitExceededException>(() => RpmHeader.Parse(blob));
    }

    [Fact]
    public void Parse_BuiltHeader_ReadsBack()
    {
        var blob = RpmHeaderBuilder.Package("bash", "5.2.15", "3.fc38").Int32(RpmHeaderBuilder.Epoch, 2)
            .StringArray(RpmHeaderBuilder.DirNames, "/usr/bin/", "/etc/")
            .Int32(RpmHeaderBuilder.DirIndexes, 0, 1)
            .StringArray(RpmHeaderBuilder.BaseNames, "bash", "bashrc")
            .Build();
        var package = RpmPackageReader.ToPackage(RpmHeader.Parse(blob))!;
        Assert.Equal(("bash", "5.2.15-3.fc38", 2, "3.fc38", "x86_64"), (package.Name, package.Version, package.Epoch, package.Release, package.Arch));
        Assert.Equal(["usr/bin/bash", "etc/bashrc"], package.InstalledFiles);
        Assert.Equal(("bash", "5.2.15-3.fc38"), (package.SourceName, package.SourceVersion));
    }

    [Fact]
    public void Parse_DirIndexOutOfRange_IsAnError()
    {
        var blob = RpmHeaderBuilder.Package("bash", "5.2.15", "3.fc38")
            .StringArray(RpmHeaderBuilder.DirNames, "/usr/bin/")
            .Int32(RpmHeaderBuilder.DirIndexes, 5)
            .StringArray(RpmHeaderBuilder.BaseNames, "bash")
            .Build();
        var ex = Assert.ThrowsAny<ScanException>(() => RpmPackageReader.ToPackage(RpmHeader.Parse(blob)));
        Assert.Equal("header DIRINDEXES[0] = 5 is outside the 1 DIRNAMES", ex.Message);
    }

    [Fact]
    public void Parse_StringArrayCountLargerThanData_IsRefusedBeforeAllocating()
    {
        var blob = RpmHeaderBuilder.Package("bash", "5.2.15", "3.fc38").Raw(RpmHeaderBuilder.BaseNames, 8, [0x61, 0], 2).Build();
        // Patch the count of the last index entry (BASENAMES) to the whole data store: in range for the parser, absurd for strings.
        var dataLength = BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(4));
        var entries = BinaryPrimitives.ReadInt32BigEndian(blob);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(8 + ((entries - 1) * 16) + 12), dataLength);
        var header = RpmHeader.Parse(blob);
        Assert.ThrowsAny<ScanException>(() => header.GetStringArray(RpmHeaderBuilder.BaseNames));
    }

    [Fact]
    public void Parse_UnterminatedString_IsAnError()
    {
        var blob = new RpmHeaderBuilder().Raw(RpmHeaderBuilder.Name, 6, "bash"u8.ToArray(), 1).Build(region: false);
        var ex = Assert.ThrowsAny<ScanException>(() => RpmHeader.Parse(blob).GetString(RpmHeaderBuilder.Name));
        Assert.Contains("not terminated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RegionTrailerClaimingMoreEntriesThanPresent_IsAnError()
    {
        var blob = RpmHeaderBuilder.Package("bash", "5.2.15", "3.fc38").Build();
        var dataLength = BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(4));
        // The trailer is the last 16 bytes of the data store; its offset field counts the region's index bytes.
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(blob.Length - 16 + 8), -1600);
        Assert.Equal(dataLength, blob.Length - 8 - (BinaryPrimitives.ReadInt32BigEndian(blob) * 16));
        var ex = Assert.ThrowsAny<ScanException>(() => RpmHeader.Parse(blob));
        Assert.StartsWith("header region trailer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SqliteWithOneHostileHeader_SkipsItWithAWarningAndKeepsTheRest()
    {
        using var dir = new TestTempDir();
        var path = Path.Combine(dir.Path, "rpmdb.sqlite");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)";
            create.ExecuteNonQuery();
            foreach (var blob in new[]
            {
                RpmHeaderBuilder.Package("bash", "5.2.15", "3.fc38").Build(),
                RpmHeaderBuilder.Package("evil", "1", "1").Build(declaredIndexCount: 100_000),
                RpmHeaderBuilder.Package("gpg-pubkey", "d832c631", "63977702").Build(),
                RpmHeaderBuilder.Package("zlib", "1.2.13", "3.fc38").Build(),
            })
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO Packages (blob) VALUES ($blob)";
                insert.Parameters.AddWithValue("$blob", blob);
                insert.ExecuteNonQuery();
            }
        }
        var result = RpmPackageReader.Read(File.ReadAllBytes(path));
        Assert.Equal(["bash", "zlib"], result.Packages.Select(p => p.Name));
        Assert.Equal(["rpm header 2 skipped: header declares 100000 index entries, over the limit of 65535"], result.Warnings);
    }

    [Theory]
    [InlineData("CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS hnum, x AS blob FROM c", "SQLite Packages is a view, not a table")]
    [InlineData("CREATE VIRTUAL TABLE Packages USING fts5(hnum, blob)", "SQLite Packages is a virtual table, not a table")]
    [InlineData("CREATE TABLE Other (x)", "SQLite database has no Packages table")]
    public void Read_SqliteWithoutAPlainPackagesTable_IsRefused(string schema, string message)
    {
        using var dir = new TestTempDir();
        var path = Path.Combine(dir.Path, "rpmdb.sqlite");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = schema;
            create.ExecuteNonQuery();
        }
        var ex = Assert.ThrowsAny<ScanException>(() => RpmPackageReader.Read(File.ReadAllBytes(path)));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Read_Sqlite_LeavesNoTemporaryFolderBehind()
    {
        var before = TempFolders();
        RpmPackageReader.Read(File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, "sqlite-preflight-tzdata/rpmdb.sqlite"))));
        Assert.Throws<ScanException>(() => RpmPackageReader.Read([.. "SQLite format 3\0"u8, .. new byte[200]]));
        Assert.Equal(before, TempFolders());
    }

    [Fact]
    public void Read_BerkeleyDbOverflowChainThatLoops_ThrowsScanException()
    {
        var content = File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, "bdb-go-rpmdb-libuuid/Packages")));
        // Page 2 holds the off-page reference (value item at offset 4079: type, 3 pad, first page, total length);
        // page 22 ends the chain. Point page 22 back at page 3 and claim a value as large as the file.
        BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan((22 * 4096) + 16), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(content.AsSpan((22 * 4096) + 22), 4070);
        BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan((2 * 4096) + 4079 + 8), (uint)content.Length);
        var ex = Assert.ThrowsAny<ScanException>(() => RpmPackageReader.Read(content));
        Assert.Equal("BerkeleyDB overflow chain from page 2 loops", ex.Message);
    }

    [Fact]
    public void Read_BerkeleyDbOverflowChainLeavingTheFile_ThrowsScanException()
    {
        var content = File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, "bdb-go-rpmdb-libuuid/Packages")));
        BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan((2 * 4096) + 4079 + 4), 9_999);
        var ex = Assert.ThrowsAny<ScanException>(() => RpmPackageReader.Read(content));
        Assert.StartsWith("BerkeleyDB overflow chain from page 2 breaks at page 9999", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NdbSlotPointingOutsideTheFile_ThrowsScanException()
    {
        var content = File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, "ndb-go-rpmdb-sle15-bci/Packages.db")));
        // Slot 2 is the first package slot: magic, package index, block offset, block count.
        BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan((2 * 16) + 8), uint.MaxValue);
        var ex = Assert.ThrowsAny<ScanException>(() => RpmPackageReader.Read(content));
        Assert.StartsWith("NDB package 1: blocks", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NdbSlotPageCountOverTheCap_ThrowsLimitExceeded()
    {
        var content = File.ReadAllBytes(SharedData.Require(Path.Combine(Folder, "ndb-go-rpmdb-sle15-bci/Packages.db")));
        BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan(12), 1_000_000);
        Assert.Throws<LimitExceededException>(() => RpmPackageReader.Read(content));
    }

    private static SortedSet<string> TempFolders() =>
        new(Directory.GetDirectories(Path.GetTempPath(), "seawall-rpmdb-*"), StringComparer.Ordinal);

    private static void AssertOneLine(string message)
    {
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\r', message);
    }

    private sealed class TestTempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("seawall-test-rpm-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
