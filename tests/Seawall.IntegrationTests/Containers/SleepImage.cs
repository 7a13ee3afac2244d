using System.Formats.Tar;
using Seawall.IntegrationTests.Engine;
using Seawall.IntegrationTests.Support;

namespace Seawall.IntegrationTests.Containers;

/// <summary>
/// The smallest image that runs something: this machine's /bin/sleep and the shared libraries ldd names,
/// `docker import`ed. Offline, a few megabytes, and quick to copy under the vfs storage driver.
/// </summary>
internal static class SleepImage
{
    public const string Tag = "seawall-it/sleep:1";

    public static async Task<string> EnsureAsync(DockerEngine engine, TempDir dir)
    {
        var sleep = new FileInfo("/bin/sleep").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/bin/sleep";
        var ldd = await ProcessRunner.RunAsync("ldd", [sleep], TimeSpan.FromSeconds(30));
        Assert.True(ldd.ExitCode == 0, "ldd /bin/sleep failed: " + ldd.StdErr);
        // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)".
        var libraries = ldd.StdOut.Split('\n')
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(word => word.StartsWith('/'))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var tar = dir.File("sleep-image.tar");
        using (var stream = File.Create(tar))
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax))
        {
            var directories = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var file in libraries.Append("/bin/sleep"))
            {
                for (var parent = Path.GetDirectoryName(file); parent is not null && parent != "/"; parent = Path.GetDirectoryName(parent))
                {
                    directories.Add(parent.TrimStart('/'));
                }
            }
            foreach (var directory in directories)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory + "/") { Mode = (UnixFileMode)0b111_101_101 });
            }
            foreach (var (source, name) in libraries.Select(l => (l, l)).Append((sleep, "/bin/sleep")))
            {
                // Read through any symlink: the image holds the real bytes under the name the loader asks for.
                await using var content = File.OpenRead(source);
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name.TrimStart('/'))
                {
                    Mode = (UnixFileMode)0b111_101_101,
                    DataStream = content,
                });
            }
        }
        await engine.DockerAsync("import", tar, Tag);
        return Tag;
    }
}
