namespace Seawall.Core.Model;

/// <summary>
/// What an image (or root file system) carries that an attacker who gets code execution inside it can use: shells,
/// package managers, compilers, interpreters, network tools, setuid binaries and writable system paths, each with
/// the layer that last wrote it, and a verdict (minimal, slim, full) whose rule is <see cref="VerdictRule"/>.
/// </summary>
public sealed record AttackSurface(string Verdict, string VerdictRule)
{
    /// <summary>Every tool and path found, sorted by category then path.</summary>
    public IReadOnlyList<AttackSurfaceItem> Items { get; init; } = [];
}

/// <summary>
/// One tool or path. Category: shell, package-manager, compiler, interpreter, network-tool, setuid, writable-system-path.
/// Name is the tool's name (the file name); Path the entry in the image; Target where a link ends.
/// </summary>
public sealed record AttackSurfaceItem(string Category, string Name, string Path)
{
    public string? Target { get; init; }

    /// <summary>The layer that last wrote the path (images only).</summary>
    public LayerRef? Layer { get; init; }
}
