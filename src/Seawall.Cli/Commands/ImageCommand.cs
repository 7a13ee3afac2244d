using System.CommandLine;
using Seawall.Artifacts.Archive;
using Seawall.Artifacts.Image;
using Seawall.Artifacts.Registry;
using Seawall.Core.Errors;
using Seawall.Core.Model;

namespace Seawall.Cli.Commands;

/// <summary>`seawall image [REF] [--input PATH]`: an image from an archive or layout, the Docker Engine, or a registry.</summary>
internal static class ImageCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var compliance = new ComplianceOption();
        var reference = new Argument<string?>("ref") { Description = "Image reference (repo:tag or repo@digest)", Arity = ArgumentArity.ZeroOrOne };
        var input = new Option<string?>("--input", "-i") { Description = "A docker save archive, or an OCI image layout (directory or tar)" };
        var platform = new Option<string?>("--platform") { Description = "os/arch[/variant] to pick from a multi-platform image" };
        var imageName = new Option<string?>("--image-name") { Description = "Which image of a multi-image archive to scan (a repo tag or ref name); default: all" };
        var command = new Command("image", "Scan a container image: OS packages, SBOM") { reference, input, platform, imageName };
        // Registry access (Seawall.Artifacts.Registry).
        var username = new Option<string?>("--username") { Description = "Registry user name (or SEAWALL_USERNAME); default: the Docker config" };
        var password = new Option<string?>("--password") { Description = "Registry password or token (or SEAWALL_PASSWORD)" };
        var insecure = new Option<bool>("--insecure") { Description = "Allow a registry over plain http or with a certificate that does not validate" };
        // Where a REF is looked for (Seawall.Artifacts.Engine, Seawall.Artifacts.Registry).
        var imageSrc = new Option<string[]>("--image-src")
        {
            Description = "Where to look for REF, in order: docker (the local Docker Engine), remote (the registry); default docker,remote",
            AllowMultipleArgumentsPerToken = false,
        };
        var dockerHost = new Option<string?>("--docker-host") { Description = "Docker Engine endpoint: unix:///path or tcp://HOST:PORT (default DOCKER_HOST, else unix:///var/run/docker.sock)" };
        imageSrc.Validators.Add(result =>
        {
            try
            {
                ImageSourceResolver.ParseSources(result.GetValueOrDefault<string[]>() ?? []);
            }
            catch (ScanException ex)
            {
                result.AddError(ex.Message);
            }
        });
        command.Options.Add(imageSrc);
        command.Options.Add(dockerHost);
        command.Options.Add(username);
        command.Options.Add(password);
        command.Options.Add(insecure);
        common.AddTo(command);
        compliance.AddTo(command);
        command.SetAction((parse, ct) => ScanRunner.RunAsync(parse, common, async (service, console, token) =>
        {
            var platformValue = parse.GetValue(platform) is { } p ? Platform.Parse(p) : null;
            if (parse.GetValue(input) is { } path)
            {
                using var archive = ImageArchive.Open(path, platformValue);
                var wanted = parse.GetValue(imageName) ?? parse.GetValue(reference);
                var images = wanted is null ? archive.Images : [.. archive.Images.Where(i => i.RepoTags.Contains(wanted) || i.Name == wanted)];
                if (images.Count == 0)
                {
                    throw new ScanException($"{path}: no image named '{wanted}' (it holds {string.Join(", ", archive.Images.Select(i => i.Name))})");
                }
                if (images.Count > 1)
                {
                    // One report per run keeps every format valid; say what else is there.
                    console.Warn($"{path} holds {images.Count} images; scanning {images[0].Name}. Choose another with --image-name ({string.Join(", ", images.Skip(1).Select(i => i.Name))})");
                }
                var report = await service.ScanImageAsync(images[0], token).ConfigureAwait(false);
                return report;
            }
            var refValue = parse.GetValue(reference) ?? throw new ScanException("give an image reference or --input PATH");
            var registryOptions = new RegistryOptions
            {
                Username = parse.GetValue(username) ?? (Environment.GetEnvironmentVariable("SEAWALL_USERNAME") is { Length: > 0 } u ? u : null),
                Password = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("SEAWALL_PASSWORD"),
                Insecure = parse.GetValue(insecure),
            };
            if (registryOptions.Username is not null && registryOptions.Password is null)
            {
                throw new ScanException("--username needs --password (or SEAWALL_PASSWORD)");
            }
            var resolve = new ImageResolveOptions
            {
                Sources = ImageSourceResolver.ParseSources(parse.GetValue(imageSrc) ?? []),
                DockerHost = parse.GetValue(dockerHost),
                Registry = registryOptions,
                Platform = platformValue,
                Debug = console.DebugEnabled ? console.Debug : null,
                Warn = console.Warn,
            };
            var image = await ImageSourceResolver.OpenAsync(refValue, resolve, token).ConfigureAwait(false);
            await using (image.ConfigureAwait(false))
            {
                return await service.ScanImageAsync(image, token).ConfigureAwait(false);
            }
        }, ct, compliance));
        return command;
    }

    internal static ArtifactType Type => ArtifactType.ContainerImage;
}
