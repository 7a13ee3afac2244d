using System.Text;
using Seawall.Core.FileTree;

namespace Seawall.Inventory.Languages;

/// <summary>Reading files a lockfile refers to (an included requirements file, the manifest beside a lockfile) through the tree.</summary>
internal static class TreeFiles
{
    /// <summary>Manifests and included files beside a lockfile are small; anything bigger is not one.</summary>
    public const long MaxCompanionBytes = 8L * 1024 * 1024;

    /// <summary>
    /// The content of a file of the tree, following links only inside the root; null when it is missing, not a regular
    /// file, too big, or its content was not kept (image trees keep only what analyzers asked for).
    /// </summary>
    public static async Task<byte[]?> TryReadAsync(IFileTree tree, string path, CancellationToken ct)
    {
        var node = tree.Resolve(path);
        if (node is null || node.Kind != FileKind.Regular || node.Size > MaxCompanionBytes || !tree.HasContent(node))
        {
            return null;
        }
        return await tree.ReadAllBytesAsync(node, MaxCompanionBytes, ct).ConfigureAwait(false);
    }

    /// <summary>Text of a file, honouring a UTF-8 or UTF-16 byte order mark (Windows editors write requirements.txt as UTF-16).</summary>
    public static string Decode(byte[] content)
    {
        if (content.Length >= 2 && content[0] == 0xFF && content[1] == 0xFE)
        {
            return Encoding.Unicode.GetString(content, 2, content.Length - 2);
        }
        if (content.Length >= 2 && content[0] == 0xFE && content[1] == 0xFF)
        {
            return Encoding.BigEndianUnicode.GetString(content, 2, content.Length - 2);
        }
        if (content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF)
        {
            return Encoding.UTF8.GetString(content, 3, content.Length - 3);
        }
        return Encoding.UTF8.GetString(content);
    }

    /// <summary>The content without a UTF-8 byte order mark, for System.Text.Json.</summary>
    public static ReadOnlyMemory<byte> WithoutBom(byte[] content) =>
        content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF ? content.AsMemory(3) : content;
}
