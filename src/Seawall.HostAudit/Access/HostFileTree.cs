using System.Text;
using Seawall.Core.FileTree;

namespace Seawall.HostAudit.Access;

/// <summary>
/// A live host's files under a root ("/", or a host mounted at /host, or a fixture tree), read without changing them
/// and without ever leaving the root. Nothing is walked up front: each lookup asks the kernel. Paths are relative to
/// the root, '/'-separated ("etc/ssh/sshd_config", "proc/1/cmdline").
/// <para>
/// Confinement: openat2 with RESOLVE_IN_ROOT resolves ".." and absolute symlinks against the root, as a chroot would,
/// and refuses /proc's magic links, so "/host/etc/x -> /etc/shadow" reads the host's file, never the auditor's. Where
/// the kernel or a seccomp profile refuses openat2, links are resolved here, one component at a time, the same way.
/// </para>
/// <para>
/// Read-only: files and directories are opened with O_NOATIME (the audit runs as root, which may set it) so not even
/// an access time moves.
/// </para>
/// </summary>
public sealed class HostFileTree : IFileTree, IDisposable
{
    /// <summary>Cap on one host file read (a config file or a /proc entry); bigger files read as absent, with a warning.</summary>
    public const long DefaultMaxBytes = 8 * 1024 * 1024;

    private const int MaxLinkHops = 40;
    private const int MaxDirectoryEntries = 200_000;

    /// <summary>The directories a host's OS and package inventory is read from (listed, not walked; see <see cref="Nodes"/>).</summary>
    private static readonly string[] InventoryDirectories =
        ["etc", "usr/lib", "var/lib/dpkg", "var/lib/dpkg/info", "lib/apk/db", "var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"];

    /// <summary>
    /// dpkg's info folder holds a dozen files a package (scripts, md5sums, triggers); only the file lists (NAME.list) are
    /// inventory, the files each package owns: the others are not even looked at.
    /// </summary>
    private const string DpkgInfo = "var/lib/dpkg/info";

    private readonly int _rootFd;
    private readonly bool _kernelResolves;
    private readonly List<string> _warnings = [];
    private readonly Lock _warningsLock = new();

    private HostFileTree(string root, int rootFd, bool kernelResolves)
    {
        Root = root;
        _rootFd = rootFd;
        _kernelResolves = kernelResolves;
    }

    /// <summary>The root directory as given (absolute).</summary>
    public string Root { get; }

    /// <summary>False where openat2 is unavailable and links are resolved in user space (tests force it with SEAWALL_NO_OPENAT2).</summary>
    public bool KernelConfined => _kernelResolves;

    /// <exception cref="DirectoryNotFoundException">The root is missing or no directory.</exception>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    public static HostFileTree Open(string root, bool? useOpenat2 = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the host audit reads Linux hosts only");
        }
        var full = Path.GetFullPath(root);
        var fd = LinuxFiles.Openat(-100 /* AT_FDCWD */, full, LinuxFiles.OPath | LinuxFiles.ODirectory | LinuxFiles.OCloexec);
        if (fd < 0)
        {
            throw new DirectoryNotFoundException($"{root}: no such directory");
        }
        var kernel = useOpenat2 ?? string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SEAWALL_NO_OPENAT2"));
        if (kernel)
        {
            // ENOSYS before Linux 5.6; EPERM or ENOSYS where a seccomp profile does not list it.
            var probe = LinuxFiles.Openat2(fd, ".", LinuxFiles.OPath | LinuxFiles.OCloexec, LinuxFiles.ResolveInRoot);
            if (probe >= 0)
            {
                LinuxFiles.Close(probe);
            }
            else
            {
                kernel = false;
            }
        }
        return new HostFileTree(full, fd, kernel);
    }

    /// <summary>The entry at path, following a final symlink when asked; null when missing or not reachable inside the root.</summary>
    public FileNode? Stat(string path, bool followLinks = true)
    {
        var fd = OpenPath(path, LinuxFiles.OPath, followLinks);
        if (fd < 0)
        {
            return null;
        }
        try
        {
            var stat = LinuxFiles.Stat(fd, string.Empty, LinuxFiles.AtEmptyPath, out _);
            return stat is null ? null : ToNode(Clean(path), stat, stat.IsSymlink ? LinuxFiles.ReadLink(fd, string.Empty) : null);
        }
        finally
        {
            LinuxFiles.Close(fd);
        }
    }

    /// <summary>A file's bytes, at most maxBytes (null when missing, not a regular file, unreadable or bigger).</summary>
    public byte[]? ReadBytes(string path, long maxBytes = DefaultMaxBytes)
    {
        var fd = OpenPath(path, 0, followLast: true);
        if (fd < 0)
        {
            return null;
        }
        try
        {
            var stat = LinuxFiles.Stat(fd, string.Empty, LinuxFiles.AtEmptyPath, out _);
            if (stat is null || !stat.IsRegular)
            {
                return null;
            }
            var bytes = LinuxFiles.ReadAll(fd, maxBytes);
            if (bytes is null)
            {
                Warn($"{Clean(path)}: larger than {maxBytes} bytes or unreadable; not read");
            }
            return bytes;
        }
        finally
        {
            LinuxFiles.Close(fd);
        }
    }

    /// <summary>
    /// A regular file opened for reading in parts (a runtime binary's Go build info lies in a few KB of an 80 MB file);
    /// null when missing or not a regular file. Same confinement and O_NOATIME as every read; the caller disposes it.
    /// </summary>
    public Stream? OpenRead(string path)
    {
        var fd = OpenPath(path, 0, followLast: true);
        if (fd < 0)
        {
            return null;
        }
        var stat = LinuxFiles.Stat(fd, string.Empty, LinuxFiles.AtEmptyPath, out _);
        if (stat is null || !stat.IsRegular)
        {
            LinuxFiles.Close(fd);
            return null;
        }
        // The handle owns the descriptor from here on: disposing the stream closes it.
        return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }

    /// <summary>A text file (UTF-8), or null (see <see cref="ReadBytes"/>).</summary>
    public string? ReadText(string path, long maxBytes = DefaultMaxBytes) =>
        ReadBytes(path, maxBytes) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The names in a directory, or null when it is missing or no directory.</summary>
    public IReadOnlyList<string>? List(string directory) => ListEntries(directory)?.Select(e => e.Name).ToList();

    /// <summary>A symlink's target as written (a /proc/PID/exe or fd link included), or null when path is no link.</summary>
    public string? ReadLink(string path)
    {
        var clean = Clean(path);
        var slash = clean.LastIndexOf('/');
        var parent = slash < 0 ? string.Empty : clean[..slash];
        var fd = OpenPath(parent, LinuxFiles.OPath | LinuxFiles.ODirectory, followLast: true);
        if (fd < 0)
        {
            return null;
        }
        try
        {
            return LinuxFiles.ReadLink(fd, clean[(slash + 1)..]);
        }
        finally
        {
            LinuxFiles.Close(fd);
        }
    }

    /// <summary>
    /// The targets of the links in one directory, read through a single open of it: a process's fd/ table
    /// ("socket:[1234]", "/dev/null") costs one open instead of one per descriptor. Null when the directory cannot be
    /// opened (another user's process without root); at most max entries.
    /// </summary>
    public IReadOnlyList<(string Name, string Target)>? ReadLinks(string directory, int max = MaxDirectoryEntries)
    {
        var fd = OpenPath(directory, LinuxFiles.ODirectory, followLast: true);
        if (fd < 0)
        {
            return null;
        }
        try
        {
            var entries = LinuxFiles.ListDirectory(fd, max);
            if (entries is null)
            {
                return null;
            }
            var links = new List<(string, string)>(entries.Count);
            foreach (var (name, _) in entries)
            {
                if (LinuxFiles.ReadLink(fd, name) is { } target)
                {
                    links.Add((name, target));
                }
            }
            return links;
        }
        finally
        {
            LinuxFiles.Close(fd);
        }
    }

    public bool Exists(string path) => Stat(path, followLinks: false) is not null;

    // ---- IFileTree: what the package analyzers need from a host ----

    /// <summary>
    /// The entries of the few directories a host's OS release and package databases live in, not a walk of the host:
    /// the audit reads everything else by path. A whole-host walk is `seawall rootfs /`.
    /// </summary>
    public IEnumerable<FileNode> Nodes
    {
        get
        {
            foreach (var directory in InventoryDirectories)
            {
                foreach (var (name, _) in ListEntries(directory) ?? [])
                {
                    if (directory == DpkgInfo && !name.EndsWith(".list", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    if (Stat(directory + "/" + name, followLinks: false) is { } node && node.Kind is FileKind.Regular or FileKind.Symlink)
                    {
                        yield return node;
                    }
                }
            }
        }
    }

    public FileNode? Lookup(string path) => Stat(path, followLinks: false);

    // The node keeps the path asked for: reading it again by that path reaches the same file.
    public FileNode? Resolve(string path) => Stat(path, followLinks: true);

    public bool HasContent(FileNode node) => node.Kind == FileKind.Regular;

    public ValueTask<byte[]?> ReadAllBytesAsync(FileNode node, long maxBytes, CancellationToken cancellationToken) =>
        ValueTask.FromResult(node.Kind == FileKind.Regular ? ReadBytes(node.Path, maxBytes) : null);

    public IReadOnlyList<FileNode> DeletedNodes => [];

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warningsLock)
            {
                return [.. _warnings];
            }
        }
    }

    public void Dispose() => LinuxFiles.Close(_rootFd);

    // ---- resolution ----

    private List<(string Name, byte Type)>? ListEntries(string directory)
    {
        var fd = OpenPath(directory, LinuxFiles.ODirectory, followLast: true);
        if (fd < 0)
        {
            return null;
        }
        try
        {
            return LinuxFiles.ListDirectory(fd, MaxDirectoryEntries);
        }
        finally
        {
            LinuxFiles.Close(fd);
        }
    }

    /// <summary>Opens path inside the root with O_CLOEXEC and O_NOATIME added; a negative errno on failure.</summary>
    private int OpenPath(string path, int flags, bool followLast)
    {
        var clean = Clean(path);
        flags |= LinuxFiles.OCloexec | (followLast ? 0 : LinuxFiles.ONoFollow);
        if (_kernelResolves)
        {
            return OpenNoAtime(flags, f => LinuxFiles.Openat2(_rootFd, clean.Length == 0 ? "." : clean, f, LinuxFiles.ResolveInRoot | LinuxFiles.ResolveNoMagicLinks));
        }
        var resolved = ResolveInUserSpace(clean, followLast);
        if (resolved is null)
        {
            return -LinuxFiles.ENOENT;
        }
        // Every component of `resolved` was checked to be no symlink; O_NOFOLLOW guards the last against a swap since.
        return OpenNoAtime(flags | LinuxFiles.ONoFollow, f => LinuxFiles.Openat(_rootFd, resolved.Length == 0 ? "." : resolved, f));
    }

    private static int OpenNoAtime(int flags, Func<int, int> open)
    {
        // O_PATH ignores O_NOATIME; for reads it needs ownership or CAP_FOWNER, so retry without it when refused.
        if ((flags & LinuxFiles.OPath) != 0)
        {
            return open(flags);
        }
        var fd = open(flags | LinuxFiles.ONoAtime);
        return fd == -LinuxFiles.EPERM ? open(flags) : fd;
    }

    /// <summary>
    /// Resolves a root-relative path the way RESOLVE_IN_ROOT does: ".." stops at the root, an absolute link target
    /// starts again at the root. Returns the link-free path, or null when missing or looping.
    /// </summary>
    private string? ResolveInUserSpace(string path, bool followLast)
    {
        var pending = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            var candidate = string.Join('/', resolved.Append(part));
            var stat = LinuxFiles.Stat(_rootFd, candidate, LinuxFiles.AtSymlinkNoFollow, out var errno);
            if (stat is null)
            {
                // A missing last component is still a path (the caller's open fails with ENOENT).
                return errno == LinuxFiles.ENOENT && pending.Count == 0 ? candidate : null;
            }
            if (!stat.IsSymlink || (pending.Count == 0 && !followLast))
            {
                resolved.Add(part);
                continue;
            }
            if (++hops > MaxLinkHops || LinuxFiles.ReadLink(_rootFd, candidate) is not { } target)
            {
                return null;
            }
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }
            foreach (var segment in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(segment);
            }
        }
        return string.Join('/', resolved);
    }

    private static string Clean(string path) => path.Trim('/');

    private static FileNode ToNode(string path, StatxResult stat, string? linkTarget)
    {
        var kind = stat.IsRegular ? FileKind.Regular : stat.IsDirectory ? FileKind.Directory : stat.IsSymlink ? FileKind.Symlink : FileKind.Other;
        return new FileNode(path, kind, stat.Size, stat.Mode & 0xFFF, linkTarget, null)
        {
            Uid = (int)stat.Uid,
            Gid = (int)stat.Gid,
            IsSocket = stat.IsSocket,
        };
    }

    private void Warn(string message)
    {
        lock (_warningsLock)
        {
            _warnings.Add(message);
        }
    }
}
