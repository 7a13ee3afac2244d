using Seawall.Misconfig.Dockerfile;
using Xunit;

namespace Seawall.Tests.Misconfig.Dockerfile;

/// <summary>The parser against the Dockerfile reference's rules (docs.docker.com/reference/dockerfile).</summary>
public sealed class DockerfileParserTests
{
    private static DockerfileSyntax Parse(string text, List<string>? warnings = null) => DockerfileParser.Parse("Dockerfile", text, warnings ?? []);

    private static DockerfileBuild Build(string text, List<string>? warnings = null) => DockerfileBuild.Parse("Dockerfile", text, warnings ?? []);

    [Fact]
    public void Continuations_join_lines_drop_comment_and_blank_lines_and_keep_the_start_line()
    {
        var syntax = Parse("FROM debian:12.7\n\n# comment\nRUN apt-get update \\\n    # a comment inside the continuation\n\n    && apt-get install -y curl\nUSER app\n");
        Assert.Equal(["FROM", "RUN", "USER"], syntax.Instructions.Select(i => i.Keyword));
        var run = syntax.Instructions[1];
        Assert.Equal(4, run.Line);
        Assert.Equal(7, run.EndLine);
        Assert.Equal("apt-get update     && apt-get install -y curl", run.Arguments);
        Assert.Equal(8, syntax.Instructions[2].Line);
    }

    [Fact]
    public void Escape_directive_switches_to_backtick_and_backslash_becomes_literal()
    {
        var syntax = Parse("# escape=`\n# syntax=docker/dockerfile:1\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\nRUN powershell -Command `\n    Write-Host hello\n");
        Assert.Equal('`', syntax.Escape);
        Assert.Equal("docker/dockerfile:1", syntax.Directives["syntax"]);
        Assert.Equal(@"C:\app", syntax.Instructions[1].Arguments);
        Assert.Equal("powershell -Command     Write-Host hello", syntax.Instructions[2].Arguments);
        Assert.Equal(5, syntax.Instructions[2].Line);
    }

    [Fact]
    public void Directives_only_count_before_anything_else()
    {
        // After a blank line or comment, `# escape=` is a plain comment: backslash stays the escape.
        var syntax = Parse("# hello\n# escape=`\nFROM alpine:3.20\nRUN echo a \\\n  b\n");
        Assert.Equal('\\', syntax.Escape);
        Assert.Empty(syntax.Directives);
        Assert.Equal("echo a   b", syntax.Instructions[1].Arguments);

        var warnings = new List<string>();
        var bad = Parse("# escape=x\nFROM alpine:3.20\n", warnings);
        Assert.Equal('\\', bad.Escape);
        Assert.Contains(warnings, w => w.StartsWith("Dockerfile:1:", StringComparison.Ordinal) && w.Contains("invalid escape", StringComparison.Ordinal));
    }

    [Fact]
    public void Heredocs_plain_chomped_quoted_and_several_per_line()
    {
        var syntax = Parse("FROM alpine:3.20\nRUN <<EOF\napk add curl\necho $HOME\nEOF\nCOPY <<-\"ONE\" <<'TWO' /dest/\n\tfirst $X\n\tONE\nsecond\nTWO\nRUN echo '<<NOT' \"<<NOPE\" <<< here\nUSER app\n");
        Assert.Equal(["FROM", "RUN", "COPY", "RUN", "USER"], syntax.Instructions.Select(i => i.Keyword));
        var run = syntax.Instructions[1];
        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal(new Heredoc("EOF", false, false, "apk add curl\necho $HOME\n", true), heredoc);
        Assert.Equal((2, 5), (run.Line, run.EndLine));

        var copy = syntax.Instructions[2];
        Assert.Equal(2, copy.Heredocs.Count);
        Assert.Equal(new Heredoc("ONE", true, true, "first $X\n", true), copy.Heredocs[0]);
        Assert.Equal(new Heredoc("TWO", true, false, "second\n", true), copy.Heredocs[1]);
        Assert.Equal(6, copy.Line);

        Assert.Empty(syntax.Instructions[3].Heredocs); // quoted markers and a here-string are not heredocs
        Assert.Equal(12, syntax.Instructions[4].Line);
    }

    [Fact]
    public void Exec_and_shell_forms_and_flags()
    {
        var syntax = Parse("FROM --platform=linux/amd64 alpine:3.20 AS base\nRUN --mount=type=cache,target=/var/cache/apk --network=none [\"apk\", \"add\", \"curl\"]\nCMD [\"a\", \"b\"]\nCMD [not json\nCOPY --chown=app:app --from=base /a /b\n");
        var from = syntax.Instructions[0];
        Assert.Equal("linux/amd64", from.Flag("platform"));
        Assert.Equal("alpine:3.20 AS base", from.Arguments);
        var run = syntax.Instructions[1];
        Assert.Equal("type=cache,target=/var/cache/apk", run.Flag("mount"));
        Assert.Equal("none", run.Flag("network"));
        Assert.Equal(["apk", "add", "curl"], run.ExecForm);
        Assert.Equal(["a", "b"], syntax.Instructions[2].ExecForm);
        Assert.Null(syntax.Instructions[3].ExecForm);
        Assert.Equal("app:app", syntax.Instructions[4].Flag("chown"));
        Assert.Equal("/a /b", syntax.Instructions[4].Arguments);
    }

    [Fact]
    public void Arg_before_from_is_usable_in_from_and_redeclared_in_a_stage()
    {
        var build = Build("ARG REGISTRY=docker.io\nARG TAG=12.7\nFROM ${REGISTRY}/library/debian:${TAG}-slim AS base\nARG TAG\nENV VERSION=$TAG\nFROM base\nRUN true\n");
        Assert.Equal(2, build.GlobalArgs.Count);
        var base_ = build.Stages[0];
        Assert.Equal("docker.io/library/debian:12.7-slim", base_.Image);
        Assert.False(base_.ImageUnresolved);
        Assert.Equal("base", base_.Name);
        Assert.Equal("12.7", base_.Env["VERSION"]);
        var final = build.Final!;
        Assert.Same(base_, final.Parent);
        Assert.Equal("12.7", final.Env["VERSION"]); // ENV is inherited from the parent stage
        Assert.Equal("$.stages[1].instructions[1]", final.Steps[1].Path);

        // A global ARG is not visible inside a stage unless redeclared.
        var scoped = Build("ARG DIR=/srv\nFROM alpine:3.20\nWORKDIR $DIR/app\n");
        Assert.True(scoped.Final!.Steps[1].Unresolved);
        Assert.Equal("/app", scoped.Final.Steps[1].Words[0]);
    }

    [Theory]
    [InlineData("${SET}", "value")]
    [InlineData("$SET/x", "value/x")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("${UNSET-fallback}", "fallback")]
    [InlineData("${SET:+alt}", "alt")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${UNSET:-${SET}}", "value")]
    [InlineData("'$SET'", "$SET")]
    [InlineData("\"$SET x\"", "value x")]
    [InlineData("\\$SET", "$SET")]
    [InlineData("a$", "a$")]
    public void Substitution_forms(string text, string expected)
    {
        var expander = new WordExpander('\\', name => name switch { "SET" => "value", "EMPTY" => "", _ => null });
        Assert.Equal(expected, expander.Expand(text));
        Assert.False(expander.Unresolved);
    }

    [Fact]
    public void An_unset_variable_marks_the_result_unresolved()
    {
        var expander = new WordExpander('\\', _ => null);
        Assert.Equal("debian:", expander.Expand("debian:$TAG"));
        Assert.True(expander.Unresolved);
    }

    [Fact]
    public void Env_forms_and_values_see_the_previous_values()
    {
        var build = Build("FROM alpine:3.20\nENV A=1 B=\"two words\" C=x\\ y\nENV A=2 D=$A\nENV LEGACY some value here\n");
        var env = build.Final!.Env;
        Assert.Equal("2", env["A"]);
        Assert.Equal("two words", env["B"]);
        Assert.Equal("x y", env["C"]);
        Assert.Equal("1", env["D"]); // same-line references see the value before the instruction
        Assert.Equal("some value here", env["LEGACY"]);
    }

    [Fact]
    public void Stage_names_are_case_insensitive_and_indexes_are_kept()
    {
        var build = Build("FROM golang:1.22 AS Build\nRUN go build\nFROM BUILD AS test\nFROM scratch\nCOPY --from=build /x /x\n");
        Assert.Equal("build", build.Stages[0].Name);
        Assert.Same(build.Stages[0], build.Stages[1].Parent);
        Assert.True(build.Stages[2].IsScratch);
        Assert.Equal("stage 2", build.Stages[2].Label);
    }

    [Fact]
    public void Shell_script_splits_commands_pipes_and_ignores_redirections()
    {
        var commands = ShellScript.Parse("set -e; DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y 'a b' c 2>&1 > /dev/null && curl -fsSL x | sh -s -- || (cd /tmp && make)\n# comment | here\necho \"$(date | cut -c1)\" &");
        Assert.Equal(["set", "apt-get", "curl", "sh", "cd", "make", "echo"], commands.Select(c => c.Name));
        Assert.Equal(["apt-get", "install", "-y", "a b", "c"], commands[1].Program);
        Assert.Equal("sudo", commands[1].FirstWord);
        Assert.True(commands[2].PipesOut);
        Assert.Equal(commands[2].Pipeline, commands[3].Pipeline);
        Assert.False(commands[6].PipesOut); // the pipe is inside $(...)
    }

    [Fact]
    public void Run_heredoc_is_the_script_when_it_is_run_and_data_when_it_is_written()
    {
        var build = Build("FROM debian:12.7\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nRUN cat <<EOF > /etc/x\napt-get install -y vim\nEOF\n");
        var context = new DockerfileContext(build);
        Assert.Equal(["apt-get", "apt-get"], context.Commands(build.Final!.Steps[1]).Select(c => c.Name));
        Assert.Equal(["cat"], context.Commands(build.Final.Steps[2]).Select(c => c.Name));
    }
}
