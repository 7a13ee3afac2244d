using System.CommandLine;
using Seawall.Cli;
using Seawall.Cli.Commands;

var root = new RootCommand("Seawall: container and host security scanner")
{
    ImageCommand.Create(),
    DirectoryCommands.Rootfs(),
    DirectoryCommands.Fs(),
    HostCommand.Create(),
    ConfigCommand.Create(),
    ChecksCommand.Create(),
    ContainersCommand.Create(),
    SbomCommand.Create(),
    DbCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine("error: " + error.Message);
    }
    return ExitCodes.Usage;
}
return await parse.InvokeAsync().ConfigureAwait(false);
