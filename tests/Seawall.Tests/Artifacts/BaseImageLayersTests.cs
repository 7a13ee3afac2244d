using System.Text;
using Seawall.Artifacts.Image;

namespace Seawall.Tests.Artifacts;

/// <summary>Which bottom layers came from the base image, guessed from the config's history (as Trivy guesses it).</summary>
public sealed class BaseImageLayersTests
{
    private static ImageConfig Config(int layers, params (string Step, bool Empty)[] history)
    {
        var diffIds = string.Join(",", Enumerable.Range(0, layers).Select(i => $"\"sha256:{i:x64}\""));
        var entries = string.Join(",", history.Select(h => $"{{\"created_by\":{System.Text.Json.JsonSerializer.Serialize(h.Step)}{(h.Empty ? ",\"empty_layer\":true" : "")}}}"));
        var json = $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}},\"history\":[{entries}]}}";
        return ImageConfig.Parse(Encoding.UTF8.GetBytes(json), "test config");
    }

    [Fact]
    public void BaseLayerCount_ClassicDockerBuildOnDebian_IsTheLayersBeforeTheBaseCmd()
    {
        // FROM debian:12 (one ADD layer and its CMD), then RUN, COPY, ENTRYPOINT, CMD of the image itself.
        var config = Config(3,
            ("/bin/sh -c #(nop) ADD file:5d673d25da3a14ce1f6cf66e4c7fd4f4b85a3759a9d93efb3fd9ff852b5b56e4 in / ", false),
            ("/bin/sh -c #(nop)  CMD [\"bash\"]", true),
            ("/bin/sh -c apt-get update && apt-get install -y curl", false),
            ("/bin/sh -c #(nop) COPY file:abc in /app ", false),
            ("/bin/sh -c #(nop)  ENTRYPOINT [\"/app/run\"]", true),
            ("/bin/sh -c #(nop)  CMD [\"serve\"]", true));
        Assert.Equal(1, config.BaseLayerCount());
    }

    [Fact]
    public void BaseLayerCount_BuildKitHistory_ReadsItsPlainSteps()
    {
        var config = Config(4,
            ("# debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'", false),
            ("CMD [\"bash\"]", true),
            ("RUN /bin/sh -c apt-get update # buildkit", false),
            ("WORKDIR /app", false),
            ("COPY . . # buildkit", false),
            ("CMD [\"node\", \"server.js\"]", true));
        Assert.Equal(1, config.BaseLayerCount());
    }

    [Fact]
    public void BaseLayerCount_ImageWithoutABaseCmd_IsZero()
    {
        // FROM scratch with a static binary: nothing tells a base image apart.
        var config = Config(1, ("COPY app / # buildkit", false), ("ENTRYPOINT [\"/app\"]", true));
        Assert.Equal(0, config.BaseLayerCount());
        Assert.Equal(0, Config(2).BaseLayerCount()); // no history at all
    }

    [Fact]
    public void BaseLayerCount_TheBaseImageItself_HasNoBaseOfItsOwn()
    {
        // debian:12 scanned alone: its only CMD is its own trailing step, skipped.
        var config = Config(1, ("/bin/sh -c #(nop) ADD file:x in / ", false), ("/bin/sh -c #(nop)  CMD [\"bash\"]", true));
        Assert.Equal(0, config.BaseLayerCount());
    }
}
