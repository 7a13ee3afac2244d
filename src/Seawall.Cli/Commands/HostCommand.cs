using System.CommandLine;
using Seawall.Artifacts.Engine;
using Seawall.Core.Errors;

namespace Seawall.Cli.Commands;

/// <summary>`seawall host [--root DIR]`: the host and kernel lockdown audit, live or on a host mounted elsewhere.</summary>
internal static class HostCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var compliance = new ComplianceOption();
        var root = new Option<string>("--root")
        {
            Description = "The host's root directory: / on the host itself, /host in a container with the host mounted there",
            DefaultValueFactory = _ => "/",
        };
        var containers = new Option<bool>("--containers") { Description = "Also audit the running containers (as `seawall containers`); no reachable daemon is a warning" };
        var dockerHost = ContainersCommand.DockerHostOption();
        var command = new Command("host", "Audit this host (kernel, lockdown, sysctl, SSH, accounts, runtime daemon); reads only") { root, containers, dockerHost };
        common.AddTo(command);
        compliance.AddTo(command);
        command.SetAction((parse, ct) => ScanRunner.RunAsync(parse, common, (service, _, token) =>
        {
            var path = parse.GetValue(root)!;
            if (!Directory.Exists(path))
            {
                throw new ScanException($"{path}: no such directory");
            }
            return service.ScanHostAsync(path, parse.GetValue(containers) ? DockerHost.Resolve(parse.GetValue(dockerHost)) : null, token);
        }, ct, compliance));
        return command;
    }
}
