using System.CommandLine;
using Seawall.Core.Errors;
using Seawall.Core.Model;

namespace Seawall.Cli.Commands;

/// <summary>`seawall rootfs DIR` (an unpacked image or system root) and `seawall fs DIR` (a project directory).</summary>
internal static class DirectoryCommands
{
    public static Command Rootfs() => Create("rootfs", "Scan an unpacked root file system", ArtifactType.Rootfs);

    public static Command Fs() => Create("fs", "Scan a local directory (a project checkout)", ArtifactType.Filesystem);

    private static Command Create(string name, string description, ArtifactType type)
    {
        var common = new CommonOptions();
        // fs scans projects, which no benchmark control describes; rootfs is a system's tree.
        var compliance = type == ArtifactType.Rootfs ? new ComplianceOption() : null;
        var dir = new Argument<string>("dir") { Description = "The directory to scan" };
        var command = new Command(name, description) { dir };
        common.AddTo(command);
        compliance?.AddTo(command);
        command.SetAction((parse, ct) => ScanRunner.RunAsync(parse, common, (service, _, token) =>
        {
            var path = parse.GetValue(dir)!;
            if (!Directory.Exists(path))
            {
                throw new ScanException($"{path}: no such directory");
            }
            return service.ScanDirectoryAsync(path, type, token);
        }, ct, compliance));
        return command;
    }
}
