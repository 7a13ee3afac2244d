using System.Formats.Tar;
using System.Text;
using Seawall.Artifacts.Archive;
using Seawall.Artifacts.Layers;
using Seawall.Core.Errors;
using Seawall.Core.Model;
using Seawall.Tests.Support;

namespace Seawall.Tests.Artifacts.Layers;

/// <summary>
/// PAX and GNU metadata headers that claim gigabytes: System.Formats.Tar would allocate the claimed size before
/// reading a byte. The guard must see every header, also after entries of every kind, in layers and archives.
/// </summary>
public sealed class TarHeaderGuardTests
{
    private static readonly LayerRef Layer = new(2, "sha256:" + new string('a', 64), "RUN x");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A raw ustar header block with a correct checksum.</summary>
    internal static byte[] Header(string name, char type, long size, string? link = null)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        Encoding.ASCII.GetBytes("14000000000\0").CopyTo(h, 136);
        h[156] = (byte)type;
        if (link is not null)
        {
            Encoding.ASCII.GetBytes(link).CopyTo(h, 157);
        }
        Encoding.ASCII.GetBytes("ustar\0").CopyTo(h, 257);
        Encoding.ASCII.GetBytes("00").CopyTo(h, 263);
        Array.Fill(h, (byte)' ', 148, 8);
        Encoding.ASCII.GetBytes(Convert.ToString(h.Sum(b => b), 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        return h;
    }

    private static byte[] Padded(byte[] data) => [.. data, .. new byte[(512 - data.Length % 512) % 512]];

    private static byte[] PaxRecords(params (string Key, string Value)[] records)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in records)
        {
            var body = $" {key}={value}\n";
            var length = body.Length + 1;
            while ((length.ToString(System.Globalization.CultureInfo.InvariantCulture) + body).Length != length)
            {
                length++;
            }
            text.Append(length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(body);
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Every kind of entry a layer holds, written by real writers (ustar, PAX, GNU), then raw entries whose sizes come from PAX.</summary>
    internal static byte[] Prelude()
    {
        using var ms = new MemoryStream();
        using (var pax = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            pax.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/"));
            pax.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/odd") { DataStream = new MemoryStream(new byte[777]) });
            pax.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/" + new string('n', 180)) { DataStream = new MemoryStream(new byte[1]) });
            pax.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "etc/link") { LinkName = new string('t', 150) });
            pax.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "etc/hard") { LinkName = "etc/odd" });
            pax.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/empty"));
            pax.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = new string('c', 700) }));
            pax.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/block") { DataStream = new MemoryStream(new byte[1024]) });
        }
        // GNU long names and long links (././@LongLink 'L' / 'K' entries).
        var end = ms.Length;
        using (var gnu = new TarWriter(ms, TarEntryFormat.Gnu, leaveOpen: true))
        {
            gnu.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "usr/" + new string('g', 300)) { DataStream = new MemoryStream(new byte[513]) });
            gnu.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "usr/l") { LinkName = new string('k', 300) });
        }
        var bytes = ms.ToArray()[..(int)ms.Length];
        // Drop the end-of-archive blocks the writers added, keeping everything before them.
        var withoutEnd = new List<byte>(bytes[..(int)end][..^1024]);
        withoutEnd.AddRange(bytes[(int)end..][..^1024]);
        // A regular file whose real size (1000) comes from a PAX "size" record, the header saying 0.
        var pax1000 = PaxRecords(("size", "1000"));
        withoutEnd.AddRange(Header("PaxHeaders/sized", 'x', pax1000.Length));
        withoutEnd.AddRange(Padded(pax1000));
        withoutEnd.AddRange(Header("var/sized", '0', 0));
        withoutEnd.AddRange(Padded(Enumerable.Repeat((byte)'z', 1000).ToArray()));
        return [.. withoutEnd];
    }

    public static TheoryData<char, string> Bombs => new()
    {
        { 'x', "PAX" },
        { 'g', "PAX" },
        { 'L', "GNU long name" },
        { 'K', "GNU long name" },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task LayerReader_MetadataHeaderClaimingAGigabyteAfterEveryKindOfEntry_Refused(char type, string kind)
    {
        var tar = (byte[])[.. Prelude(), .. Header("bomb", type, (1L << 30) - 1), .. new byte[4096]];
        // The prelude alone reads cleanly: the guard follows it without a false alarm.
        var clean = await LayerReader.ReadAsync(new MemoryStream([.. Prelude(), .. new byte[1024]]), Layer, (_, _, _) => 1 << 20, Token);
        Assert.Equal(1000, clean.Contents["var/sized"].Length);
        Assert.Contains(clean.Nodes, n => n.Path == "usr/" + new string('g', 300));
        var ex = await Assert.ThrowsAsync<LimitExceededException>(() => LayerReader.ReadAsync(new MemoryStream(tar), Layer, (_, _, _) => 1 << 20, Token));

        Assert.Equal($"layer 2 (sha256:aaaaaaaaaaaa): a tar {kind} header claims 1073741823 bytes, over the 1048576-byte cap; refusing it", ex.Message);
    }

    [Fact]
    public async Task LayerReader_MetadataJustUnderTheCap_IsAccepted()
    {
        var records = PaxRecords(("comment", new string('c', (int)Seawall.Artifacts.Streams.TarHeaderGuardStream.MaxMetadataBytes - 20)));
        Assert.InRange(records.Length, 1_000_000, Seawall.Artifacts.Streams.TarHeaderGuardStream.MaxMetadataBytes);
        var tar = (byte[])[.. Header("PaxHeaders/f", 'x', records.Length), .. Padded(records), .. Header("f", '0', 3), .. Padded("abc"u8.ToArray()), .. new byte[1024]];

        var snapshot = await LayerReader.ReadAsync(new MemoryStream(tar), Layer, (_, _, _) => 100, Token);

        Assert.Equal("abc"u8.ToArray(), snapshot.Contents["f"]);
    }

    [Fact]
    public void ImageArchive_OuterTarWithAGigabytePaxHeader_Refused()
    {
        using var dir = new TempDir();
        var spec = new ImageSpec();
        spec.AddLayer().File("etc/os-release", "ID=alpine\n");
        var built = ImageBuilder.Write(spec, dir.File("image.tar"), ArchiveFormat.DockerOci);
        // Append a bomb header over the end-of-archive marker.
        using (var file = File.Open(built.Path, FileMode.Open))
        {
            file.Seek(-1024, SeekOrigin.End);
            file.Write(Header("PaxHeaders/bomb", 'x', (1L << 30) - 1));
            file.Write(new byte[4096]);
        }
        var ex = Assert.Throws<LimitExceededException>(() => ImageArchive.Open(built.Path));

        Assert.Contains("a tar PAX header claims 1073741823 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_LayerWithAGigabytePaxHeader_FailsWithOneLineError()
    {
        using var dir = new TempDir();
        var spec = new ImageSpec();
        spec.AddLayer().File("etc/os-release", "ID=alpine\n");
        spec.AddLayer("RUN bomb").RawTar = [.. Prelude(), .. Header("bomb", 'x', (1L << 30) - 1), .. new byte[1 << 20]];
        var built = ImageBuilder.Write(spec, dir.File("layout"), ArchiveFormat.OciLayoutDirectory);

        var ex = await Assert.ThrowsAsync<LimitExceededException>(() => Seawall.Tests.Artifacts.ImageScan.ScanAsync(built.Path));

        Assert.StartsWith("layer 1 (", ex.Message, StringComparison.Ordinal);
        Assert.Contains("a tar PAX header claims 1073741823 bytes", ex.Message, StringComparison.Ordinal);
    }
}
