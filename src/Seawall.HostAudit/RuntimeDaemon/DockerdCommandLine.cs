namespace Seawall.HostAudit.RuntimeDaemon;

/// <summary>How a dockerd flag takes its value (spf13/pflag rules: a bool flag never consumes the next argument).</summary>
internal enum FlagKind
{
    Bool,
    Value,
    List,
}

/// <summary>One dockerd flag and the daemon.json key it sets (they differ for the repeatable ones: --host and "hosts").</summary>
internal sealed record DockerdFlag(string Name, char? Short, FlagKind Kind, string ConfigKey);

/// <summary>One flag as the command line gave it: the raw text is what the evidence shows.</summary>
internal sealed record FlagUse(DockerdFlag? Flag, string Name, string Value, string Raw);

/// <summary>
/// dockerd's command line (/proc/PID/cmdline) parsed the way dockerd's flag library does: "--name=value",
/// "--name value", "-H value", "-Hvalue", a bare bool flag meaning true, "--" ending the flags. Only the flags the
/// audit reads are known by kind; an unknown flag takes the next argument as its value unless that starts with '-'.
/// </summary>
internal sealed class DockerdCommandLine
{
    /// <summary>The flags the checks read, plus the common value flags so their values are not taken for flags.</summary>
    private static readonly DockerdFlag[] Known =
    [
        new("host", 'H', FlagKind.List, "hosts"),
        new("config-file", null, FlagKind.Value, "config-file"),
        new("tls", null, FlagKind.Bool, "tls"),
        new("tlsverify", null, FlagKind.Bool, "tlsverify"),
        new("tlscacert", null, FlagKind.Value, "tlscacert"),
        new("tlscert", null, FlagKind.Value, "tlscert"),
        new("tlskey", null, FlagKind.Value, "tlskey"),
        new("icc", null, FlagKind.Bool, "icc"),
        new("iptables", null, FlagKind.Bool, "iptables"),
        new("ip6tables", null, FlagKind.Bool, "ip6tables"),
        new("ip-forward", null, FlagKind.Bool, "ip-forward"),
        new("ip-masq", null, FlagKind.Bool, "ip-masq"),
        new("ipv6", null, FlagKind.Bool, "ipv6"),
        new("bridge", 'b', FlagKind.Value, "bridge"),
        new("bip", null, FlagKind.Value, "bip"),
        new("ip", null, FlagKind.Value, "ip"),
        new("userns-remap", null, FlagKind.Value, "userns-remap"),
        new("live-restore", null, FlagKind.Bool, "live-restore"),
        new("no-new-privileges", null, FlagKind.Bool, "no-new-privileges"),
        new("userland-proxy", null, FlagKind.Bool, "userland-proxy"),
        new("userland-proxy-path", null, FlagKind.Value, "userland-proxy-path"),
        new("log-driver", null, FlagKind.Value, "log-driver"),
        new("log-opt", null, FlagKind.List, "log-opts"),
        new("log-level", 'l', FlagKind.Value, "log-level"),
        new("debug", 'D', FlagKind.Bool, "debug"),
        new("insecure-registry", null, FlagKind.List, "insecure-registries"),
        new("registry-mirror", null, FlagKind.List, "registry-mirrors"),
        new("experimental", null, FlagKind.Bool, "experimental"),
        new("default-ulimit", null, FlagKind.List, "default-ulimits"),
        new("authorization-plugin", null, FlagKind.List, "authorization-plugins"),
        new("data-root", null, FlagKind.Value, "data-root"),
        new("graph", 'g', FlagKind.Value, "graph"),
        new("exec-root", null, FlagKind.Value, "exec-root"),
        new("storage-driver", 's', FlagKind.Value, "storage-driver"),
        new("storage-opt", null, FlagKind.List, "storage-opts"),
        new("cgroup-parent", null, FlagKind.Value, "cgroup-parent"),
        new("seccomp-profile", null, FlagKind.Value, "seccomp-profile"),
        new("selinux-enabled", null, FlagKind.Bool, "selinux-enabled"),
        new("group", 'G', FlagKind.Value, "group"),
        new("containerd", null, FlagKind.Value, "containerd"),
        new("pidfile", 'p', FlagKind.Value, "pidfile"),
        new("label", null, FlagKind.List, "labels"),
        new("dns", null, FlagKind.List, "dns"),
        new("dns-opt", null, FlagKind.List, "dns-opts"),
        new("dns-search", null, FlagKind.List, "dns-search"),
        new("exec-opt", null, FlagKind.List, "exec-opts"),
        new("add-runtime", null, FlagKind.List, "runtimes"),
        new("default-runtime", null, FlagKind.Value, "default-runtime"),
        new("init", null, FlagKind.Bool, "init"),
        new("rootless", null, FlagKind.Bool, "rootless"),
        new("raw-logs", null, FlagKind.Bool, "raw-logs"),
        new("validate", null, FlagKind.Bool, "validate"),
        new("mtu", null, FlagKind.Value, "mtu"),
        new("fixed-cidr", null, FlagKind.Value, "fixed-cidr"),
        new("default-address-pool", null, FlagKind.List, "default-address-pools"),
        new("max-concurrent-downloads", null, FlagKind.Value, "max-concurrent-downloads"),
        new("max-concurrent-uploads", null, FlagKind.Value, "max-concurrent-uploads"),
        new("shutdown-timeout", null, FlagKind.Value, "shutdown-timeout"),
        new("oom-score-adjust", null, FlagKind.Value, "oom-score-adjust"),
        new("default-shm-size", null, FlagKind.Value, "default-shm-size"),
        new("default-ipc-mode", null, FlagKind.Value, "default-ipc-mode"),
        new("default-cgroupns-mode", null, FlagKind.Value, "default-cgroupns-mode"),
        new("cpu-rt-period", null, FlagKind.Value, "cpu-rt-period"),
        new("cpu-rt-runtime", null, FlagKind.Value, "cpu-rt-runtime"),
        new("api-cors-header", null, FlagKind.Value, "api-cors-header"),
        new("metrics-addr", null, FlagKind.Value, "metrics-addr"),
        new("feature", null, FlagKind.List, "features"),
    ];

    private static readonly Dictionary<string, DockerdFlag> ByName = Known.ToDictionary(f => f.Name, StringComparer.Ordinal);
    private static readonly Dictionary<char, DockerdFlag> ByShort = Known.Where(f => f.Short is not null).ToDictionary(f => f.Short!.Value);

    private DockerdCommandLine(IReadOnlyList<FlagUse> uses) => Uses = uses;

    /// <summary>Every flag in command-line order.</summary>
    public IReadOnlyList<FlagUse> Uses { get; }

    /// <summary>The config key a flag name sets ("host" gives "hosts"); unknown flags keep their own name.</summary>
    public static string ConfigKeyOf(string flagName) => ByName.TryGetValue(flagName, out var f) ? f.ConfigKey : flagName;

    /// <summary>Parses argv (argv[0] is the program; "docker daemon ..." of old releases skips "daemon" too).</summary>
    public static DockerdCommandLine Parse(IReadOnlyList<string> argv)
    {
        var uses = new List<FlagUse>();
        var i = argv.Count > 1 && argv[1] == "daemon" ? 2 : 1;
        for (; i < argv.Count; i++)
        {
            var arg = argv[i];
            if (arg == "--")
            {
                break;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var body = arg[2..];
                var eq = body.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? body : body[..eq];
                ByName.TryGetValue(name, out var flag);
                if (eq >= 0)
                {
                    uses.Add(new FlagUse(flag, name, body[(eq + 1)..], arg));
                }
                else if (flag?.Kind == FlagKind.Bool)
                {
                    uses.Add(new FlagUse(flag, name, "true", arg));
                }
                else if (TakeNext(argv, ref i, flag is not null, out var value))
                {
                    uses.Add(new FlagUse(flag, name, value, arg + " " + value));
                }
                else
                {
                    uses.Add(new FlagUse(flag, name, flag is null ? "true" : string.Empty, arg));
                }
                continue;
            }
            if (arg.StartsWith('-') && arg.Length > 1)
            {
                ParseShorthand(argv, ref i, uses);
            }
            // A positional argument: dockerd takes none, so it is ignored as dockerd would refuse it.
        }
        return new DockerdCommandLine(uses);
    }

    /// <summary>"-D", "-H value", "-Hvalue", "-H=value", and bool shorthands run together ("-Dl debug" is rare but legal).</summary>
    private static void ParseShorthand(IReadOnlyList<string> argv, ref int i, List<FlagUse> uses)
    {
        var arg = argv[i];
        for (var c = 1; c < arg.Length; c++)
        {
            var letter = arg[c];
            ByShort.TryGetValue(letter, out var flag);
            var name = flag?.Name ?? letter.ToString();
            if (flag?.Kind == FlagKind.Bool)
            {
                if (c + 1 < arg.Length && arg[c + 1] == '=')
                {
                    uses.Add(new FlagUse(flag, name, arg[(c + 2)..], arg));
                    return;
                }
                uses.Add(new FlagUse(flag, name, "true", arg));
                continue;
            }
            var rest = arg[(c + 1)..];
            if (rest.Length > 0)
            {
                uses.Add(new FlagUse(flag, name, rest.StartsWith('=') ? rest[1..] : rest, arg));
            }
            else if (TakeNext(argv, ref i, flag is not null, out var value))
            {
                uses.Add(new FlagUse(flag, name, value, arg + " " + value));
            }
            else
            {
                uses.Add(new FlagUse(flag, name, string.Empty, arg));
            }
            return;
        }
    }

    /// <summary>A value flag takes the next argument whatever it is (pflag does); an unknown one only when it is no flag.</summary>
    private static bool TakeNext(IReadOnlyList<string> argv, ref int i, bool known, out string value)
    {
        value = string.Empty;
        if (i + 1 >= argv.Count || (!known && argv[i + 1].StartsWith('-')))
        {
            return false;
        }
        value = argv[++i];
        return true;
    }
}
