using System.Security.Cryptography;
using Seawall.Core.Model;
using Seawall.HostAudit.Access;
using Seawall.Scanning;
using Seawall.Tests.Support;
using Xunit;

namespace Seawall.Tests.HostAudit;

/// <summary>
/// The audit writes nothing: every check group runs on a root made of this machine's real host files, and no file or
/// directory under it changes: not its content, size, mode, modification time, nor (where the file system keeps
/// them) its access time.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReadOnlyAuditTests : IDisposable
{
    private readonly TempDir _root = new("seawall-readonly-");

    public ReadOnlyAuditTests()
    {
        HostFixture.CopyLiveHost(_root.Path);
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task The_audit_changes_no_file_under_the_root()
    {
        var contents = Hashes(_root.Path);
        AgeAccessTimes(_root.Path);
        var before = Snapshot(_root.Path);

        var report = await Audit();

        Assert.Equal(before.Select(e => e with { AccessTime = default }), Snapshot(_root.Path).Select(e => e with { AccessTime = default }));
        Assert.Equal(contents, Hashes(_root.Path));
        Assert.Equal(ResultClass.Host, report.Results[0].Class);
    }

    [Fact]
    public async Task The_audit_leaves_access_times_alone()
    {
        Assert.SkipUnless(AccessTimesMove(), "this file system does not update access times on read (noatime), so there is nothing to check");
        AgeAccessTimes(_root.Path);
        var before = Snapshot(_root.Path);

        await Audit();

        var after = Snapshot(_root.Path);
        var moved = before.Zip(after).Where(p => p.First.AccessTime != p.Second.AccessTime).Select(p => p.First.Path).ToList();
        Assert.True(moved.Count == 0, "access time changed on: " + string.Join(", ", moved.Take(20)));
    }

    private async Task<ScanReport> Audit()
    {
        var service = new ScanService(new ScanOptions { CacheDir = null, IncludePassed = true, AdvisoryDatabase = null });
        return await service.ScanHostAsync(_root.Path, TestContext.Current.CancellationToken);
    }

    private sealed record Entry(string Path, bool IsDirectory, long Size, ushort Mode, DateTimeOffset ModifyTime, DateTimeOffset AccessTime);

    /// <summary>Every entry's metadata, listed with O_NOATIME so taking the snapshot does not itself move directory access times.</summary>
    private static List<Entry> Snapshot(string root)
    {
        var entries = new List<Entry>();
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            var stat = LinuxFiles.Stat(-100, path, LinuxFiles.AtSymlinkNoFollow, out _)!;
            entries.Add(new Entry(Path.GetRelativePath(root, path), stat.IsDirectory, stat.IsDirectory ? 0 : stat.Size, stat.Mode, stat.ModifyTime, stat.AccessTime));
            if (!stat.IsDirectory)
            {
                continue;
            }
            var fd = LinuxFiles.Openat(-100, path, LinuxFiles.ODirectory | LinuxFiles.ONoAtime | LinuxFiles.OCloexec);
            Assert.True(fd >= 0, $"cannot list {path}");
            try
            {
                foreach (var (name, _) in LinuxFiles.ListDirectory(fd, 100_000)!)
                {
                    pending.Push(Path.Combine(path, name));
                }
            }
            finally
            {
                LinuxFiles.Close(fd);
            }
        }
        return [.. entries.OrderBy(e => e.Path, StringComparer.Ordinal)];
    }

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(p => new FileInfo(p).LinkTarget is null)
            .ToDictionary(p => Path.GetRelativePath(root, p), p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))));

    /// <summary>
    /// Puts every access time a day before its modification time: under relatime (the usual mount option) the next
    /// read of such a file or listing of such a directory moves it, so a read by the audit would show.
    /// </summary>
    private static void AgeAccessTimes(string root)
    {
        // Listed in full first: listing a directory after aging it would move its access time again.
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Prepend(root).ToList())
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                continue; // setting a link's times would set its target's
            }
            if (Directory.Exists(path))
            {
                Directory.SetLastAccessTimeUtc(path, Directory.GetLastWriteTimeUtc(path).AddDays(-1));
            }
            else
            {
                File.SetLastAccessTimeUtc(path, File.GetLastWriteTimeUtc(path).AddDays(-1));
            }
        }
    }

    /// <summary>Whether a plain read moves an aged access time on the file system the fixtures live on.</summary>
    private static bool AccessTimesMove()
    {
        using var probe = new TempDir("seawall-atime-probe-");
        var file = probe.File("probe");
        File.WriteAllText(file, "probe");
        File.SetLastAccessTimeUtc(file, File.GetLastWriteTimeUtc(file).AddDays(-1));
        var before = File.GetLastAccessTimeUtc(file);
        _ = File.ReadAllBytes(file);
        return File.GetLastAccessTimeUtc(file) != before;
    }
}
