using Seawall.Core.FileTree;
using Seawall.Core.Model;

namespace Seawall.Artifacts.Layers;

/// <summary>
/// The layer applier: stacks layer snapshots the way overlayfs does. A whiteout deletes a path and all
/// below it; an opaque directory hides what lower layers put in it; a later entry replaces an earlier one.
/// Deleted entries stay reachable through <see cref="DeletedNodes"/> (secrets in deleted files still leak).
/// </summary>
public sealed class LayeredFileTree : IFileTree
{
    private readonly Dictionary<string, FileNode> _nodes = new(StringComparer.Ordinal);
    // Children per directory, so deleting a subtree costs its size, not the size of the image.
    private readonly Dictionary<string, HashSet<string>> _children = new(StringComparer.Ordinal);
    private readonly List<FileNode> _deleted = [];
    // Which layer deleted each entry of _deleted: a finding in a deleted file says "removed in layer N".
    private readonly Dictionary<FileNode, LayerRef> _deletedBy = new(ReferenceEqualityComparer.Instance);
    private LayerRef? _applying;

    /// <summary>Layer content is condensed when a layer is read, before it is cached.</summary>
    public bool ContentIsCondensed => true;
    private readonly List<string> _warnings = [];
    private readonly IReadOnlyList<LayerSnapshot> _layers;
    // A hardlink is a second name for the file its target was when the link was made: later changes to the
    // target's name (a rewrite, a whiteout) do not touch it. The link's node keeps its own layer; its bytes
    // are the target's, found through this map.
    private readonly Dictionary<FileNode, FileNode> _hardlinkContent = new(ReferenceEqualityComparer.Instance);

    /// <summary>Mode given to parent directories a layer tar does not list (tars often omit them; extraction creates them 0755).</summary>
    private const int ImplicitDirectoryMode = 0x1ED;

    public LayeredFileTree(IReadOnlyList<LayerSnapshot> layers, IEnumerable<string>? warnings = null)
    {
        _layers = layers;
        _warnings.AddRange(warnings ?? []);
        foreach (var layer in layers)
        {
            _applying = layer.Layer;
            _warnings.AddRange(layer.Warnings.Select(w => $"{LayerReader.Describe(layer.Layer)}: {w}"));
            foreach (var dir in layer.OpaqueDirs)
            {
                if (_children.TryGetValue(dir, out var kids))
                {
                    foreach (var child in kids.ToList())
                    {
                        RemoveSubtree(child);
                    }
                }
            }
            foreach (var path in layer.Whiteouts)
            {
                RemoveSubtree(path);
            }
            foreach (var entry in layer.Nodes)
            {
                var node = entry.Kind == FileKind.Hardlink ? Materialize(entry) : entry;
                if (node is null)
                {
                    continue;
                }
                if (_nodes.TryGetValue(node.Path, out var old) && (old.Kind != FileKind.Directory || node.Kind != FileKind.Directory))
                {
                    // A file replacing a directory (or the reverse) takes the old subtree with it.
                    if (old.Kind == FileKind.Directory)
                    {
                        RemoveSubtree(node.Path);
                    }
                    else
                    {
                        MarkDeleted(old);
                    }
                }
                Add(node);
            }
        }
    }

    /// <summary>
    /// Turns a hardlink entry into what extraction makes of it: another name for the file now at its target path,
    /// with the target's kind and size and the link's own layer. A link to nothing is dropped with a warning.
    /// </summary>
    private FileNode? Materialize(FileNode link)
    {
        var target = link.LinkTarget is { } t ? _nodes.GetValueOrDefault(t) : null;
        if (target is null || target.Kind is FileKind.Directory or FileKind.Hardlink)
        {
            _warnings.Add($"{(link.Layer is { } layer ? LayerReader.Describe(layer) : "layer ?")}: hardlink '{link.Path}' points to '{link.LinkTarget}', which is missing or a directory; ignored");
            return null;
        }
        var node = link with { Kind = target.Kind, Size = target.Size, LinkTarget = target.Kind == FileKind.Symlink ? target.LinkTarget : link.LinkTarget };
        if (target.Kind == FileKind.Regular)
        {
            _hardlinkContent[node] = _hardlinkContent.GetValueOrDefault(target) ?? target;
        }
        return node;
    }

    public IEnumerable<FileNode> Nodes => _nodes.Values;

    public int Count => _nodes.Count;

    public IReadOnlyList<FileNode> DeletedNodes => _deleted;

    public LayerRef? DeletedBy(FileNode node) => _deletedBy.GetValueOrDefault(node);

    private void MarkDeleted(FileNode node)
    {
        _deleted.Add(node);
        if (_applying is not null)
        {
            _deletedBy[node] = _applying;
        }
    }

    public IReadOnlyList<string> Warnings => _warnings;

    // No lexical clean-up of the path first: "link/.." must follow the link before going up, as the kernel does.
    public FileNode? Lookup(string path) => LinkResolver.Resolve(Exact, path, followLast: false);

    public FileNode? Resolve(string path) => LinkResolver.Resolve(Exact, path, followLast: true);

    public IReadOnlyList<FileNode> EarlierVersions(string path)
    {
        var current = Exact(path);
        if (current?.Layer is null)
        {
            return [];
        }
        var versions = new List<FileNode>();
        for (var i = 0; i <= current.Layer.Index && i < _layers.Count; i++)
        {
            // A version deleted by a later layer (whiteout, opaque parent) is history of another file, not of this one.
            if (Deletes(_layers[i], path))
            {
                versions.Clear();
            }
            if (i < current.Layer.Index && _layers[i].Contents.TryGetValue(path, out var bytes))
            {
                versions.Add(new FileNode(path, FileKind.Regular, bytes.Length, 0, null, _layers[i].Layer));
            }
        }
        return versions;
    }

    private static bool Deletes(LayerSnapshot layer, string path) =>
        layer.Whiteouts.Any(w => TreePath.IsUnder(path, w)) || layer.OpaqueDirs.Any(d => d != path && TreePath.IsUnder(path, d));

    public bool HasContent(FileNode node) => ContentOf(node) is not null;

    public ValueTask<byte[]?> ReadAllBytesAsync(FileNode node, long maxBytes, CancellationToken cancellationToken)
    {
        var bytes = ContentOf(node);
        return ValueTask.FromResult(bytes is not null && bytes.Length <= maxBytes ? bytes : null);
    }

    private byte[]? ContentOf(FileNode node) =>
        StoredContent(node) ?? (_hardlinkContent.TryGetValue(node, out var target) ? StoredContent(target) : null);

    private byte[]? StoredContent(FileNode node) =>
        node.Layer is { } layer && layer.Index >= 0 && layer.Index < _layers.Count
            && _layers[layer.Index].Contents.TryGetValue(node.Path, out var bytes) ? bytes : null;

    private FileNode? Exact(string path) => _nodes.GetValueOrDefault(path);

    private void Add(FileNode node)
    {
        _nodes[node.Path] = node;
        var path = node.Path;
        // Register the path with every ancestor, creating implicit parents that tars often omit: without
        // them no path below could be resolved.
        while (path.Length > 0)
        {
            var parent = TreePath.Parent(path);
            if (parent.Length > 0 && !_nodes.ContainsKey(parent))
            {
                _nodes[parent] = new FileNode(parent, FileKind.Directory, 0, ImplicitDirectoryMode, null, node.Layer);
            }
            if (!_children.TryGetValue(parent, out var kids))
            {
                kids = new HashSet<string>(StringComparer.Ordinal);
                _children[parent] = kids;
            }
            if (!kids.Add(path))
            {
                break;
            }
            path = parent;
        }
    }

    private void RemoveSubtree(string path)
    {
        if (_children.Remove(path, out var kids))
        {
            foreach (var child in kids)
            {
                RemoveSubtree(child);
            }
        }
        if (_nodes.Remove(path, out var node))
        {
            MarkDeleted(node);
        }
        if (path.Length > 0 && _children.TryGetValue(TreePath.Parent(path), out var siblings))
        {
            siblings.Remove(path);
        }
    }
}
