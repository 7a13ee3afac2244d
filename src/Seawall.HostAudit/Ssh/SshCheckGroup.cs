using System.Globalization;
using Seawall.Core.Model;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Checks;

namespace Seawall.HostAudit.Ssh;

/// <summary>
/// The OpenSSH server's effective configuration, read as sshd reads it (<see cref="SshdConfigReader"/>), with the
/// compiled-in defaults of the installed release for what no line sets. Each check reports the value every
/// connection gets, with the file and line it came from (or "default (OpenSSH x.y)"); Match blocks that turn a risky
/// setting back on for some connections are reported separately. Runs only where sshd is installed.
/// </summary>
public sealed class SshCheckGroup : IHostCheckGroup
{
    private const string SshdBinary = "usr/sbin/sshd";

    public string Name => "ssh";

    public IReadOnlyList<CheckInfo> Checks => SshChecks.All;

    public IEnumerable<Finding> Run(HostContext context) =>
        Evaluate(context)?.Findings() ?? [SshChecks.Installed.Info("sshd not installed (no openssh-server package, no /usr/sbin/sshd)")];

    /// <summary>The host's effective sshd settings; null when no OpenSSH server is installed.</summary>
    internal static Evaluation? Evaluate(HostContext context)
    {
        var package = context.Packages.FirstOrDefault(p => p.Name is "openssh-server" or "openssh-server-pam");
        if (package is null && !context.Files.Exists(SshdBinary))
        {
            return null;
        }
        var version = OpenSshVersion.FromPackageVersion(package?.Version)
            ?? (context.Files.ReadBytes(SshdBinary) is { } binary ? OpenSshVersion.FromBinary(binary) : null);
        var defaults = new OpenSshDefaults(version);
        var (commandLine, commandLinePath) = ListenerCommandLine(context.Processes);
        var config = new SshdConfigReader(context.Files, defaults, context.Warn).Read(commandLine, commandLinePath);
        return new Evaluation(context.Files, config, defaults, package, commandLinePath);
    }

    /// <summary>
    /// The arguments of the running sshd listener (its -f and -o options change what it reads). Since OpenSSH 8.x
    /// the listener retitles itself "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"; session processes
    /// ("sshd: alice [priv]") are skipped.
    /// </summary>
    private static (IReadOnlyList<string>? Args, string? Path) ListenerCommandLine(ProcessTable processes)
    {
        foreach (var process in processes.Named("sshd").OrderBy(p => p.Pid))
        {
            var args = process.Args;
            if (args.Count == 0)
            {
                continue;
            }
            var path = $"proc/{process.Pid}/cmdline";
            var joined = string.Join(' ', args);
            if (joined.StartsWith("sshd: ", StringComparison.Ordinal))
            {
                var listener = joined.IndexOf(" [listener]", StringComparison.Ordinal);
                if (listener < 0)
                {
                    continue;
                }
                return (joined["sshd: ".Length..listener].Split(' ', StringSplitOptions.RemoveEmptyEntries), path);
            }
            return (args, path);
        }
        return (null, null);
    }

    /// <summary>One host's evaluation: the effective value of each keyword, then the checks on them.</summary>
    internal sealed class Evaluation(HostFileTree files, SshdConfig config, OpenSshDefaults defaults, Package? package, string? commandLinePath)
    {
        private static readonly Dictionary<string, string> DisplayNames = new(StringComparer.Ordinal)
        {
            ["passwordauthentication"] = "PasswordAuthentication",
            ["kbdinteractiveauthentication"] = "KbdInteractiveAuthentication",
            ["challengeresponseauthentication"] = "ChallengeResponseAuthentication",
            ["permitrootlogin"] = "PermitRootLogin",
            ["permitemptypasswords"] = "PermitEmptyPasswords",
            ["pubkeyauthentication"] = "PubkeyAuthentication",
            ["maxauthtries"] = "MaxAuthTries",
            ["x11forwarding"] = "X11Forwarding",
            ["allowtcpforwarding"] = "AllowTcpForwarding",
            ["disableforwarding"] = "DisableForwarding",
            ["loglevel"] = "LogLevel",
            ["logingracetime"] = "LoginGraceTime",
            ["clientaliveinterval"] = "ClientAliveInterval",
            ["clientalivecountmax"] = "ClientAliveCountMax",
            ["banner"] = "Banner",
            ["usepam"] = "UsePAM",
            ["ciphers"] = "Ciphers",
            ["macs"] = "MACs",
            ["kexalgorithms"] = "KexAlgorithms",
            ["hostkeyalgorithms"] = "HostKeyAlgorithms",
            ["authenticationmethods"] = "AuthenticationMethods",
            ["maxsessions"] = "MaxSessions",
            ["strictmodes"] = "StrictModes",
            ["allowagentforwarding"] = "AllowAgentForwarding",
            ["permittunnel"] = "PermitTunnel",
            ["gatewayports"] = "GatewayPorts",
            ["hostbasedauthentication"] = "HostbasedAuthentication",
            ["ignorerhosts"] = "IgnoreRhosts",
            ["permituserenvironment"] = "PermitUserEnvironment",
        };

        public SshdConfig Config => config;

        public OpenSshDefaults Defaults => defaults;

        public IEnumerable<Finding> Findings()
        {
            var installed = package is not null ? $"{package.Name} {package.Version}" : "/usr/sbin/sshd";
            var read = config.Files.Count == 0 ? "no configuration file" : string.Join(", ", config.Files);
            var started = commandLinePath is null ? string.Empty : $"; running listener's arguments from {commandLinePath}";
            yield return SshChecks.Installed.Info($"{installed} ({defaults.Describe()}); read {read}{started}");

            yield return PasswordAuthentication();
            yield return KbdInteractive();
            yield return PermitRootLogin();
            yield return Flag(SshChecks.PermitEmptyPasswords, "permitemptypasswords", bad: "yes", FindingStatus.Fail);
            yield return Flag(SshChecks.PubkeyAuthentication, "pubkeyauthentication", bad: "no", FindingStatus.Warn);
            yield return MaxAuthTries();
            yield return Forwarding(SshChecks.X11Forwarding, "x11forwarding", FindingStatus.Fail);
            yield return Forwarding(SshChecks.TcpForwarding, "allowtcpforwarding", FindingStatus.Warn);
            yield return Algorithms(SshChecks.WeakCiphers, "ciphers", WeakAlgorithms.Cipher);
            yield return Algorithms(SshChecks.WeakMacs, "macs", WeakAlgorithms.Mac);
            yield return Algorithms(SshChecks.WeakKex, "kexalgorithms", WeakAlgorithms.Kex);
            yield return Algorithms(SshChecks.WeakHostKeyAlgorithms, "hostkeyalgorithms", WeakAlgorithms.HostKey);
            foreach (var finding in HostKeys())
            {
                yield return finding;
            }
            yield return LogLevel();
            yield return LoginGraceTime();
            yield return ClientAlive();
            yield return Banner();
            yield return Flag(SshChecks.PermitUserEnvironment, "permituserenvironment", v => !Is(v, "no"), FindingStatus.Fail);
            yield return Flag(SshChecks.IgnoreRhosts, "ignorerhosts", v => !Is(v, "yes"), FindingStatus.Fail);
            yield return Flag(SshChecks.HostbasedAuthentication, "hostbasedauthentication", v => Is(v, "yes"), FindingStatus.Fail);
            yield return Flag(SshChecks.GatewayPorts, "gatewayports", v => !Is(v, "no"), FindingStatus.Warn);
            yield return Flag(SshChecks.PermitTunnel, "permittunnel", v => !Is(v, "no"), FindingStatus.Warn);
            yield return Forwarding(SshChecks.AgentForwarding, "allowagentforwarding", FindingStatus.Warn);
            yield return Flag(SshChecks.StrictModes, "strictmodes", v => Is(v, "no"), FindingStatus.Fail);
            yield return Flag(SshChecks.MaxSessions, "maxsessions", v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 10, FindingStatus.Fail);
            foreach (var finding in MatchOverrides())
            {
                yield return finding;
            }
        }

        // ---- effective values ----

        /// <summary>The value every connection gets: the first global line, else the compiled-in default.</summary>
        public Effective Value(string keyword)
        {
            var line = config.Global(keyword);
            return new Effective(keyword, line is null ? defaults.Scalar(keyword) ?? string.Empty : line.Value, line, this);
        }

        public string DefaultSuffix => $"default, {defaults.Describe()}";

        public static string Display(string keyword) => DisplayNames.GetValueOrDefault(keyword, keyword);

        /// <summary>The offered list of a list keyword, after +, - and ^ and pattern expansion.</summary>
        public (IReadOnlyList<string> List, SshdDirective? From) AlgorithmValue(string keyword)
        {
            var line = config.Global(keyword);
            return (AlgorithmList.Assemble(line?.Value, defaults.DefaultList(keyword), defaults.Supported(keyword)), line);
        }

        private bool UsePam => Value("usepam").Is("yes");

        private bool ForwardingDisabled => Value("disableforwarding").Is("yes");

        // ---- checks ----

        private Finding PasswordAuthentication()
        {
            var value = Value("passwordauthentication");
            if (!value.Is("yes"))
            {
                return SshChecks.PasswordAuthentication.Pass(value.Evidence, value.Location);
            }
            if (AuthenticationMethodsRequireKey("password") is { } methods)
            {
                return SshChecks.PasswordAuthentication.Pass($"{value.Evidence}, but {methods} asks for a key as well", value.Location);
            }
            return SshChecks.PasswordAuthentication.Fail(value.Evidence, value.Location);
        }

        private Finding KbdInteractive()
        {
            var value = Value("kbdinteractiveauthentication");
            var enabled = value.Is("yes");
            var evidence = value.Evidence;
            if (value.From is { } from && from.WrittenKeyword.Equals("ChallengeResponseAuthentication", StringComparison.OrdinalIgnoreCase))
            {
                evidence += " (ChallengeResponseAuthentication: deprecated alias of KbdInteractiveAuthentication)";
            }
            if (!defaults.ChallengeResponseIsAlias)
            {
                // Before 8.7 keyboard-interactive ran when either switch was on.
                var challenge = Value("challengeresponseauthentication");
                if (challenge.Is("yes") && !enabled)
                {
                    (value, enabled, evidence) = (challenge, true, challenge.Evidence);
                }
            }
            var location = value.Location;
            if (!enabled)
            {
                return SshChecks.KbdInteractive.Pass(evidence, location);
            }
            var pam = Value("usepam");
            if (!pam.Is("yes"))
            {
                // Linux sshd has no keyboard-interactive device but PAM (bsdauth is OpenBSD's).
                return SshChecks.KbdInteractive.Pass($"{evidence}; {pam.Evidence}: no keyboard-interactive device to answer", location);
            }
            if (AuthenticationMethodsRequireKey("keyboard-interactive") is { } methods)
            {
                return SshChecks.KbdInteractive.Pass($"{evidence}, but {methods} asks for a key as well", location);
            }
            return SshChecks.KbdInteractive.Fail($"{evidence} with {pam.Evidence}: PAM password prompts", location);
        }

        /// <summary>"AuthenticationMethods ... (file:line)" when every allowed method list that includes this method also requires publickey.</summary>
        private string? AuthenticationMethodsRequireKey(string method)
        {
            var line = config.Global("authenticationmethods");
            if (line is null || line.Args is ["any"])
            {
                return null;
            }
            var lists = line.Args.Select(list => list.Split(',').Select(m => m.Split(':')[0]).ToList()).ToList();
            var withMethod = lists.Where(list => list.Contains(method, StringComparer.Ordinal)).ToList();
            return withMethod.All(list => list.Contains("publickey", StringComparer.Ordinal))
                ? $"AuthenticationMethods {string.Join(' ', line.Args)} ({line.Where})"
                : null;
        }

        private Finding PermitRootLogin()
        {
            var value = Value("permitrootlogin");
            return value.Lower switch
            {
                "yes" => SshChecks.PermitRootLogin.Fail(value.Evidence, value.Location),
                "prohibit-password" or "without-password" => SshChecks.PermitRootLogin.Pass($"{value.Evidence}: root may log in with a key, not a password", value.Location),
                "forced-commands-only" => SshChecks.PermitRootLogin.Pass($"{value.Evidence}: root keys run their forced command only", value.Location),
                _ => SshChecks.PermitRootLogin.Pass(value.Evidence, value.Location),
            };
        }

        private Finding Flag(CheckInfo check, string keyword, string bad, FindingStatus status) => Flag(check, keyword, v => Is(v, bad), status);

        private Finding Flag(CheckInfo check, string keyword, Func<string, bool> isBad, FindingStatus status)
        {
            var value = Value(keyword);
            return check.Result(isBad(value.Value) ? status : FindingStatus.Pass, value.Evidence, value.Location);
        }

        private Finding MaxAuthTries()
        {
            var value = Value("maxauthtries");
            if (!int.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var tries))
            {
                return SshChecks.MaxAuthTries.Info($"{value.Evidence}: not a number (sshd rejects it)", value.Location);
            }
            return tries > 4 ? SshChecks.MaxAuthTries.Fail(value.Evidence, value.Location) : SshChecks.MaxAuthTries.Pass(value.Evidence, value.Location);
        }

        private Finding Forwarding(CheckInfo check, string keyword, FindingStatus status)
        {
            var value = Value(keyword);
            if (value.Is("no"))
            {
                return check.Pass(value.Evidence, value.Location);
            }
            if (ForwardingDisabled)
            {
                var disable = Value("disableforwarding");
                return check.Pass($"{value.Evidence}, overridden by {disable.Evidence}", disable.Location);
            }
            return check.Result(status, value.Evidence, value.Location);
        }

        private Finding Algorithms(CheckInfo check, string keyword, Func<string, FindingStatus> classify)
        {
            var (list, from) = AlgorithmValue(keyword);
            var source = from is null ? $"({DefaultSuffix})" : $"({from.WrittenKeyword} {from.Value} at {from.Where})";
            var weak = list.Select(name => (name, status: classify(name))).Where(x => x.status != FindingStatus.Pass).ToList();
            if (weak.Count == 0)
            {
                return check.Pass($"{Display(keyword)} {string.Join(',', list)} {source}", from?.Location);
            }
            var status = weak.Any(x => x.status == FindingStatus.Fail) ? FindingStatus.Fail : FindingStatus.Warn;
            return check.Result(status, $"{Display(keyword)} offers {string.Join(',', weak.Select(x => x.name))} {source}", from?.Location);
        }

        private IEnumerable<Finding> HostKeys()
        {
            var configured = config.AllGlobal("hostkey").Select(d => (Path: d.Value.TrimStart('/'), From: (SshdDirective?)d)).ToList();
            if (configured.Count == 0)
            {
                configured = [.. defaults.HostKeyFiles.Select(path => (Path: path, From: (SshdDirective?)null))];
            }
            var found = 0;
            foreach (var (path, from) in configured)
            {
                if (files.Stat(path) is null && files.Stat(path + ".pub") is null)
                {
                    continue;
                }
                found++;
                var origin = from is null ? DefaultSuffix : $"HostKey at {from.Where}";
                if (HostKeyFile.Read(files, path) is not { } key)
                {
                    yield return SshChecks.HostKeys.Info($"{path}: type unreadable ({origin})", new Location(path));
                    continue;
                }
                var evidence = $"{key.Type} {key.Bits} bits ({key.Source}; {origin})";
                var location = new Location(key.Source);
                yield return key.Type switch
                {
                    "dsa" => SshChecks.HostKeys.Fail(evidence + (defaults.Version >= new OpenSshVersion(10, 0) ? ": DSA is not loaded by OpenSSH 10 and later" : string.Empty), location),
                    "rsa" when key.Bits < 2048 => SshChecks.HostKeys.Fail(evidence, location),
                    "rsa" when key.Bits < 3072 => SshChecks.HostKeys.Warn(evidence, location),
                    "rsa" or "ecdsa" or "ed25519" or "ed448" => SshChecks.HostKeys.Pass(evidence, location),
                    _ => SshChecks.HostKeys.Info(evidence, location),
                };
            }
            if (found == 0)
            {
                yield return SshChecks.HostKeys.Info($"no host key found at {string.Join(", ", configured.Select(c => c.Path))}: sshd refuses to start without one");
            }
        }

        private Finding LogLevel()
        {
            var value = Value("loglevel");
            return value.Value.ToUpperInvariant() switch
            {
                "QUIET" or "FATAL" or "ERROR" => SshChecks.LogLevel.Fail(value.Evidence, value.Location),
                var level when level.StartsWith("DEBUG", StringComparison.Ordinal) => SshChecks.LogLevel.Warn(value.Evidence, value.Location),
                _ => SshChecks.LogLevel.Pass(value.Evidence, value.Location),
            };
        }

        private Finding LoginGraceTime()
        {
            var value = Value("logingracetime");
            if (SshTime.Seconds(value.Value) is not { } seconds)
            {
                return SshChecks.LoginGraceTime.Info($"{value.Evidence}: not a time value (sshd rejects it)", value.Location);
            }
            return seconds switch
            {
                0 => SshChecks.LoginGraceTime.Fail($"{value.Evidence}: no limit", value.Location),
                > 60 => SshChecks.LoginGraceTime.Warn($"{value.Evidence}: {seconds} s", value.Location),
                _ => SshChecks.LoginGraceTime.Pass(value.Evidence, value.Location),
            };
        }

        private Finding ClientAlive()
        {
            var interval = Value("clientaliveinterval");
            var count = Value("clientalivecountmax");
            var evidence = $"{interval.Evidence}; {count.Evidence}";
            if (SshTime.Seconds(interval.Value) is not { } seconds || !int.TryParse(count.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var max))
            {
                return SshChecks.ClientAlive.Info($"{evidence}: not a number (sshd rejects it)", interval.Location);
            }
            if (seconds == 0)
            {
                return SshChecks.ClientAlive.Warn(evidence, interval.Location);
            }
            return max == 0 ? SshChecks.ClientAlive.Warn(evidence, count.Location) : SshChecks.ClientAlive.Pass(evidence, interval.Location);
        }

        private Finding Banner()
        {
            var value = Value("banner");
            return value.Is("none") || value.Value.Length == 0
                ? SshChecks.Banner.Warn(value.Evidence, value.Location)
                : SshChecks.Banner.Pass(value.Evidence, value.Location);
        }

        // ---- Match blocks ----

        /// <summary>Per keyword: whether a value is the risky one the global checks fail or warn on.</summary>
        private Dictionary<string, Func<string, bool>> RiskyValues => new(StringComparer.Ordinal)
        {
            ["passwordauthentication"] = v => Is(v, "yes"),
            ["kbdinteractiveauthentication"] = v => Is(v, "yes") && UsePam,
            ["permitrootlogin"] = v => Is(v, "yes"),
            ["permitemptypasswords"] = v => Is(v, "yes"),
            ["x11forwarding"] = v => Is(v, "yes") && !ForwardingDisabled,
            ["allowtcpforwarding"] = v => !Is(v, "no") && !ForwardingDisabled,
            ["disableforwarding"] = v => Is(v, "no"),
            ["maxauthtries"] = v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 4,
            ["maxsessions"] = v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 10,
            ["hostbasedauthentication"] = v => Is(v, "yes"),
            ["ignorerhosts"] = v => !Is(v, "yes"),
            ["gatewayports"] = v => !Is(v, "no"),
            ["permittunnel"] = v => !Is(v, "no"),
            ["allowagentforwarding"] = v => Is(v, "yes") && !ForwardingDisabled,
        };

        private IEnumerable<Finding> MatchOverrides()
        {
            var risky = RiskyValues;
            foreach (var line in config.Directives.Where(d => !d.Global && d.Match is not null && risky.ContainsKey(d.Keyword)))
            {
                var isRisky = risky[line.Keyword];
                var global = Value(line.Keyword);
                // disableforwarding no only matters when the global value turned forwarding off.
                var globallySafe = line.Keyword == "disableforwarding" ? global.Is("yes") : !isRisky(global.Value);
                if (!isRisky(line.Value) || !globallySafe)
                {
                    continue;
                }
                yield return SshChecks.MatchOverride.Warn(
                    $"Match {line.Match} ({line.MatchLocation?.Path}:{line.MatchLocation?.Line}) sets {line.WrittenKeyword} {line.Value} at {line.Where}; global value {global.Value}",
                    line.Location);
            }
        }

        private static bool Is(string value, string expected) => value.Equals(expected, StringComparison.OrdinalIgnoreCase);

        /// <summary>A keyword's effective global value and where it came from.</summary>
        public sealed record Effective(string Keyword, string Value, SshdDirective? From, Evaluation Owner)
        {
            public string Lower => Value.ToLowerInvariant();

            public bool Is(string expected) => Value.Equals(expected, StringComparison.OrdinalIgnoreCase);

            public string Evidence => From is null
                ? $"{Display(Keyword)} {Value} ({Owner.DefaultSuffix})"
                : $"{From.WrittenKeyword} {string.Join(' ', From.Args)} ({From.Where})";

            public Location? Location => From?.Location;
        }
    }
}
