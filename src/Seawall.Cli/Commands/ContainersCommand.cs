using System.CommandLine;
using Seawall.Artifacts.Engine;
using Seawall.Core.Errors;

namespace Seawall.Cli.Commands;

/// <summary>`seawall containers`: running containers as the runtime reports them and as the kernel shows them.</summary>
internal static class ContainersCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var compliance = new ComplianceOption();
        var dockerHost = DockerHostOption();
        var root = new Option<string>("--root")
        {
            Description = "Where the host's /proc is: / on the host itself, /host in a container with the host mounted there",
            DefaultValueFactory = _ => "/",
        };
        var command = new Command("containers", "Audit running containers: privileges, namespaces, mounts, confinement, limits; the runtime's word against /proc; reads only") { dockerHost, root };
        common.AddTo(command);
        compliance.AddTo(command);
        command.SetAction((parse, ct) => ScanRunner.RunAsync(parse, common, (service, _, token) =>
        {
            var path = parse.GetValue(root)!;
            if (!Directory.Exists(path))
            {
                throw new ScanException($"{path}: no such directory");
            }
            return service.ScanContainersAsync(DockerHost.Resolve(parse.GetValue(dockerHost)), path, token);
        }, ct, compliance));
        return command;
    }

    internal static Option<string?> DockerHostOption() =>
        new("--docker-host") { Description = "Docker Engine endpoint (Podman's compatible service too): unix:///path or tcp://HOST:PORT (default DOCKER_HOST, else unix:///var/run/docker.sock)" };
}
