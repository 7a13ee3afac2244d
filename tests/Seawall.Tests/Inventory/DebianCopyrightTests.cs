using System.Text;
using Seawall.Inventory.Dpkg;

namespace Seawall.Tests.Inventory;

public sealed class DebianCopyrightTests
{
    [Fact]
    public void Licenses_Dep5File_ReadsLicenseLinesAndCommonLicenses()
    {
        const string text = """
            Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
            Files: *
            License: GPL-2+ or Artistic
            Files: lib/*
            License: LGPL-2.1, BSD-3-clause
             On Debian systems, see /usr/share/common-licenses/LGPL-2.1.
            """;
        Assert.Equal(["GPL-2+", "Artistic", "LGPL-2.1", "BSD-3-clause"], DebianCopyright.Licenses(text));
    }

    [Fact]
    public void Licenses_FreeFormFile_IgnoresProseAfterLicense()
    {
        // libgnutls30's copyright file is not DEP-5 and says "License: The main library is licensed under GNU Lesser ...".
        const string text = """
            This is the Debian GNU/Linux prepackaged version of GnuTLS.
            License: The main library is licensed under GNU Lesser
            General Public License (LGPL) version 2.1 or later.
            License: LGPL-2.1+
            On Debian systems, see /usr/share/common-licenses/LGPL-2.1.
            """;
        Assert.Equal(["LGPL-2.1+", "LGPL-2.1"], DebianCopyright.Licenses(text));
    }

    [Fact]
    public void Condense_EveryCopyrightFileOnThisMachine_ParsesToTheSameLicences()
    {
        // Real Debian copyright files, DEP-5 and free-form: the condensed form the layer cache keeps must lose nothing.
        var files = Directory.Exists("/usr/share/doc")
            ? Directory.EnumerateFiles("/usr/share/doc", "copyright", SearchOption.AllDirectories).Take(5000).ToList()
            : [];
        Assert.SkipWhen(files.Count < 20, "this machine has too few /usr/share/doc/*/copyright files (not a Debian-family system)");
        var withLicences = 0;
        long before = 0, after = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var condensed = DebianCopyright.Condense(bytes);
            var expected = DebianCopyright.Licenses(Encoding.UTF8.GetString(bytes));
            Assert.Equal(expected, DebianCopyright.Licenses(Encoding.UTF8.GetString(condensed)));
            withLicences += expected.Count > 0 ? 1 : 0;
            before += bytes.Length;
            after += condensed.Length;
        }
        Assert.True(withLicences > files.Count / 2, $"only {withLicences} of {files.Count} files named a licence");
        Assert.True(after * 10 < before, $"condensed {before} bytes to {after}");
    }
}
