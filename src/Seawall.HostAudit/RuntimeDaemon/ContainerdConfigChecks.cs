using Seawall.Core.Model;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Serialization;
using Tomlyn.Syntax;

namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>
/// containerd's config.toml (the --config a running containerd was given, else /etc/containerd/config.toml): its gRPC
/// API exposure, the CRI plugin's AppArmor switch and registry TLS, and a summary of the settings that change what
/// containers may do. Config versions 1 (plugins.cri), 2 (plugins."io.containerd.grpc.v1.cri") and 3
/// (plugins."io.containerd.cri.v1.runtime" / ".images") are read; files pulled in through "imports" are not.
/// </summary>
internal static class ContainerdConfigChecks
{
    public const string DefaultConfig = "etc/containerd/config.toml";
    public const string DefaultSocket = "run/containerd/containerd.sock";

    private static readonly string[] CriRuntimeTables = ["cri", "io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime"];
    private static readonly string[] CriImageTables = ["cri", "io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images"];

    public static readonly CheckInfo Settings = new("host-runtime-containerd-settings", "containerd settings (config.toml)", Severity.Low)
    {
        Description = "The containerd configuration the other containerd checks read: version, gRPC address, disabled plugins and the CRI options that widen what containers may do.",
        Remediation = "Review the CRI options listed (enable_unprivileged_ports, enable_unprivileged_icmp, restrict_oom_score_adj, device_ownership_from_security_context) against what the workloads need; `containerd config dump` shows the merged configuration.",
        References = ["NIST-800-190-4.4.3", "https://github.com/containerd/containerd/blob/main/docs/man/containerd-config.toml.5.md"],
    };

    public static readonly CheckInfo Tcp = new("host-runtime-containerd-tcp", "containerd's gRPC API is not on TCP without client certificates", Severity.Critical)
    {
        Description = "containerd's API can start privileged containers: on [grpc] tcp_address without tcp_tls_ca (client certificates) anyone who reaches the port is root on this host.",
        Remediation = "Remove tcp_address from [grpc] in the containerd config, or set tcp_tls_ca, tcp_tls_cert and tcp_tls_key so clients must present a certificate; restart containerd.",
        References = ["NIST-800-190-4.4.3", "https://github.com/containerd/containerd/blob/main/docs/man/containerd-config.toml.5.md"],
    };

    public static readonly CheckInfo AppArmor = new("host-runtime-containerd-apparmor", "containerd's CRI plugin does not disable AppArmor", Severity.High)
    {
        Description = "disable_apparmor = true runs every CRI (Kubernetes) container without its AppArmor profile, whatever the pod asks for.",
        Remediation = "Set disable_apparmor = false (or remove it) in the CRI plugin section of the containerd config and restart containerd.",
        References = ["NIST-800-190-4.4.3", "https://github.com/containerd/containerd/blob/main/docs/cri/config.md"],
    };

    public static readonly CheckInfo RegistryTls = new("host-runtime-containerd-registry-tls", "containerd verifies registry TLS", Severity.Medium)
    {
        Description = "A registry configured with insecure_skip_verify / skip_verify, or a plain http:// endpoint, lets anyone on the path swap the images containerd pulls.",
        Remediation = "Remove insecure_skip_verify / skip_verify and http:// endpoints from the registry configuration (config.toml or certs.d/*/hosts.toml); give the registry a trusted certificate (ca = ...).",
        References = ["CIS-Docker-2.5", "NIST-800-190-4.4.3", "https://github.com/containerd/containerd/blob/main/docs/hosts.md"],
    };

    public static IReadOnlyList<CheckInfo> All { get; } = [Settings, Tcp, AppArmor, RegistryTls];

    /// <summary>One parsed containerd configuration, or the reason it could not be read.</summary>
    internal sealed record ContainerdConfig(string Path, TomlTable? Table, string? Error, string Subject);

    /// <summary>The configurations of the running containerd processes, else the default file when it exists.</summary>
    public static IReadOnlyList<ContainerdConfig> Load(HostContext context)
    {
        var configs = new List<ContainerdConfig>();
        foreach (var process in context.Processes.Named("containerd").Where(p => !p.IsKernelThread))
        {
            var path = ConfigFlag(process.Args) is { } flag ? DockerSettings.Trim(flag) : DefaultConfig;
            if (configs.All(c => c.Path != path))
            {
                configs.Add(Read(context, path, $"containerd (pid {process.Pid})"));
            }
        }
        if (configs.Count == 0 && context.Files.Exists(DefaultConfig))
        {
            configs.Add(Read(context, DefaultConfig, DefaultConfig + " (containerd not running)"));
        }
        return configs;
    }

    /// <summary>The gRPC sockets the configurations name (default /run/containerd/containerd.sock).</summary>
    public static IEnumerable<string> Sockets(IReadOnlyList<ContainerdConfig> configs)
    {
        foreach (var config in configs)
        {
            var address = config.Table is { } t && Table(t, "grpc") is { } grpc && Str(grpc, "address") is { Length: > 0 } a ? a : "/" + DefaultSocket;
            yield return DockerSettings.Trim(address);
        }
    }

    public static IEnumerable<Finding> Run(HostContext context, ContainerdConfig config)
    {
        var location = new Location(Path: config.Path);
        Finding At(Finding f) => f with { Target = config.Subject, Location = f.Location ?? location };
        if (config.Table is not { } root)
        {
            yield return At(Settings.Info(config.Error ?? $"{config.Path} is absent: containerd runs on its defaults"));
            yield break;
        }
        var version = root.TryGetValue("version", out var v) && v is long n ? n : 1;
        var grpc = Table(root, "grpc");
        var plugins = Table(root, "plugins");
        var runtime = CriRuntimeTables.Select(name => plugins is null ? null : Table(plugins, name)).FirstOrDefault(t => t is not null);

        var summary = new List<string> { $"version {version}" };
        summary.Add("grpc address " + (grpc is not null && Str(grpc, "address") is { Length: > 0 } address ? address : "/" + DefaultSocket + " (default)"));
        var disabled = root.TryGetValue("disabled_plugins", out var d) && d is TomlArray array ? array.OfType<string>().ToList() : [];
        summary.Add("disabled plugins: " + (disabled.Count == 0 ? "none" : string.Join(", ", disabled)));
        if (runtime is not null)
        {
            foreach (var key in new[] { "enable_unprivileged_ports", "enable_unprivileged_icmp", "restrict_oom_score_adj", "device_ownership_from_security_context", "disable_proc_mount" })
            {
                if (runtime.TryGetValue(key, out var value))
                {
                    summary.Add($"{key} = {Format(value)}");
                }
            }
        }
        yield return At(Settings.Info(string.Join("; ", summary)));

        var tcpAddress = grpc is null ? null : Str(grpc, "tcp_address");
        if (string.IsNullOrEmpty(tcpAddress))
        {
            yield return At(Tcp.Pass("[grpc] tcp_address is not set: the API is on the unix socket only"));
        }
        else if (Str(grpc!, "tcp_tls_ca") is { Length: > 0 } ca)
        {
            yield return At(Tcp.Pass($"[grpc] tcp_address = \"{tcpAddress}\" with tcp_tls_ca = \"{ca}\": clients need a certificate"));
        }
        else
        {
            var tls = Str(grpc!, "tcp_tls_cert") is { Length: > 0 } ? "TLS without client certificates (no tcp_tls_ca)" : "no TLS";
            yield return At(Tcp.Fail($"[grpc] tcp_address = \"{tcpAddress}\" with {tls}"));
        }

        if (runtime is not null && runtime.TryGetValue("disable_apparmor", out var apparmor) && apparmor is true)
        {
            yield return At(AppArmor.Warn("disable_apparmor = true in the CRI plugin section"));
        }
        else if (runtime is not null)
        {
            yield return At(AppArmor.Pass("disable_apparmor is not set to true"));
        }

        var insecure = InsecureRegistries(context, plugins).ToList();
        if (insecure.Count > 0)
        {
            yield return At(RegistryTls.Warn(string.Join("; ", insecure)));
        }
        else if (runtime is not null)
        {
            yield return At(RegistryTls.Pass("no registry skips TLS verification or uses http://"));
        }
    }

    /// <summary>insecure_skip_verify in registry.configs, http:// mirrors, and skip_verify / http:// in certs.d hosts.toml files.</summary>
    private static IEnumerable<string> InsecureRegistries(HostContext context, TomlTable? plugins)
    {
        foreach (var name in CriImageTables)
        {
            if (plugins is null || Table(plugins, name) is not { } cri || Table(cri, "registry") is not { } registry)
            {
                continue;
            }
            if (Table(registry, "configs") is { } configs)
            {
                foreach (var (host, value) in configs.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (value is TomlTable config && Table(config, "tls") is { } tls && tls.TryGetValue("insecure_skip_verify", out var skip) && skip is true)
                    {
                        yield return $"registry.configs.\"{host}\".tls.insecure_skip_verify = true";
                    }
                }
            }
            if (Table(registry, "mirrors") is { } mirrors)
            {
                foreach (var (host, value) in mirrors.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (value is TomlTable mirror && mirror.TryGetValue("endpoint", out var endpoints) && endpoints is TomlArray list)
                    {
                        foreach (var endpoint in list.OfType<string>().Where(e => e.StartsWith("http://", StringComparison.Ordinal)))
                        {
                            yield return $"registry.mirrors.\"{host}\" endpoint {endpoint}";
                        }
                    }
                }
            }
            if (Str(registry, "config_path") is { Length: > 0 } configPath)
            {
                foreach (var directory in configPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
                {
                    foreach (var finding in HostsToml(context, DockerSettings.Trim(directory)))
                    {
                        yield return finding;
                    }
                }
            }
        }
    }

    /// <summary>&lt;config_path&gt;/&lt;registry&gt;/hosts.toml: a top-level or per-[host] skip_verify = true, or an http:// server/host.</summary>
    private static IEnumerable<string> HostsToml(HostContext context, string directory)
    {
        foreach (var registry in (context.Files.List(directory) ?? []).Order(StringComparer.Ordinal).Take(1000))
        {
            var path = $"{directory}/{registry}/hosts.toml";
            if (context.Files.ReadText(path, 256 * 1024) is not { } text)
            {
                continue;
            }
            var (table, error) = Parse(text, path);
            if (table is null)
            {
                context.Warn(error!);
                continue;
            }
            if (table.TryGetValue("skip_verify", out var skip) && skip is true)
            {
                yield return $"/{path}: skip_verify = true";
            }
            if (Str(table, "server") is { } server && server.StartsWith("http://", StringComparison.Ordinal))
            {
                yield return $"/{path}: server = \"{server}\"";
            }
            if (Table(table, "host") is { } hosts)
            {
                foreach (var (host, value) in hosts.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (value is TomlTable h && h.TryGetValue("skip_verify", out var hostSkip) && hostSkip is true)
                    {
                        yield return $"/{path}: [host.\"{host}\"] skip_verify = true";
                    }
                    else if (host.StartsWith("http://", StringComparison.Ordinal))
                    {
                        yield return $"/{path}: [host.\"{host}\"] over plain http";
                    }
                }
            }
        }
    }

    private static ContainerdConfig Read(HostContext context, string path, string subject)
    {
        var text = context.Files.ReadText(path, 4 * 1024 * 1024);
        if (text is null)
        {
            return new ContainerdConfig(path, null, null, subject);
        }
        var (table, error) = Parse(text, path);
        if (error is not null)
        {
            context.Warn(error);
        }
        return new ContainerdConfig(path, table, error, subject);
    }

    /// <summary>TOML into Tomlyn's untyped model through a source-generated context (no reflection: the CLI stays Native AOT).</summary>
    internal static (TomlTable? Table, string? Error) Parse(string text, string path)
    {
        try
        {
            var syntax = SyntaxParser.Parse(text, ContainerdToml.Limits, sourceName: null, validate: true);
            if (syntax.HasErrors)
            {
                var error = syntax.Diagnostics.First(diagnostic => diagnostic.Kind == DiagnosticMessageKind.Error);
                return (null, $"{path}: invalid TOML at line {error.Span.Start.Line + 1}: {error.Message}");
            }
            return (TomlSerializer.Deserialize(text, ContainerdToml.Context.TomlTable), null);
        }
        catch (TomlException ex)
        {
            return (null, $"{path}: invalid TOML at line {ex.Line}: {ex.Message.Split('\n', 2)[0].Trim()}");
        }
    }

    /// <summary>-c FILE, --config FILE or --config=FILE on containerd's command line.</summary>
    private static string? ConfigFlag(IReadOnlyList<string> args)
    {
        for (var i = 1; i < args.Count; i++)
        {
            if ((args[i] is "-c" or "--config") && i + 1 < args.Count)
            {
                return args[i + 1];
            }
            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }
        return null;
    }

    private static TomlTable? Table(TomlTable table, string key) => table.TryGetValue(key, out var value) ? value as TomlTable : null;

    private static string? Str(TomlTable table, string key) => table.TryGetValue(key, out var value) ? value as string : null;

    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        string s => $"\"{s}\"",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };
}

/// <summary>Tomlyn's untyped model through a source-generated context.</summary>
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class ContainerdToml : TomlSerializerContext
{
    public static readonly TomlSerializerOptions Limits = new() { MaxDepth = 64 };

    public static readonly ContainerdToml Context = new(Limits);

    public ContainerdToml(TomlSerializerOptions options)
        : base(options)
    {
    }
}
