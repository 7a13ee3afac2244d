using Seawall.Core.FileTree;

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

    /// <summary>Layer content is condensed when a layer is read, before it is cached.</summary>
    public bool ContentIsCondensed => true;
    private readonly List<string> _warnings = [];
    private readonly IReadOnlyList<LayerSnapshot> _layers;

    public LayeredFileTree(IReadOnlyList<LayerSnapshot> layers)
    {
        _layers = layers;
        foreach (var layer in layers)
        {
            _warnings.AddRange(layer.Warnings);
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
            foreach (var node in layer.Nodes)
            {
                if (_nodes.TryGetValue(node.Path, out var old) && (old.Kind != FileKind.Directory || node.Kind != FileKind.Directory))
                {
                    // A file replacing a directory (or the reverse) takes the old subtree with it.
                    if (old.Kind == FileKind.Directory)
                    {
                        RemoveSubtree(node.Path);
                    }
                    else
                    {
                        _deleted.Add(old);
                    }
                }
                Add(node);
            }
        }
    }

    public IEnumerable<FileNode> Nodes => _nodes.Values;

    public int Count => _nodes.Count;

    public IReadOnlyList<FileNode> DeletedNodes => _deleted;

    public IReadOnlyList<string> Warnings => _warnings;

    public FileNode? Lookup(string path)
    {
        var normalized = TreePath.Normalize(path);
        return normalized is null ? null : LinkResolver.Resolve(Exact, normalized, followLast: false);
    }

    public FileNode? Resolve(string path)
    {
        var normalized = TreePath.Normalize(path);
        return normalized is null ? null : LinkResolver.Resolve(Exact, normalized, followLast: true);
    }

    public IReadOnlyList<FileNode> EarlierVersions(string path)
    {
        var current = Exact(path);
        if (current?.Layer is null)
        {
            return [];
        }
        var versions = new List<FileNode>();
        for (var i = 0; i < current.Layer.Index && i < _layers.Count; i++)
        {
            if (_layers[i].Contents.TryGetValue(path, out var bytes))
            {
                versions.Add(new FileNode(path, FileKind.Regular, bytes.Length, 0, null, _layers[i].Layer));
            }
        }
        return versions;
    }

    public bool HasContent(FileNode node) => ContentOf(node) is not null;

    public ValueTask<byte[]?> ReadAllBytesAsync(FileNode node, long maxBytes, CancellationToken cancellationToken)
    {
        var bytes = ContentOf(node);
        return ValueTask.FromResult(bytes is not null && bytes.Length <= maxBytes ? bytes : null);
    }

    private byte[]? ContentOf(FileNode node) =>
        node.Layer is { } layer && layer.Index >= 0 && layer.Index < _layers.Count
            && _layers[layer.Index].Contents.TryGetValue(node.Path, out var bytes) ? bytes : null;

    private FileNode? Exact(string path) => _nodes.GetValueOrDefault(path);

    private void Add(FileNode node)
    {
        _nodes[node.Path] = node;
        var path = node.Path;
        // Register the path with every ancestor, creating implicit parents that tars often omit.
        while (path.Length > 0)
        {
            var parent = TreePath.Parent(path);
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
            _deleted.Add(node);
        }
        if (path.Length > 0 && _children.TryGetValue(TreePath.Parent(path), out var siblings))
        {
            siblings.Remove(path);
        }
    }
}
