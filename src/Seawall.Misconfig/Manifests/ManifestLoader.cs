using System.Text.RegularExpressions;

namespace Seawall.Misconfig.Manifests;

/// <summary>What the loader found: the objects, and one warning per file or document it could not use.</summary>
public sealed record ManifestSet(IReadOnlyList<ManifestResource> Resources, IReadOnlyList<string> Warnings, int Files);

/// <summary>
/// Reads manifests from files and directories (.yaml, .yml, .json; multi-document; `List` kinds as rendered by
/// `helm template` and `kustomize build`). A bad file is a warning with its file and line, never the end of the scan.
/// </summary>
public static partial class ManifestLoader
{
    /// <summary>Manifests are small; a larger file is refused unread so memory stays bounded.</summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public static ManifestSet Load(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        var resources = new List<ManifestResource>();
        var warnings = new List<string>();
        var files = 0;
        foreach (var file in Enumerate(paths, warnings))
        {
            cancellationToken.ThrowIfCancellationRequested();
            files++;
            LoadFile(file, resources, warnings);
        }
        return new ManifestSet(resources, warnings, files);
    }

    public static void LoadFile(string file, List<ManifestResource> resources, List<string> warnings)
    {
        var info = new FileInfo(file);
        if (info.Length > MaxFileBytes)
        {
            warnings.Add($"{file}:1: skipped: {info.Length:N0} bytes is over the {MaxFileBytes / (1024 * 1024)} MB manifest limit");
            return;
        }
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"{file}: unreadable: {ex.Message}");
            return;
        }
        LoadText(file, text, resources, warnings);
    }

    public static void LoadText(string file, string text, List<ManifestResource> resources, List<string> warnings)
    {
        foreach (var document in YamlDocumentReader.Read(text))
        {
            if (document.Error is { } error)
            {
                // An unrendered chart fails as YAML; say what it is rather than quote the parser.
                var template = HelmTemplate().Match(text);
                warnings.Add(template.Success
                    ? $"{file}:{LineOf(text, template.Index)}: unrendered Helm template ({{{{ ... }}}}); render it with `helm template` first"
                    : $"{file}:{document.Line}: document {document.Index}: {error}");
                continue;
            }
            if (document.Root is not YamlMapping root)
            {
                continue; // empty documents and bare scalars are not objects
            }
            if (root.Text("kind") is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && root.Seq("items") is { } items)
            {
                resources.AddRange(items.Items.OfType<YamlMapping>().Where(IsObject).Select(item => new ManifestResource(file, document.Index, item) { Neighbours = resources }));
                // `kubectl get pods -o json` writes a PodList whose items carry no kind: the list's name gives it.
                if (kind.Length > "List".Length && root.Text("apiVersion") is { } listApi)
                {
                    resources.AddRange(items.Items.OfType<YamlMapping>().Where(i => i.Text("kind") is null && i.Has("metadata"))
                        .Select(item => new ManifestResource(file, document.Index, item) { ListItemKind = kind[..^"List".Length], ListApiVersion = listApi, Neighbours = resources }));
                }
            }
            else if (IsObject(root))
            {
                resources.Add(new ManifestResource(file, document.Index, root) { Neighbours = resources });
            }
        }
    }

    /// <summary>An object has a kind; other YAML in a chart folder (values, expected results) is not one.</summary>
    private static bool IsObject(YamlMapping node) => node.Text("kind") is { Length: > 0 } && node.Text("apiVersion") is not null;

    private static IEnumerable<string> Enumerate(IEnumerable<string> paths, List<string> warnings)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                // A Dockerfile named on the command line is read by DockerfileLoader, not as YAML.
                if (!Dockerfile.DockerfileLoader.IsDockerfile(path))
                {
                    yield return path;
                }
            }
            else if (Directory.Exists(path))
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
                foreach (var file in Directory.EnumerateFiles(path, "*", options).Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else
            {
                warnings.Add($"{path}: no such file or directory");
            }
        }
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    [GeneratedRegex(@"\{\{-?\s*[^}]*\}\}")]
    private static partial Regex HelmTemplate();
}
