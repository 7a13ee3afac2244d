using Seawall.Core.Model;

namespace Seawall.Misconfig.Dockerfile;

/// <summary>A decided check at one place of a Dockerfile: the stage and instruction it is about, failed or not, and why.</summary>
public sealed record DockerfileOutcome(bool Failed, BuildStage? Stage, BuildStep? At, string Evidence);

/// <summary>
/// One Dockerfile check: its catalog entry and a judge yielding every failing place, or one pass when the check
/// applied and nothing failed (nothing at all when it does not apply, e.g. no RUN uses apt-get).
/// </summary>
public sealed record DockerfileCheck(CheckInfo Info, Func<DockerfileContext, IEnumerable<DockerfileOutcome>> Judge);

/// <summary>One decided (check, place) pair of a file.</summary>
public sealed record DockerfileResult(DockerfileCheck Check, DockerfileBuild File, DockerfileOutcome Outcome)
{
    public Finding ToFinding()
    {
        var line = Outcome.At?.Line ?? Outcome.Stage?.From.Line ?? 1;
        var path = Outcome.At?.Path ?? (Outcome.Stage is { } stage ? $"$.stages[{stage.Index}]" : "$");
        return Check.Info.Result(Outcome.Failed ? FindingStatus.Fail : FindingStatus.Pass, Outcome.Evidence,
            new Location(File.File, line, "0", path), Outcome.Stage?.Label);
    }
}

/// <summary>A file under judgement, with each RUN's commands split once for all checks.</summary>
public sealed class DockerfileContext(DockerfileBuild build)
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh", "ksh" };
    private readonly Dictionary<BuildStep, List<ShellCommand>> commands = new(ReferenceEqualityComparer.Instance);

    public DockerfileBuild Build => build;

    public IEnumerable<(BuildStage Stage, BuildStep Step)> Steps(string keyword) =>
        build.Stages.SelectMany(stage => stage.Steps.Where(step => step.Keyword == keyword).Select(step => (stage, step)));

    /// <summary>
    /// The simple commands a RUN executes: the shell form's line; a heredoc body when the heredoc is the script
    /// (`RUN <<EOF` or `RUN bash <<EOF`), not when it is data (`RUN cat <<EOF > file`); the exec form's words, or its
    /// `sh -c` script.
    /// </summary>
    public List<ShellCommand> Commands(BuildStep run)
    {
        if (commands.TryGetValue(run, out var cached))
        {
            return cached;
        }
        List<ShellCommand> parsed;
        var instruction = run.Instruction;
        if (instruction.ExecForm is { Count: > 0 } exec)
        {
            parsed = exec.Count >= 3 && Shells.Contains(Path.GetFileName(exec[0])) && exec[1] == "-c"
                ? ShellScript.Parse(exec[2])
                : [new ShellCommand(exec, 0, false)];
        }
        else
        {
            parsed = ShellScript.Parse(instruction.Arguments);
            if (instruction.Heredocs.Count > 0)
            {
                var first = parsed.FirstOrDefault();
                if (first is null || first.Program.Count == 0 || Shells.Contains(first.Name))
                {
                    var pipeline = parsed.Count == 0 ? 0 : parsed[^1].Pipeline + 1;
                    foreach (var heredoc in instruction.Heredocs)
                    {
                        parsed.AddRange(ShellScript.Parse(heredoc.Body).Select(c => c with { Pipeline = c.Pipeline + pipeline }));
                        pipeline = parsed.Count == 0 ? pipeline : parsed[^1].Pipeline + 1;
                    }
                }
            }
        }
        commands[run] = parsed;
        return parsed;
    }

    /// <summary>The text a RUN's shell sees, heredoc scripts included: for searches such as `rm -rf /var/lib/apt/lists`.</summary>
    public IEnumerable<ShellCommand> Programs(BuildStep run, string name) => Commands(run).Where(c => c.Name == name);
}

/// <summary>Runs the Dockerfile catalog. Pure: no I/O, so tests and the bench call it directly.</summary>
public static class DockerfileScanner
{
    public static IEnumerable<DockerfileResult> Run(IEnumerable<DockerfileBuild> files, IReadOnlyList<DockerfileCheck> checks)
    {
        foreach (var file in files)
        {
            var context = new DockerfileContext(file);
            foreach (var check in checks)
            {
                foreach (var outcome in check.Judge(context))
                {
                    yield return new DockerfileResult(check, file, outcome);
                }
            }
        }
    }
}
