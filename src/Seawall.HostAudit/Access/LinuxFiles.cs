using System.Runtime.InteropServices;
using System.Text;

namespace Seawall.HostAudit.Access;

/// <summary>
/// The few Linux system calls the host audit reads files with. .NET's file APIs follow symlinks, update access
/// times and cannot confine a path to a root; these can: openat2's RESOLVE_IN_ROOT resolves every component (".."
/// and absolute symlinks included) as if the root were "/", O_NOATIME leaves the access time alone, and
/// statx/getdents64/readlinkat answer without following a final link.
/// </summary>
internal static unsafe partial class LinuxFiles
{
    private const long SysOpenat2 = 437; // the same number on x86_64 and arm64 (syscalls after 424 are unified)

    public const int AtSymlinkNoFollow = 0x100;
    public const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    public const ulong ResolveNoMagicLinks = 0x02;
    public const ulong ResolveInRoot = 0x10;

    public const int OCloexec = 0x80000;
    public const int ONoAtime = 0x40000;
    public const int OPath = 0x200000;
    // These two differ between architectures.
    public static readonly int ODirectory = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;
    public static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    public const int ENOENT = 2;
    public const int EPERM = 1;
    public const int EACCES = 13;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;
    public const int EXDEV = 18;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int dirfd, byte* path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int OpenAt(int dirfd, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseFd(int fd);

    /// <summary>Closes fd; a read-only descriptor has nothing to lose on a failed close.</summary>
    public static void Close(int fd) => _ = CloseFd(fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    private static partial nint ReadLinkAt(int dirfd, byte* path, byte* buffer, nuint size);

    /// <summary>openat2(dirfd, path, flags, resolve); the fd, or -errno.</summary>
    public static int Openat2(int dirfd, string path, int flags, ulong resolve)
    {
        var how = new OpenHow { Flags = (ulong)flags, Resolve = resolve };
        fixed (byte* p = Utf8Z(path))
        {
            var fd = Syscall(SysOpenat2, dirfd, p, &how, (nuint)sizeof(OpenHow));
            return fd >= 0 ? (int)fd : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>openat(dirfd, path, flags); the fd, or -errno.</summary>
    public static int Openat(int dirfd, string path, int flags)
    {
        fixed (byte* p = Utf8Z(path))
        {
            var fd = OpenAt(dirfd, p, flags, 0);
            return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>Reads the whole file behind fd, at most max bytes; null when more than max, or on an error.</summary>
    public static byte[]? ReadAll(int fd, long max)
    {
        var buffer = new byte[(int)Math.Min(max + 1, 64 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > max)
                {
                    return null;
                }
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, max + 1));
            }
            nint n;
            fixed (byte* b = &buffer[length])
            {
                n = Read(fd, b, (nuint)(buffer.Length - length));
            }
            if (n < 0)
            {
                return null;
            }
            if (n == 0)
            {
                return length > max ? null : buffer[..length];
            }
            length += (int)n;
        }
    }

    /// <summary>What statx tells about one entry; null with errno set when it fails.</summary>
    public static StatxResult? Stat(int dirfd, string path, int flags, out int errno)
    {
        var buffer = stackalloc byte[256];
        fixed (byte* p = Utf8Z(path))
        {
            if (Statx(dirfd, p, flags, StatxBasicStats, buffer) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return null;
            }
        }
        errno = 0;
        // struct statx's layout is the same on every architecture.
        return new StatxResult(
            Uid: *(uint*)(buffer + 20),
            Gid: *(uint*)(buffer + 24),
            Mode: *(ushort*)(buffer + 28),
            Size: *(long*)(buffer + 40),
            AccessTime: Timestamp(buffer + 64),
            ModifyTime: Timestamp(buffer + 112),
            DeviceMajor: *(uint*)(buffer + 136),
            DeviceMinor: *(uint*)(buffer + 140));
    }

    private static DateTimeOffset Timestamp(byte* at) =>
        DateTimeOffset.FromUnixTimeSeconds(*(long*)at).AddTicks(*(uint*)(at + 8) / 100);

    /// <summary>The names in the directory behind fd, with their d_type (0 when the file system does not say).</summary>
    public static List<(string Name, byte Type)>? ListDirectory(int fd, int maxEntries)
    {
        var entries = new List<(string, byte)>();
        var buffer = new byte[32 * 1024];
        while (true)
        {
            nint n;
            fixed (byte* b = buffer)
            {
                n = GetDents64(fd, b, (nuint)buffer.Length);
            }
            if (n < 0)
            {
                return null;
            }
            if (n == 0)
            {
                return entries;
            }
            var offset = 0;
            while (offset < n)
            {
                var recordLength = BitConverter.ToUInt16(buffer, offset + 16);
                var type = buffer[offset + 18];
                var nameStart = offset + 19;
                var nameEnd = Array.IndexOf(buffer, (byte)0, nameStart, recordLength - 19);
                var name = Encoding.UTF8.GetString(buffer, nameStart, (nameEnd < 0 ? offset + recordLength : nameEnd) - nameStart);
                if (name is not "." and not "..")
                {
                    entries.Add((name, type));
                    if (entries.Count >= maxEntries)
                    {
                        return entries;
                    }
                }
                offset += recordLength;
            }
        }
    }

    /// <summary>A symlink's target as written (readlinkat); null when path is no link.</summary>
    public static string? ReadLink(int dirfd, string path)
    {
        var buffer = new byte[4096];
        fixed (byte* p = Utf8Z(path))
        fixed (byte* b = buffer)
        {
            var n = ReadLinkAt(dirfd, p, b, (nuint)buffer.Length);
            return n < 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
        }
    }

    private static byte[] Utf8Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}

internal sealed record StatxResult(uint Uid, uint Gid, ushort Mode, long Size, DateTimeOffset AccessTime, DateTimeOffset ModifyTime, uint DeviceMajor, uint DeviceMinor)
{
    private const int TypeMask = 0xF000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;
    public bool IsRegular => (Mode & TypeMask) == 0x8000;
    public bool IsSymlink => (Mode & TypeMask) == 0xA000;
    public bool IsSocket => (Mode & TypeMask) == 0xC000;
}
