using Seawall.Core.FileTree;
using Seawall.Tests.Support;
using static Seawall.Tests.Artifacts.ImageScan;

namespace Seawall.Tests.Artifacts;

/// <summary>
/// The layer applier (LayeredFileTree, built by ImageTreeBuilder from real OCI layouts): whiteouts and opaque
/// directories the way overlayfs applies them, hardlinks, symlinks resolved inside the image root only, and
/// every file knowing its layer.
/// </summary>
public sealed class LayerApplierTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<Seawall.Artifacts.Layers.LayeredFileTree> BuildAsync(ImageSpec spec, params string[] keep)
    {
        var built = ImageBuilder.Write(spec, _dir.File("layout-" + Guid.NewGuid().ToString("N")), ArchiveFormat.OciLayoutDirectory);
        return await TreeKeepingAsync(built.Path, keep.Length == 0 ? [""] : keep);
    }

    private static ImageSpec Image(out LayerSpec first)
    {
        var spec = new ImageSpec();
        first = spec.AddLayer("ADD rootfs");
        return spec;
    }

    // --- Whiteouts and opaque directories ---

    [Fact]
    public async Task Whiteout_OfAFile_DeletesOnlyThatFileAndKeepsItAsDeleted()
    {
        var spec = Image(out var l0);
        l0.Dir("etc").File("etc/a", "A").File("etc/b", "B");
        spec.AddLayer("RUN rm /etc/a").Whiteout("etc/a");

        var tree = await BuildAsync(spec);

        Assert.Null(tree.Lookup("etc/a"));
        Assert.Equal("B", await ReadTextAsync(tree, "etc/b"));
        var deleted = Assert.Single(tree.DeletedNodes, n => n.Path == "etc/a");
        Assert.Equal(0, deleted.Layer?.Index);
        // A deleted file's content stays readable (secrets in deleted files still leak).
        Assert.Equal("A"u8.ToArray(), await tree.ReadAllBytesAsync(deleted, 100, Token));
        Assert.DoesNotContain(tree.Nodes, n => n.Path.Contains(".wh.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Whiteout_OfADirectory_DeletesItsWholeSubtree()
    {
        var spec = Image(out var l0);
        l0.Dir("usr").Dir("usr/share").Dir("usr/share/x").File("usr/share/x/1", "1").Dir("usr/share/x/sub").File("usr/share/x/sub/2", "2").File("usr/share/keep", "k");
        spec.AddLayer("RUN rm -rf /usr/share/x").Whiteout("usr/share/x");

        var tree = await BuildAsync(spec);

        Assert.DoesNotContain(tree.Nodes, n => TreePath.IsUnder(n.Path, "usr/share/x"));
        Assert.NotNull(tree.Lookup("usr/share/keep"));
        Assert.Equal(["usr/share/x", "usr/share/x/1", "usr/share/x/sub", "usr/share/x/sub/2"], tree.DeletedNodes.Select(n => n.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OpaqueDirectory_HidesLowerContentButKeepsItsOwn()
    {
        var spec = Image(out var l0);
        l0.Dir("etc").Dir("etc/conf.d").File("etc/conf.d/a", "a").Dir("etc/conf.d/deep").File("etc/conf.d/deep/b", "b");
        spec.AddLayer("RUN rm -rf /etc/conf.d && mkdir /etc/conf.d && echo c > /etc/conf.d/c")
            .Dir("etc/conf.d").Opaque("etc/conf.d").File("etc/conf.d/c", "c");

        var tree = await BuildAsync(spec);

        Assert.Equal(["etc/conf.d/c"], tree.Nodes.Where(n => n.Path.StartsWith("etc/conf.d/", StringComparison.Ordinal)).Select(n => n.Path));
        Assert.Equal(FileKind.Directory, tree.Lookup("etc/conf.d")?.Kind);
        Assert.Equal(1, tree.Lookup("etc/conf.d/c")?.Layer?.Index);
        Assert.Contains(tree.DeletedNodes, n => n.Path == "etc/conf.d/deep/b");
    }

    [Fact]
    public async Task OpaqueDirectory_LaterLayersAddToItAgain()
    {
        var spec = Image(out var l0);
        l0.Dir("opt").File("opt/old", "o");
        spec.AddLayer().Dir("opt").Opaque("opt");
        spec.AddLayer().File("opt/new", "n");

        var tree = await BuildAsync(spec);

        Assert.Null(tree.Lookup("opt/old"));
        Assert.Equal("n", await ReadTextAsync(tree, "opt/new"));
    }

    [Fact]
    public async Task Whiteout_ReAddedInALaterLayer_IsTheNewFileFromTheNewLayer()
    {
        var spec = Image(out var l0);
        l0.Dir("etc").File("etc/motd", "v1");
        spec.AddLayer("RUN rm /etc/motd").Whiteout("etc/motd");
        spec.AddLayer("COPY motd /etc/motd").File("etc/motd", "v2");

        var tree = await BuildAsync(spec);

        var node = tree.Lookup("etc/motd");
        Assert.Equal(2, node?.Layer?.Index);
        Assert.Equal("COPY motd /etc/motd", node?.Layer?.CreatedBy);
        Assert.Equal("v2", await ReadTextAsync(tree, "etc/motd"));
        // Only the deleted version is history; the re-added file has no earlier version.
        Assert.Empty(tree.EarlierVersions("etc/motd"));
    }

    [Fact]
    public async Task Whiteout_InTheSameLayerAsTheFile_OnlyAppliesToLowerLayers()
    {
        // OCI image-spec layer.md: whiteouts only apply to lower layers; a file in the same layer stays.
        var spec = Image(out var l0);
        l0.Dir("srv").File("srv/x", "lower");
        spec.AddLayer().Dir("srv").File("srv/x", "same-layer").Whiteout("srv/x");

        var tree = await BuildAsync(spec);

        Assert.Equal("same-layer", await ReadTextAsync(tree, "srv/x"));
    }

    [Fact]
    public async Task Replace_DirectoryByFileAndFileByDirectory_TakesTheOldSubtreeAlong()
    {
        var spec = Image(out var l0);
        l0.Dir("a").File("a/child", "c").File("b", "file");
        spec.AddLayer().File("a", "now a file").Dir("b").File("b/inner", "i");

        var tree = await BuildAsync(spec);

        Assert.Equal(FileKind.Regular, tree.Lookup("a")?.Kind);
        Assert.Null(tree.Lookup("a/child"));
        Assert.Equal(FileKind.Directory, tree.Lookup("b")?.Kind);
        Assert.Equal("i", await ReadTextAsync(tree, "b/inner"));
    }

    [Fact]
    public async Task UsrMerge_DirectoryReplacedBySymlink_PathsResolveThroughTheLink()
    {
        var spec = Image(out var l0);
        l0.Dir("lib").File("lib/old.so", "old").Dir("usr").Dir("usr/lib").File("usr/lib/libc.so.6", "libc");
        spec.AddLayer("RUN usrmerge").Symlink("lib", "usr/lib");

        var tree = await BuildAsync(spec);

        Assert.Equal(FileKind.Symlink, tree.Lookup("lib")?.Kind);
        Assert.Null(tree.Resolve("lib/old.so"));
        Assert.Equal("libc", await ReadTextAsync(tree, "lib/libc.so.6"));
        Assert.Equal("usr/lib/libc.so.6", tree.Resolve("lib/libc.so.6")?.Path);
    }

    [Fact]
    public async Task ImplicitParents_MissingDirectoryEntries_AreDirectoriesOfTheLayer()
    {
        var spec = Image(out var l0);
        l0.File("var/lib/deep/file", "d"); // no var/, var/lib/ or var/lib/deep/ entries

        var tree = await BuildAsync(spec);

        Assert.Equal("d", await ReadTextAsync(tree, "var/lib/deep/file"));
        Assert.Equal(FileKind.Directory, tree.Lookup("var/lib")?.Kind);
        Assert.Equal(0, tree.Lookup("var/lib")?.Layer?.Index);
    }

    // --- Hardlinks ---

    [Fact]
    public async Task Hardlink_ToAFileInAnEarlierLayer_SharesItsContentAndKeepsItsOwnLayer()
    {
        var spec = Image(out var l0);
        l0.Dir("usr").Dir("usr/bin").File("usr/bin/perl5.36.0", "#!perl");
        spec.AddLayer("RUN ln /usr/bin/perl5.36.0 /usr/bin/perl").Hardlink("usr/bin/perl", "usr/bin/perl5.36.0");

        var tree = await BuildAsync(spec);

        var link = tree.Lookup("usr/bin/perl");
        Assert.Equal(FileKind.Regular, link?.Kind);
        Assert.Equal(6, link?.Size);
        Assert.Equal(1, link?.Layer?.Index);
        Assert.Equal("#!perl", await ReadTextAsync(tree, "usr/bin/perl"));
    }

    [Fact]
    public async Task Hardlink_TargetDeletedOrRewrittenLater_TheLinkKeepsTheOriginalContent()
    {
        var spec = Image(out var l0);
        l0.Dir("bin").File("bin/busybox", "BUSYBOX-1").Hardlink("bin/sh", "bin/busybox").Hardlink("bin/ls", "bin/sh");
        spec.AddLayer("RUN rm /bin/busybox").Whiteout("bin/busybox");
        spec.AddLayer("RUN echo > /bin/sh").File("bin/sh", "rewritten");

        var tree = await BuildAsync(spec);

        Assert.Null(tree.Lookup("bin/busybox"));
        Assert.Equal("rewritten", await ReadTextAsync(tree, "bin/sh"));
        // bin/ls was a third name for the busybox inode: neither the whiteout nor the rewrite of other names touches it.
        Assert.Equal("BUSYBOX-1", await ReadTextAsync(tree, "bin/ls"));
        Assert.Equal(0, tree.Lookup("bin/ls")?.Layer?.Index);
    }

    [Fact]
    public async Task Hardlink_ToASymlink_IsThatSymlink()
    {
        var spec = Image(out var l0);
        l0.Dir("etc").File("etc/real", "r").Symlink("etc/soft", "real").Hardlink("etc/hard", "etc/soft");

        var tree = await BuildAsync(spec);

        Assert.Equal(FileKind.Symlink, tree.Lookup("etc/hard")?.Kind);
        Assert.Equal("r", await ReadTextAsync(tree, "etc/hard"));
    }

    [Fact]
    public async Task Hardlink_ToNothingOrADirectory_DroppedWithAWarning()
    {
        var spec = Image(out var l0);
        l0.Dir("d").Hardlink("ghost", "never/was").Hardlink("dirlink", "d");

        var tree = await BuildAsync(spec);

        Assert.Null(tree.Lookup("ghost"));
        Assert.Null(tree.Lookup("dirlink"));
        Assert.Equal(2, tree.Warnings.Count(w => w.Contains("which is missing or a directory; ignored", StringComparison.Ordinal)));
    }

    // --- Symlinks ---

    [Fact]
    public async Task Symlink_Chains_ResolveRelativeAbsoluteAndThroughDirectories()
    {
        var spec = Image(out var l0);
        l0.Dir("usr").Dir("usr/lib").File("usr/lib/os-release", "ID=debian\n")
            .Dir("etc").Symlink("etc/os-release", "../usr/lib/os-release")
            .Symlink("etc/alt1", "/etc/os-release")
            .Symlink("etc/alt2", "alt1")
            .Symlink("lib", "usr/lib")
            .Symlink("etc/via-dir", "../lib/./os-release");

        var tree = await BuildAsync(spec);

        foreach (var path in new[] { "etc/os-release", "etc/alt1", "etc/alt2", "lib/os-release", "etc/via-dir", "/etc/alt2", "etc/../etc/alt2" })
        {
            Assert.Equal("usr/lib/os-release", tree.Resolve(path)?.Path);
        }
        Assert.Equal(FileKind.Symlink, tree.Lookup("etc/alt2")?.Kind);
        Assert.Equal("ID=debian\n", await ReadTextAsync(tree, "etc/alt2"));
    }

    [Fact]
    public async Task Symlink_Loops_ResolveToNothingWithoutHanging()
    {
        var spec = Image(out var l0);
        l0.Symlink("a", "b").Symlink("b", "a").Symlink("self", "self").Dir("d").Symlink("d/loop", ".").Symlink("d/up", "../d/up");

        var tree = await BuildAsync(spec);

        Assert.Null(tree.Resolve("a"));
        Assert.Null(tree.Resolve("self"));
        Assert.Null(tree.Resolve("d/up"));
        Assert.Equal("d", tree.Resolve("d/loop/loop/loop")?.Path);
        // More than the kernel's 40 hops.
        Assert.Null(tree.Resolve(string.Join('/', Enumerable.Repeat("d/loop", 50).Prepend("d")) + "/x"));
    }

    [Theory]
    [InlineData("../../../../etc/shadow")]
    [InlineData("../../..")]
    [InlineData("/../etc/shadow")]
    [InlineData("/..")]
    public async Task Symlink_EscapingTheRoot_NeverResolves(string target)
    {
        var spec = Image(out var l0);
        l0.Dir("etc").File("etc/shadow", "image-shadow").Dir("usr").Dir("usr/share").Symlink("usr/share/evil", target);

        var tree = await BuildAsync(spec);

        Assert.Null(tree.Resolve("usr/share/evil"));
        Assert.Null(tree.Resolve("usr/share/evil/etc/shadow"));
        Assert.NotNull(tree.Lookup("usr/share/evil"));
    }

    [Fact]
    public async Task Symlink_ToRootThenUp_StaysRefusedAndAbsoluteTargetsStayInTheImage()
    {
        var spec = Image(out var l0);
        l0.Dir("etc").File("etc/passwd", "image-passwd").Symlink("root-link", "/").Symlink("abs", "/etc/passwd");

        var tree = await BuildAsync(spec);

        Assert.Equal("image-passwd", await ReadTextAsync(tree, "abs"));
        Assert.Equal("image-passwd", await ReadTextAsync(tree, "root-link/etc/passwd"));
        // ".." above the root is refused, not clamped, even when a link put us at the root.
        Assert.Null(tree.Resolve("root-link/../etc/passwd"));
    }

    [Fact]
    public async Task Resolve_DotDotAfterADirectorySymlink_FollowsTheLinkFirstLikeTheKernel()
    {
        var spec = Image(out var l0);
        l0.Dir("usr").Dir("usr/lib").Dir("usr/share").File("usr/share/doc", "doc").File("share", "top-level decoy").Symlink("lib", "usr/lib");

        var tree = await BuildAsync(spec);

        // lib -> usr/lib, then ".." is usr: usr/share/doc. Lexical clean-up first would give share/doc instead.
        Assert.Equal("usr/share/doc", tree.Resolve("lib/../share/doc")?.Path);
    }

    // --- Every file knows its layer ---

    [Fact]
    public async Task Layers_HistoryNotMatchingTheLayers_KeepIndexAndDiffIdWithoutGuessingCreatedBy()
    {
        var spec = new ImageSpec { EmptyLayerHistory = false };
        spec.AddLayer("ADD rootfs").File("a", "a");
        spec.AddLayer("RUN b").File("b", "b");
        spec.EditConfig = config => ((System.Text.Json.Nodes.JsonArray)config["history"]!).RemoveAt(0);
        var built = ImageBuilder.Write(spec, _dir.File("layout"), ArchiveFormat.OciLayoutDirectory);

        var tree = await TreeKeepingAsync(built.Path, "");

        Assert.Equal(new Seawall.Core.Model.LayerRef(1, built.Layers[1].DiffId, null), tree.Lookup("b")?.Layer);
        Assert.Equal(new Seawall.Core.Model.LayerRef(0, built.Layers[0].DiffId, null), tree.Lookup("a")?.Layer);
    }

    [Fact]
    public async Task Layers_EveryFileKnowsIndexDiffIdAndCreatedBy()
    {
        var spec = new ImageSpec { EmptyLayerHistory = true };
        spec.AddLayer("/bin/sh -c #(nop) ADD file:0123 in /").Dir("etc").File("etc/a", "a");
        spec.AddLayer("/bin/sh -c apt-get update").Dir("var").File("var/b", "b");
        spec.AddLayer("/bin/sh -c #(nop) COPY file:4567 in /etc/a").File("etc/a", "a2");
        var built = ImageBuilder.Write(spec, _dir.File("layout"), ArchiveFormat.OciLayoutDirectory);

        var tree = await TreeKeepingAsync(built.Path, "");

        var a = tree.Lookup("etc/a")!.Layer!;
        Assert.Equal((2, built.Layers[2].DiffId, "/bin/sh -c #(nop) COPY file:4567 in /etc/a"), (a.Index, a.DiffId, a.CreatedBy));
        var b = tree.Lookup("var/b")!.Layer!;
        Assert.Equal((1, built.Layers[1].DiffId, "/bin/sh -c apt-get update"), (b.Index, b.DiffId, b.CreatedBy));
        var earlier = Assert.Single(tree.EarlierVersions("etc/a"));
        Assert.Equal(0, earlier.Layer?.Index);
        Assert.All(tree.Nodes, n => Assert.NotNull(n.Layer));
    }
}
