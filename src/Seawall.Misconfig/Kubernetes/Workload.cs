using Seawall.Misconfig.Manifests;

namespace Seawall.Misconfig.Kubernetes;

public enum ContainerKind
{
    Container,
    Init,
    Ephemeral,
}

/// <summary>
/// One container of a pod spec, with the list it came from. The fields most checks ask for are read once: a container
/// is judged by about a hundred checks, and each lookup is a walk over the container's keys.
/// </summary>
public sealed class WorkloadContainer(ContainerKind kind, YamlMapping node)
{
    private string? name;
    private string? image;
    private bool imageRead;
    private YamlMapping? securityContext;
    private bool securityContextRead;

    public ContainerKind Kind { get; } = kind;

    public YamlMapping Node { get; } = node;

    public string Name => name ??= Node.Text("name") ?? "(unnamed)";

    public string? Image
    {
        get
        {
            if (!imageRead)
            {
                image = Node.Text("image");
                imageRead = true;
            }
            return image;
        }
    }

    /// <summary>The image's name, tag and digest; three checks ask.</summary>
    public ImageReference? Reference
    {
        get
        {
            if (!referenceRead)
            {
                reference = ImageReference.Parse(Image);
                referenceRead = true;
            }
            return reference;
        }
    }

    private ImageReference? reference;
    private bool referenceRead;

    public YamlMapping? SecurityContext
    {
        get
        {
            if (!securityContextRead)
            {
                securityContext = Node.Map("securityContext");
                securityContextRead = true;
            }
            return securityContext;
        }
    }
}

/// <summary>
/// A resource that runs pods, seen through its pod spec: Pod's <c>spec</c>, CronJob's
/// <c>spec.jobTemplate.spec.template.spec</c>, every other controller's <c>spec.template.spec</c>.
/// </summary>
public sealed record Workload(ManifestResource Resource, YamlMapping PodSpec, YamlMapping? PodMetadata)
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController",
        // OpenShift's Deployment predecessor, still rendered by older charts: same spec.template.spec.
        "DeploymentConfig",
    };

    /// <summary>The containers of the three lists. A "list" written as one mapping is not read: the API server rejects it.</summary>
    public IReadOnlyList<WorkloadContainer> Containers { get; } =
    [
        .. Items(PodSpec, "containers", ContainerKind.Container),
        .. Items(PodSpec, "initContainers", ContainerKind.Init),
        .. Items(PodSpec, "ephemeralContainers", ContainerKind.Ephemeral),
    ];

    /// <summary>The pod spec was not a mapping (read as empty): nothing in it can be trusted to be safe.</summary>
    public bool MalformedSpec { get; init; }

    /// <summary>A container list is present but is not a list: per-pod container checks cannot decide.</summary>
    public bool ContainerListMalformed => containerListMalformed ??= IsMalformed(PodSpec, "containers") || IsMalformed(PodSpec, "initContainers") || IsMalformed(PodSpec, "ephemeralContainers");

    private bool? containerListMalformed;

    private static bool IsMalformed(YamlMapping spec, string key) => spec.Has(key) && spec[key] is not YamlSequence;

    /// <summary>Containers and init containers, without ephemeral (debug) ones; built once, many checks ask.</summary>
    public IReadOnlyList<WorkloadContainer> NonEphemeralContainers => nonEphemeral ??= [.. Containers.Where(c => c.Kind != ContainerKind.Ephemeral)];

    private IReadOnlyList<WorkloadContainer>? nonEphemeral;

    /// <summary>The app containers (spec.containers) only.</summary>
    public IReadOnlyList<WorkloadContainer> AppContainers => appContainers ??= [.. Containers.Where(c => c.Kind == ContainerKind.Container)];

    private IReadOnlyList<WorkloadContainer>? appContainers;

    public YamlMapping? PodSecurityContext => PodSpec.Map("securityContext");

    /// <summary>The pod template's labels as strings, read once: the NetworkPolicy model and checks all select on them.</summary>
    public IReadOnlyDictionary<string, string> PodLabels => podLabels ??= NetworkPolicy.LabelSelector.Labels(PodMetadata?.Map("labels"));

    private IReadOnlyDictionary<string, string>? podLabels;

    /// <summary>The workload view of a resource, or null when it is not a workload or has no pod spec.</summary>
    public static Workload? From(ManifestResource resource)
    {
        if (!Kinds.Contains(resource.Kind))
        {
            return null;
        }
        var root = resource.Root;
        if (resource.Kind == "Pod")
        {
            return root["spec"] switch
            {
                YamlMapping podSpec => new Workload(resource, podSpec, resource.Metadata),
                YamlSequence or YamlScalar { IsNull: false } => new Workload(resource, new YamlMapping(root["spec"]!.Line, "$.spec"), resource.Metadata) { MalformedSpec = true },
                _ => null,
            };
        }
        var spec = root.Map("spec");
        if (resource.Kind == "CronJob")
        {
            spec = spec?.Map("jobTemplate")?.Map("spec");
        }
        var template = spec?.Map("template");
        return template?.Map("spec") is { } templateSpec ? new Workload(resource, templateSpec, template.Map("metadata")) : null;
    }

    // Identity, not structure: the view of one object, with lazily read fields that structural equality would include.
    public bool Equals(Workload? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    private static IEnumerable<WorkloadContainer> Items(YamlMapping spec, string key, ContainerKind kind) =>
        spec.Seq(key)?.Items.OfType<YamlMapping>().Select(c => new WorkloadContainer(kind, c)) ?? [];
}
