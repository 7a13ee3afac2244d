using System.CommandLine;

namespace Seawall.Cli.Commands;

/// <summary>`seawall config PATHS...`: misconfigurations in Kubernetes manifests and Dockerfiles (files and directories).</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var compliance = new ComplianceOption();
        var paths = new Argument<string[]>("paths") { Description = "Manifest files or directories (.yaml, .yml, .json; rendered Helm and Kustomize output) and Dockerfiles (Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("config", "Check Kubernetes manifests and Dockerfiles for misconfigurations") { paths };
        common.AddTo(command);
        compliance.AddTo(command);
        command.SetAction((parse, ct) => ScanRunner.RunAsync(parse, common,
            (service, _, token) => service.ScanConfigAsync(parse.GetValue(paths)!, token), ct, compliance));
        return command;
    }
}
