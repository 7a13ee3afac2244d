using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Seawall.Misconfig.Dockerfile;

/// <summary>What the loader read: the parsed files and one warning per problem (file and line).</summary>
public sealed record DockerfileSet(IReadOnlyList<DockerfileBuild> Files, IReadOnlyList<string> Warnings);

/// <summary>
/// Finds Dockerfiles among files and directories (`Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*`)
/// and reads them: over 16 MB unread, invalid UTF-8 decoded with replacement characters and a warning naming the
/// first bad line, never the end of the scan.
/// </summary>
public static class DockerfileLoader
{
    public const long MaxFileBytes = 16L * 1024 * 1024;

    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Whether a file name is a Dockerfile's (Dockerfile.dockerignore, the per-Dockerfile ignore file, is not).</summary>
    public static bool IsDockerfile(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".dockerignore", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return name.Equals("Dockerfile", StringComparison.OrdinalIgnoreCase) || name.Equals("Containerfile", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".Dockerfile", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".Containerfile", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Dockerfile.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Containerfile.", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The Dockerfiles named or found under directories; paths that do not exist are left to the manifest loader's warning.</summary>
    public static DockerfileSet Load(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        var files = new List<DockerfileBuild>();
        var warnings = new List<string>();
        foreach (var file in Enumerate(paths))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (LoadFile(file, warnings) is { } build)
            {
                files.Add(build);
            }
        }
        return new DockerfileSet(files, warnings);
    }

    public static DockerfileBuild? LoadFile(string file, List<string> warnings)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(file);
            if (info.Length > MaxFileBytes)
            {
                warnings.Add($"{file}:1: skipped: {info.Length:N0} bytes is over the {MaxFileBytes / (1024 * 1024)} MB Dockerfile limit");
                return null;
            }
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{file}: unreadable: {ex.Message}");
            return null;
        }
        return Parse(file, bytes, warnings);
    }

    public static DockerfileBuild Parse(string file, ReadOnlySpan<byte> bytes, List<string> warnings)
    {
        if (!Utf8.IsValid(bytes))
        {
            warnings.Add($"{file}:{FirstInvalidLine(bytes)}: invalid UTF-8; bad bytes read as U+FFFD, the rest scanned");
        }
        return DockerfileBuild.Parse(file, Lenient.GetString(bytes), warnings);
    }

    private static int FirstInvalidLine(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed);
            if (status != OperationStatus.Done)
            {
                break;
            }
            offset += consumed;
        }
        return bytes[..offset].Count((byte)'\n') + 1;
    }

    private static IEnumerable<string> Enumerate(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                if (IsDockerfile(path))
                {
                    yield return path;
                }
            }
            else if (Directory.Exists(path))
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
                foreach (var file in Directory.EnumerateFiles(path, "*", options).Where(IsDockerfile).Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
        }
    }
}
