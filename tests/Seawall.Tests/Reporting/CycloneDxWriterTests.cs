using System.Text.Json;
using Seawall.Core.Model;
using Seawall.Reporting.Writers;
using Seawall.Tests.Support;

namespace Seawall.Tests.Reporting;

public sealed class CycloneDxWriterTests
{
    private static Task<string> WriteAsync(ScanReport report, DateTimeOffset? time = null) =>
        WriterOutput.WriteAsync(new CycloneDxWriter(new FixedTimeProvider(time ?? WriterOutput.FixedTime)), report);

    private static List<JsonElement> Libraries(JsonElement bom) =>
        [.. bom.GetProperty("components").EnumerateArray().Where(c => c.GetProperty("type").GetString() == "library")];

    private static Dictionary<string, string> Properties(JsonElement component) =>
        component.TryGetProperty("properties", out var props)
            ? props.EnumerateArray().GroupBy(p => p.GetProperty("name").GetString()!).ToDictionary(g => g.Key, g => g.First().GetProperty("value").GetString()!)
            : [];

    [Fact]
    public async Task Write_DebianImage_IsValidCycloneDx16()
    {
        var report = await FixtureReports.DebianAsync();
        SchemaValidator.CycloneDx16().AssertValid(await WriteAsync(report));
    }

    [Fact]
    public async Task Write_AlpineImage_IsValidCycloneDx16()
    {
        var report = await FixtureReports.AlpineAsync();
        SchemaValidator.CycloneDx16().AssertValid(await WriteAsync(report));
    }

    [Fact]
    public async Task Validator_BrokenDocument_IsRejected()
    {
        // The validator must be able to fail: an unknown component type and a missing bomFormat are schema errors.
        var json = await WriteAsync(await FixtureReports.AlpineAsync());
        var broken = json.Replace("\"type\": \"library\"", "\"type\": \"librarian\"", StringComparison.Ordinal)
            .Replace("\"bomFormat\": \"CycloneDX\",", string.Empty, StringComparison.Ordinal);
        Assert.NotEmpty(SchemaValidator.CycloneDx16().Errors(broken));
    }

    [Fact]
    public async Task Write_DebianImage_ListsOsAndEveryPackageWithItsPurl()
    {
        var report = await FixtureReports.DebianAsync();
        var bom = WriterOutput.Parse(await WriteAsync(report));

        var os = Assert.Single(bom.GetProperty("components").EnumerateArray(), c => c.GetProperty("type").GetString() == "operating-system");
        Assert.Equal("debian", os.GetProperty("name").GetString());
        // etc/debian_version has the point release, as Trivy reports it too.
        Assert.Equal("12.5", os.GetProperty("version").GetString());

        var libraries = Libraries(bom);
        Assert.Equal(7, libraries.Count);
        Assert.All(libraries, c => Assert.StartsWith("pkg:deb/debian/", c.GetProperty("purl").GetString(), StringComparison.Ordinal));
        Assert.Equal(
            WriterOutput.AllPackages(report).Select(p => p.Purl!).Order(StringComparer.Ordinal),
            libraries.Select(c => c.GetProperty("purl").GetString()!).Order(StringComparer.Ordinal));
        var attr = libraries.Single(c => c.GetProperty("name").GetString() == "attr");
        Assert.Equal("pkg:deb/debian/attr@2.5.1-4?arch=amd64&distro=debian-12.5&epoch=1", attr.GetProperty("purl").GetString());
        Assert.Equal("1:2.5.1-4", attr.GetProperty("version").GetString());
        var utilLinux = Properties(libraries.Single(c => c.GetProperty("name").GetString() == "util-linux-extra"));
        Assert.Equal("util-linux", utilLinux["seawall:package:sourceName"]);
        Assert.Equal("2.38.1-5", utilLinux["seawall:package:sourceVersion"]);
        Assert.Equal("var/lib/dpkg/status", utilLinux["seawall:package:filePath"]);

        var root = bom.GetProperty("metadata").GetProperty("component");
        Assert.Equal("container", root.GetProperty("type").GetString());
        Assert.Equal(report.Artifact.Digest, Properties(root)["seawall:image:id"]);
    }

    [Fact]
    public async Task Write_DebianImage_NamesTheLayerThatBroughtEachPackage()
    {
        var report = await FixtureReports.DebianAsync();
        var bom = WriterOutput.Parse(await WriteAsync(report));
        var layers = report.Artifact.Layers;
        Assert.Equal(2, layers.Count);
        foreach (var component in Libraries(bom))
        {
            var props = Properties(component);
            var index = int.Parse(props["seawall:layer:index"], System.Globalization.CultureInfo.InvariantCulture);
            // The base layer had four packages; the second layer's "apt-get install" added three.
            var expected = component.GetProperty("name").GetString() is "attr" or "libacl1" or "util-linux-extra" ? 1 : 0;
            Assert.Equal(expected, index);
            Assert.Equal(layers[index].DiffId, props["seawall:layer:diffId"]);
            Assert.Equal(layers[index].CreatedBy, props["seawall:layer:createdBy"]);
        }
    }

    [Fact]
    public async Task Write_Licences_AreSpdxIdsOrNamedWhenUnknown()
    {
        var spdxIds = WriterOutput.SpdxLicenseIds();
        var debian = WriterOutput.Parse(await WriteAsync(await FixtureReports.DebianAsync()));
        var alpine = WriterOutput.Parse(await WriteAsync(await FixtureReports.AlpineAsync()));

        static List<(string? Id, string? Name)> Licences(JsonElement bom, string package) =>
            [.. Libraries(bom).Single(c => c.GetProperty("name").GetString() == package).GetProperty("licenses").EnumerateArray()
                .Select(l => l.GetProperty("license"))
                .Select(l => (l.TryGetProperty("id", out var id) ? id.GetString() : null, l.TryGetProperty("name", out var n) ? n.GetString() : null))];

        Assert.Equal([("GPL-2.0-or-later", null), ("LGPL-2.0-or-later", null)], Licences(debian, "acl"));
        Assert.Equal([("GPL-2.0-or-later", null), (null, "GPL-2+ with Autoconf exception"), (null, "public-domain")], Licences(debian, "attr"));
        Assert.Equal([("MPL-2.0", null), ("MIT", null)], Licences(alpine, "ca-certificates-bundle"));
        Assert.Equal([("MIT", null), ("BSD-2-Clause", null), ("GPL-2.0-or-later", null)], Licences(alpine, "musl-utils"));
        // Every apk package of the fixture declares its licence with SPDX ids; none may fall back to a name.
        foreach (var component in Libraries(alpine))
        {
            Assert.All(component.GetProperty("licenses").EnumerateArray(), l => Assert.Contains(l.GetProperty("license").GetProperty("id").GetString()!, spdxIds));
        }
    }

    [Fact]
    public async Task Write_Dependencies_ReferToExistingComponents()
    {
        foreach (var report in new[] { await FixtureReports.DebianAsync(), await FixtureReports.AlpineAsync() })
        {
            var bom = WriterOutput.Parse(await WriteAsync(report));
            var refs = bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()!)
                .Append(bom.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString()!)
                .ToList();
            Assert.Equal(refs.Count, refs.Distinct(StringComparer.Ordinal).Count());
            var dependencies = bom.GetProperty("dependencies").EnumerateArray().ToList();
            // One entry per component, and every reference resolves.
            Assert.Equal(refs.Order(StringComparer.Ordinal), dependencies.Select(d => d.GetProperty("ref").GetString()!).Order(StringComparer.Ordinal));
            Assert.All(dependencies.SelectMany(d => d.GetProperty("dependsOn").EnumerateArray()), d => Assert.Contains(d.GetString()!, refs));
        }
    }

    [Fact]
    public async Task Write_Dependencies_FollowThePackageManagersDependsFields()
    {
        var debian = WriterOutput.Parse(await WriteAsync(await FixtureReports.DebianAsync()));
        var alpine = WriterOutput.Parse(await WriteAsync(await FixtureReports.AlpineAsync()));

        static List<string> DependsOn(JsonElement bom, string name)
        {
            var bomRef = bom.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("bom-ref").GetString();
            var entry = bom.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("ref").GetString() == bomRef);
            return [.. entry.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()!.Split('?')[0])];
        }

        // acl Depends: libacl1 (= 2.3.1-3), libc6 -- libc6 is not in this image, so only libacl1 is listed.
        Assert.Equal(["pkg:deb/debian/libacl1@2.3.1-3"], DependsOn(debian, "acl"));
        Assert.Empty(DependsOn(debian, "adduser"));
        // D:alpine-baselayout-data=3.4.3-r1 /bin/sh, and busybox-binsh provides /bin/sh.
        Assert.Equal(["pkg:apk/alpine/alpine-baselayout-data@3.4.3-r1", "pkg:apk/alpine/busybox-binsh@1.36.0-r9"], DependsOn(alpine, "alpine-baselayout"));
        Assert.Equal(["pkg:apk/alpine/musl@1.2.4-r0"], DependsOn(alpine, "busybox"));
        Assert.Equal(["pkg:apk/alpine/busybox@1.36.0-r9"], DependsOn(alpine, "busybox-binsh"));
        // The OS component holds the OS packages; the image holds the OS.
        var osDeps = DependsOn(alpine, "alpine");
        Assert.Equal(15, osDeps.Count);
    }

    [Fact]
    public async Task Write_SameReportAndTime_IsByteIdentical()
    {
        var report = await FixtureReports.DebianAsync();
        var again = await FixtureReports.DebianAsync();
        Assert.Equal(await WriteAsync(report), await WriteAsync(again));
    }

    [Fact]
    public async Task Write_AnotherTime_HasAnotherSerialNumber()
    {
        var report = await FixtureReports.AlpineAsync();
        var first = WriterOutput.Parse(await WriteAsync(report));
        var later = WriterOutput.Parse(await WriteAsync(report, WriterOutput.FixedTime.AddSeconds(1)));
        Assert.Equal("2024-05-01T12:00:00Z", first.GetProperty("metadata").GetProperty("timestamp").GetString());
        // CycloneDX: every BOM generated gets a unique serial number, even when the content did not change.
        Assert.NotEqual(first.GetProperty("serialNumber").GetString(), later.GetProperty("serialNumber").GetString());
    }
}
