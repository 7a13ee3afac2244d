using System.Text.Json;
using Seawall.Artifacts.Engine;
using Seawall.Core.Errors;

namespace Seawall.Tests.Artifacts.Engine;

public sealed class EngineImageMetadataTests
{
    // Captured from dockerd 20.10.24 (API 1.41): `docker build` (classic builder) of FROM scratch, COPY rootfs/ /,
    // ENV, COPY of an empty directory (a layer of zero bytes), COPY, LABEL.
    private const string BuiltInspect = """
        {"Id":"sha256:dbf47880139c1eafdf35d166bb17644fb3d3bc14bd21d21f00f05ea4b5461ffd","RepoTags":["seawall-probe:multi"],"RepoDigests":[],"Parent":"sha256:41f7a20bd8eddfdb4409b39792d26f2eb97c97997726e6e31c96fd87fc1374ee","Comment":"","Created":"2026-11-27T05:42:05.179918969Z","Container":"ab26ef85256206d5c6a14efe2c92b05ed4862acbdb774e8c58fe702352a1d887","ContainerConfig":{"Hostname":"ab26ef852562","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","APP=seawall"],"Cmd":["/bin/sh","-c","#(nop) ","LABEL test=1"],"Image":"sha256:41f7a20bd8eddfdb4409b39792d26f2eb97c97997726e6e31c96fd87fc1374ee","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{"test":"1"}},"DockerVersion":"20.10.24+dfsg1","Author":"","Config":{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","APP=seawall"],"Cmd":null,"Image":"sha256:41f7a20bd8eddfdb4409b39792d26f2eb97c97997726e6e31c96fd87fc1374ee","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{"test":"1"}},"Architecture":"amd64","Os":"linux","Size":736,"VirtualSize":736,"GraphDriver":{"Data":null,"Name":"vfs"},"RootFS":{"Type":"layers","Layers":["sha256:7f7120f42b9815cfdbfe846a8b0b3de197b47de2fbe38f2c97cd792b03008aff","sha256:aac9ab422243c6c4efd649607c173b395c4d346243b6f84f2532293240156f01","sha256:70d2721f226a56abe0de4d2ef90c672c0b0fdb8604fed2ca79fbd832b38b7788"]},"Metadata":{"LastTagTime":"2026-11-27T05:42:06.167921995Z"}}
        """;

    private const string BuiltHistory = """
        [{"Comment":"","Created":1795758125,"CreatedBy":"/bin/sh -c #(nop)  LABEL test=1","Id":"sha256:dbf47880139c1eafdf35d166bb17644fb3d3bc14bd21d21f00f05ea4b5461ffd","Size":0,"Tags":["seawall-probe:multi"]},{"Comment":"","Created":1795758125,"CreatedBy":"/bin/sh -c #(nop) COPY dir:1f791bc81f2be3f293b8237b06bd14369961e0325b8643b2e8bf59c994a8d5de in /opt/extra/ ","Id":"sha256:41f7a20bd8eddfdb4409b39792d26f2eb97c97997726e6e31c96fd87fc1374ee","Size":3,"Tags":null},{"Comment":"","Created":1795758124,"CreatedBy":"/bin/sh -c #(nop) COPY dir:15a6c147bbd6ab912dbf1e5d10ba2c281b84d271a89eca59998579b447331c75 in /opt/empty/ ","Id":"sha256:f7e9962c220f80261ad061a294ac84b4b2b7e354e9b7f503dfd6f12bbd1e9101","Size":0,"Tags":null},{"Comment":"","Created":1795758114,"CreatedBy":"/bin/sh -c #(nop)  ENV APP=seawall","Id":"sha256:f7d0a1edc645f45c52d62f41c231715389565012345500d5fc23693d502be879","Size":0,"Tags":null},{"Comment":"","Created":1795758114,"CreatedBy":"/bin/sh -c #(nop) COPY dir:36d6751f4a155c719a71f0d755feff578ac06f8fdfd44dd8ead44d969e93e684 in / ","Id":"sha256:e92ca0b66614a26d4b5f1962bd491075daff5e64533d621cd4cfef059033f54d","Size":733,"Tags":null}]
        """;

    // Captured from the same daemon: `docker import` of a debootstrap root (bench/fixtures/make-debian12.sh).
    private const string ImportedHistory = """
        [{"Comment":"debootstrap --variant=minbase bookworm http://deb.debian.org/debian","Created":1795758578,"CreatedBy":"","Id":"sha256:99db49b1c9da7ed76d806dade6a2822c500632a80dbae24e65759d848bdb344d","Size":116548263,"Tags":["seawall-fixture/debian12:latest"]}]
        """;

    private static EngineImageMetadata Parse(string inspect, string? history)
    {
        using var i = JsonDocument.Parse(inspect);
        using var h = history is null ? null : JsonDocument.Parse(history);
        return EngineImageMetadata.Parse(i.RootElement, h?.RootElement, "test");
    }

    private static string Inspect(params string[] diffIds) =>
        $$$"""{"Id":"sha256:{{{new string('a', 64)}}}","Architecture":"amd64","Os":"linux","RootFS":{"Type":"layers","Layers":[{{{string.Join(",", diffIds.Select(d => $"\"{d}\""))}}}]}}""";

    private static string Layer(char c) => "sha256:" + new string(c, 64);

    [Fact]
    public void Parse_ClassicBuild_PairsEachLayerWithTheStepThatMadeIt()
    {
        var metadata = Parse(BuiltInspect, BuiltHistory);
        Assert.Equal("sha256:dbf47880139c1eafdf35d166bb17644fb3d3bc14bd21d21f00f05ea4b5461ffd", metadata.Id);
        Assert.Equal(["seawall-probe:multi"], metadata.RepoTags);
        Assert.Empty(metadata.RepoDigests);
        Assert.Equal(736, metadata.Size);
        Assert.Equal("amd64", metadata.Config.Architecture);
        Assert.Equal("linux", metadata.Config.Os);
        Assert.Contains("APP=seawall", metadata.Config.Env);
        Assert.Null(metadata.Config.User);
        var layers = metadata.Config.LayerRefs();
        Assert.Equal(3, layers.Count);
        Assert.Equal("sha256:7f7120f42b9815cfdbfe846a8b0b3de197b47de2fbe38f2c97cd792b03008aff", layers[0].DiffId);
        Assert.EndsWith("in / ", layers[0].CreatedBy, StringComparison.Ordinal);
        // The zero-byte COPY still made a layer; the zero-byte ENV and LABEL did not.
        Assert.EndsWith("in /opt/empty/ ", layers[1].CreatedBy, StringComparison.Ordinal);
        Assert.EndsWith("in /opt/extra/ ", layers[2].CreatedBy, StringComparison.Ordinal);
        Assert.Equal(5, metadata.Config.History.Count);
        Assert.Equal("2026-11-27T05:41:54Z", metadata.Config.History[0].Created);
        Assert.True(metadata.Config.History[1].EmptyLayer);
        Assert.True(metadata.Config.History[4].EmptyLayer);
    }

    [Fact]
    public void Parse_Import_OneLayerWithoutCreatedBy()
    {
        var metadata = Parse(Inspect(Layer('b')), ImportedHistory);
        var layer = Assert.Single(metadata.Config.LayerRefs());
        Assert.Equal(Layer('b'), layer.DiffId);
        Assert.Null(layer.CreatedBy);
    }

    [Fact]
    public void Parse_BuildKitStyleHistory_ZeroByteWorkdirMakesALayerButEnvAndCmdDoNot()
    {
        const string history = """
            [{"Created":1716163300,"CreatedBy":"CMD [\"python3\"]","Size":0,"Comment":"buildkit.dockerfile.v0"},
             {"Created":1716163299,"CreatedBy":"RUN /bin/sh -c pip install flask # buildkit","Size":12345,"Comment":"buildkit.dockerfile.v0"},
             {"Created":1716163298,"CreatedBy":"WORKDIR /app","Size":0,"Comment":"buildkit.dockerfile.v0"},
             {"Created":1716163297,"CreatedBy":"ENV LANG=C.UTF-8","Size":0,"Comment":"buildkit.dockerfile.v0"},
             {"Created":1716163200,"CreatedBy":"# debian.sh --arch 'amd64' out/ 'bookworm' '@1716163200'","Size":116000000,"Comment":"debuerreotype 0.15"}]
            """;
        var layers = Parse(Inspect(Layer('1'), Layer('2'), Layer('3')), history).Config.LayerRefs();
        Assert.Equal(["# debian.sh --arch 'amd64' out/ 'bookworm' '@1716163200'", "WORKDIR /app", "RUN /bin/sh -c pip install flask # buildkit"], layers.Select(l => l.CreatedBy));
    }

    [Fact]
    public void Parse_HistoryThatFitsNoAlignment_LeavesCreatedByEmptyRatherThanWrong()
    {
        const string history = """
            [{"Created":1,"CreatedBy":"ENV A=1","Size":0},{"Created":1,"CreatedBy":"ENV B=2","Size":0},{"Created":1,"CreatedBy":"ENV C=3","Size":0}]
            """;
        var layers = Parse(Inspect(Layer('1'), Layer('2')), history).Config.LayerRefs();
        Assert.All(layers, l => Assert.Null(l.CreatedBy));
    }

    [Fact]
    public void Parse_NoHistory_LayersWithoutCreatedBy()
    {
        var layers = Parse(Inspect(Layer('1')), null).Config.LayerRefs();
        Assert.Null(Assert.Single(layers).CreatedBy);
    }

    [Theory]
    [InlineData("""{"RootFS":{"Layers":[]}}""")]
    [InlineData("""{"Id":"sha256:xyz"}""")]
    [InlineData("""{"Id":"sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""")]
    [InlineData("""{"Id":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","RootFS":{"Layers":["../../etc"]}}""")]
    [InlineData("""[]""")]
    public void Parse_MalformedInspect_ThrowsScanException(string inspect)
    {
        Assert.Throws<ScanException>(() => Parse(inspect, null));
    }

    [Fact]
    public void Parse_HistoryNotAnArray_ThrowsScanException()
    {
        Assert.Throws<ScanException>(() => Parse(Inspect(Layer('1')), """{"CreatedBy":"x"}"""));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("/bin/sh -c apt-get update", true)]
    [InlineData("|1 VERSION=1 /bin/sh -c make", true)]
    [InlineData("/bin/sh -c #(nop) ADD file:abc in / ", true)]
    [InlineData("/bin/sh -c #(nop) COPY dir:abc in /app ", true)]
    [InlineData("/bin/sh -c #(nop)  ENV A=1", false)]
    [InlineData("/bin/sh -c #(nop)  CMD [\"bash\"]", false)]
    [InlineData("/bin/sh -c #(nop) WORKDIR /app", false)]
    [InlineData("RUN /bin/sh -c true # buildkit", true)]
    [InlineData("COPY . . # buildkit", true)]
    [InlineData("ADD https://example.org/x /x # buildkit", true)]
    [InlineData("WORKDIR /srv", true)]
    [InlineData("ENV PATH=/usr/bin", false)]
    [InlineData("LABEL a=b", false)]
    [InlineData("USER 1000", false)]
    [InlineData("EXPOSE 80", false)]
    public void MakesLayer_Instruction_Classifies(string? createdBy, bool expected)
    {
        Assert.Equal(expected, EngineImageMetadata.MakesLayer(createdBy));
    }
}
