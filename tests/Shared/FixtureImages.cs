using Seawall.Tests.Support;

namespace Seawall.TestSupport;

/// <summary>
/// Test images built from the shared corpus's real package databases: scalibr's Debian bookworm dpkg status
/// and its Alpine 3.18 apk installed database. Used by the writer tests and the accuracy comparison with Trivy.
/// </summary>
public static class FixtureImages
{
    private const string Fixtures = "scalibr-os-dotnet-fixtures/extractor/filesystem/os/";

    public const string DebianOsRelease =
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n" +
        "VERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\n" +
        "BUG_REPORT_URL=\"https://bugs.debian.org/\"\n";

    public const string AlpineOsRelease =
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.0\nPRETTY_NAME=\"Alpine Linux v3.18\"\nHOME_URL=\"https://alpinelinux.org/\"\n" +
        "BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n";

    /// <summary>
    /// Two layers: a base with the first four packages of the real status file, then an "apt-get install" layer
    /// that rewrites the status file with all seven, plus DEP-5 copyright files so licences appear.
    /// </summary>
    public static IReadOnlyList<TestLayer> DebianLayers()
    {
        var status = File.ReadAllText(SharedData.Require(Fixtures + "dpkg/testdata/dpkg/valid"));
        var paragraphs = status.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, paragraphs.Length);
        var baseStatus = string.Join("\n\n", paragraphs.Take(4)) + "\n";
        return
        [
            new("/bin/sh -c #(nop) ADD file:4a0ab1e8d0b7a9c2 in / ", new Dictionary<string, byte[]>
            {
                ["etc/os-release"] = TestImageBuilder.Text(DebianOsRelease),
                ["etc/debian_version"] = TestImageBuilder.Text("12.5\n"),
                ["var/lib/dpkg/status"] = TestImageBuilder.Text(baseStatus),
            }),
            new("RUN /bin/sh -c apt-get install -y attr libacl1 util-linux-extra # buildkit", new Dictionary<string, byte[]>
            {
                ["var/lib/dpkg/status"] = TestImageBuilder.Text(status),
                // acl's and attr's real DEP-5 headers, cut to their License lines.
                ["usr/share/doc/acl/copyright"] = TestImageBuilder.Text(
                    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: acl\n\n" +
                    "Files: *\nCopyright: 1999-2002 Silicon Graphics, Inc.\nLicense: GPL-2+\n\nFiles: libacl/*\nCopyright: 1999-2002 Silicon Graphics, Inc.\nLicense: LGPL-2+\n"),
                ["usr/share/doc/attr/copyright"] = TestImageBuilder.Text(
                    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: attr\n\n" +
                    "Files: *\nCopyright: 2000-2002 Silicon Graphics, Inc.\nLicense: GPL-2+\n\nFiles: doc/*\nLicense: GPL-2+ with Autoconf exception\n\nFiles: debian/*\nLicense: public-domain\n"),
            }),
        ];
    }

    /// <summary>One layer, as Alpine's minirootfs is: os-release, alpine-release and the real 15-package database.</summary>
    public static IReadOnlyList<TestLayer> AlpineLayers() =>
    [
        new("/bin/sh -c #(nop) ADD file:alpine-minirootfs-3.18.0-x86_64.tar.gz in / ", new Dictionary<string, byte[]>
        {
            ["etc/os-release"] = TestImageBuilder.Text(AlpineOsRelease),
            ["etc/alpine-release"] = TestImageBuilder.Text("3.18.0\n"),
            ["lib/apk/db/installed"] = File.ReadAllBytes(SharedData.Require(Fixtures + "apk/testdata/installed")),
        }),
    ];

}
