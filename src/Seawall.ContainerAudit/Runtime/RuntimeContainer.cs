using System.Globalization;
using System.Text.Json;

namespace Seawall.ContainerAudit.Runtime;

/// <summary>A mount as the runtime reports it (inspect's Mounts[]).</summary>
public sealed record ContainerMount(string Type, string Source, string Destination, bool Writable, string Propagation);

/// <summary>A host device given to the container (HostConfig.Devices[]).</summary>
public sealed record ContainerDevice(string PathOnHost, string PathInContainer, string Permissions);

/// <summary>A published port: container port/protocol to a host address and port.</summary>
public sealed record PublishedPort(int ContainerPort, string Protocol, string HostIp, int HostPort)
{
    /// <summary>Bound on every interface: 0.0.0.0, ::, or no address given (Docker's default).</summary>
    public bool AllInterfaces => HostIp is "" or "0.0.0.0" or "::";

    public override string ToString() =>
        $"{(HostIp.Length == 0 ? "0.0.0.0" : HostIp)}:{HostPort.ToString(CultureInfo.InvariantCulture)}->{ContainerPort.ToString(CultureInfo.InvariantCulture)}/{Protocol}";
}

/// <summary>A `docker exec` session (GET /exec/{id}/json).</summary>
public sealed record ExecSession(string Id, bool Running, bool Privileged, string User, string Command)
{
    public static ExecSession FromInspect(string id, JsonElement exec)
    {
        var process = RuntimeContainer.Object(exec, "ProcessConfig");
        var command = string.Join(' ', new[] { RuntimeContainer.String(process, "entrypoint") }.Concat(RuntimeContainer.Strings(process, "arguments")).Where(s => s.Length > 0));
        return new ExecSession(id, RuntimeContainer.Bool(exec, "Running"), RuntimeContainer.Bool(process, "privileged"), RuntimeContainer.String(process, "user"), command);
    }
}

/// <summary>
/// One container as the runtime describes it: GET /containers/{id}/json, kept to what the audit judges.
/// Field meanings follow the Engine API: an empty mode is the private default, 0 for a limit means none.
/// </summary>
public sealed record RuntimeContainer
{
    public required string Id { get; init; }
    /// <summary>The name without the API's leading slash.</summary>
    public required string Name { get; init; }
    /// <summary>The image as the user named it (Config.Image): a tag, a digest or an id.</summary>
    public string Image { get; init; } = string.Empty;
    /// <summary>The image's id (sha256:...).</summary>
    public string ImageId { get; init; } = string.Empty;
    public bool Running { get; init; }
    /// <summary>The container's init process on the daemon's side (State.Pid); 0 when not running.</summary>
    public int Pid { get; init; }
    public bool Privileged { get; init; }
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public IReadOnlyList<string> CapDrop { get; init; } = [];
    public string PidMode { get; init; } = string.Empty;
    public string IpcMode { get; init; } = string.Empty;
    public string UtsMode { get; init; } = string.Empty;
    public string NetworkMode { get; init; } = string.Empty;
    public string UsernsMode { get; init; } = string.Empty;
    public string CgroupnsMode { get; init; } = string.Empty;
    /// <summary>Config.User: "", "root", "0", "1000:1000", "app"...</summary>
    public string User { get; init; } = string.Empty;
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];
    public IReadOnlyList<ContainerDevice> Devices { get; init; } = [];
    public IReadOnlyList<string> DeviceCgroupRules { get; init; } = [];
    public bool ReadonlyRootfs { get; init; }
    public IReadOnlyList<string> SecurityOpt { get; init; } = [];
    public string AppArmorProfile { get; init; } = string.Empty;
    public string ProcessLabel { get; init; } = string.Empty;
    /// <summary>Bytes; 0 = unlimited.</summary>
    public long Memory { get; init; }
    public long NanoCpus { get; init; }
    public long CpuShares { get; init; }
    public long CpuQuota { get; init; }
    public string CpusetCpus { get; init; } = string.Empty;
    /// <summary>null or &lt;= 0 = unlimited.</summary>
    public long? PidsLimit { get; init; }
    public string RestartPolicy { get; init; } = string.Empty;
    public int RestartMaxRetries { get; init; }
    /// <summary>A HEALTHCHECK from the image or the run, other than NONE.</summary>
    public bool HasHealthcheck { get; init; }
    public IReadOnlyList<PublishedPort> Ports { get; init; } = [];
    public IReadOnlyList<string> ExecIds { get; init; } = [];
    public IReadOnlyList<ExecSession> Execs { get; init; } = [];
    /// <summary>The OCI runtime (runc, crun, runsc...).</summary>
    public string Runtime { get; init; } = string.Empty;

    public bool HostPid => PidMode == "host";
    public bool HostIpc => IpcMode == "host";
    public bool HostUts => UtsMode == "host";
    public bool HostNetwork => NetworkMode == "host";
    /// <summary>--userns=host: the container opts out of the daemon's user-namespace remapping.</summary>
    public bool HostUserns => UsernsMode == "host";

    /// <summary>"seccomp=unconfined", "seccomp:unconfined" (old CLIs) or the option's JSON form.</summary>
    public bool SeccompUnconfined => SecurityOpt.Any(o => Option(o, "seccomp") is "unconfined");

    public bool AppArmorUnconfined => AppArmorProfile == "unconfined" || SecurityOpt.Any(o => Option(o, "apparmor") is "unconfined");

    /// <summary>label=disable (the CLI's spelling of SELinux off for this container), or label:disable.</summary>
    public bool SelinuxDisabled => SecurityOpt.Any(o => Option(o, "label") is "disable");

    /// <summary>no-new-privileges, no-new-privileges=true or :true.</summary>
    public bool NoNewPrivileges => SecurityOpt.Any(o => o == "no-new-privileges" || Option(o, "no-new-privileges") is "true");

    /// <summary>The value of one security option: "seccomp=unconfined" -> "unconfined" (the CLI also sent ':' once).</summary>
    public static string? Option(string option, string key)
    {
        if (option.Length <= key.Length || !option.StartsWith(key, StringComparison.Ordinal) || option[key.Length] is not ('=' or ':'))
        {
            return null;
        }
        return option[(key.Length + 1)..];
    }

    /// <summary>Reads an inspect document. Missing or oddly typed fields keep their defaults: old daemons omit some.</summary>
    public static RuntimeContainer FromInspect(JsonElement c)
    {
        var state = Object(c, "State");
        var host = Object(c, "HostConfig");
        var config = Object(c, "Config");
        return new RuntimeContainer
        {
            Id = String(c, "Id"),
            Name = String(c, "Name").TrimStart('/'),
            Image = String(config, "Image"),
            ImageId = String(c, "Image"),
            Running = Bool(state, "Running"),
            Pid = (int)Long(state, "Pid"),
            Privileged = Bool(host, "Privileged"),
            CapAdd = Strings(host, "CapAdd"),
            CapDrop = Strings(host, "CapDrop"),
            PidMode = String(host, "PidMode"),
            IpcMode = String(host, "IpcMode"),
            UtsMode = String(host, "UTSMode"),
            NetworkMode = String(host, "NetworkMode"),
            UsernsMode = String(host, "UsernsMode"),
            CgroupnsMode = String(host, "CgroupnsMode"),
            User = String(config, "User"),
            Mounts = [.. Array(c, "Mounts").Select(m => new ContainerMount(
                String(m, "Type"), String(m, "Source"), String(m, "Destination"), Bool(m, "RW"), String(m, "Propagation")))],
            Devices = [.. Array(host, "Devices").Select(d => new ContainerDevice(
                String(d, "PathOnHost"), String(d, "PathInContainer"), String(d, "CgroupPermissions")))],
            DeviceCgroupRules = Strings(host, "DeviceCgroupRules"),
            ReadonlyRootfs = Bool(host, "ReadonlyRootfs"),
            SecurityOpt = Strings(host, "SecurityOpt"),
            AppArmorProfile = String(c, "AppArmorProfile"),
            ProcessLabel = String(c, "ProcessLabel"),
            Memory = Long(host, "Memory"),
            NanoCpus = Long(host, "NanoCpus"),
            CpuShares = Long(host, "CpuShares"),
            CpuQuota = Long(host, "CpuQuota"),
            CpusetCpus = String(host, "CpusetCpus"),
            PidsLimit = host.ValueKind == JsonValueKind.Object && host.TryGetProperty("PidsLimit", out var pids) && pids.ValueKind == JsonValueKind.Number ? pids.GetInt64() : null,
            RestartPolicy = String(Object(host, "RestartPolicy"), "Name"),
            RestartMaxRetries = (int)Long(Object(host, "RestartPolicy"), "MaximumRetryCount"),
            HasHealthcheck = Healthcheck(Object(config, "Healthcheck")),
            Ports = PortBindings(Object(host, "PortBindings")),
            ExecIds = Strings(c, "ExecIDs"),
            Runtime = String(host, "Runtime"),
        };
    }

    private static bool Healthcheck(JsonElement check)
    {
        var test = Strings(check, "Test");
        return test.Count > 0 && test[0] != "NONE";
    }

    /// <summary>HostConfig.PortBindings: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}.</summary>
    private static List<PublishedPort> PortBindings(JsonElement bindings)
    {
        var ports = new List<PublishedPort>();
        if (bindings.ValueKind != JsonValueKind.Object)
        {
            return ports;
        }
        foreach (var binding in bindings.EnumerateObject())
        {
            var slash = binding.Name.IndexOf('/', StringComparison.Ordinal);
            var portText = slash < 0 ? binding.Name : binding.Name[..slash];
            var protocol = slash < 0 ? "tcp" : binding.Name[(slash + 1)..];
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var containerPort) || binding.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var target in binding.Value.EnumerateArray())
            {
                // An empty HostPort means "any free port": the kernel picks an unprivileged one.
                _ = int.TryParse(String(target, "HostPort"), NumberStyles.None, CultureInfo.InvariantCulture, out var hostPort);
                ports.Add(new PublishedPort(containerPort, protocol, String(target, "HostIp"), hostPort));
            }
        }
        return ports;
    }

    internal static JsonElement Object(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    internal static string String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : string.Empty;

    internal static bool Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    internal static long Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    internal static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    internal static List<string> Strings(JsonElement e, string name) =>
        [.. Array(e, name).Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString() ?? string.Empty)];
}
