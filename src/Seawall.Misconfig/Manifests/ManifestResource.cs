namespace Seawall.Misconfig.Manifests;

/// <summary>
/// One Kubernetes object as found in a file: where it is (file, 0-based document index, its node's JSON path,
/// which is <c>$</c> or <c>$.items[n]</c> inside a List) and the fields every check needs.
/// </summary>
public sealed record ManifestResource(string File, int Document, YamlMapping Root)
{
    private Kubernetes.Workload? workload;
    private bool workloadRead;

    /// <summary>The workload view, built once: every check of the catalog asks for it.</summary>
    public Kubernetes.Workload? Workload
    {
        get
        {
            if (!workloadRead)
            {
                workload = Kubernetes.Workload.From(this);
                workloadRead = true;
            }
            return workload;
        }
    }

    private IReadOnlyList<KeyValuePair<string, string>>? waivers;

    /// <summary>The annotations that waive checks (see <see cref="Checks.InManifestSuppression"/>), read once: the scanner asks for every check.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> Waivers => waivers ??= Checks.InManifestSuppression.Read(this);

    /// <summary>
    /// The objects loaded with this one (itself included), for checks that relate objects: a Service and the pods it
    /// selects, a workload and its service account. The loader fills the list as it reads.
    /// </summary>
    public IReadOnlyList<ManifestResource> Neighbours { get; init; } = [];

    private string? kind;

    /// <summary>The object's kind, read once: the scanner and nearly every check ask for it.</summary>
    public string Kind => kind ??= Root.Text("kind") ?? ListItemKind ?? string.Empty;

    public string ApiVersion => Root.Text("apiVersion") ?? ListApiVersion ?? string.Empty;

    /// <summary>For a kind-less item of a typed list (PodList, NamespaceList): the kind the list implies.</summary>
    public string? ListItemKind { get; init; }

    /// <summary>
    /// checkov's id when a graph check judges something derived from this object (a workload's pod template is
    /// checkov's <c>Pod.ns.workload.labels</c>); the finding still points at this object.
    /// </summary>
    public string? CheckovGraphId { get; init; }

    /// <summary>For a kind-less item of a typed list: the list's apiVersion.</summary>
    public string? ListApiVersion { get; init; }

    private YamlMapping? metadata;
    private bool metadataRead;

    public YamlMapping? Metadata
    {
        get
        {
            if (!metadataRead)
            {
                metadata = Root.Map("metadata");
                metadataRead = true;
            }
            return metadata;
        }
    }

    public string? Name => Metadata?.Text("name");

    /// <summary>The namespace the manifest says, null when it says none (kubectl would then use the context's).</summary>
    public string? Namespace => Metadata?.Text("namespace");

    /// <summary>The namespace the object lands in: the manifest's, or "default" when it says none.</summary>
    public string NamespaceOrDefault => Namespace ?? "default";

    /// <summary>"ns/Kind/name", the report's target; "default" stands for an unset namespace.</summary>
    public string Target => $"{NamespaceOrDefault}/{Kind}/{Name ?? "(unnamed)"}";

    /// <summary>
    /// checkov's resource id (Kind.namespace.name, a nameless object named by its labels), so results can be compared
    /// with its suite.
    /// </summary>
    public string CheckovId
    {
        get
        {
            if (CheckovGraphId is { } graphId)
            {
                return graphId;
            }
            var ns = NamespaceOrDefault;
            if (Name is { } name)
            {
                return $"{Kind}.{ns}.{name}";
            }
            var labels = Metadata?.Map("labels")?.Entries.Select(e => $"{e.Key}-{(e.Value as YamlScalar)?.Value}") ?? [];
            return $"{Kind}.{ns}.{string.Join('.', labels)}";
        }
    }

    // Identity, not structure: an object is one document of one file, and the lazily read fields above would make
    // structural equality and hashing change as checks ask for them.
    public bool Equals(ManifestResource? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
