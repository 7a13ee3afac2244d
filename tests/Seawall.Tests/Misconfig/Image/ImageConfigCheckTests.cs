using Seawall.Core.Model;
using Seawall.Misconfig.Image;
using Xunit;

namespace Seawall.Tests.Misconfig.Image;

/// <summary>
/// Each image-config check on a config that makes it fire and one that does not. The configs are what docker build
/// and BuildKit write (history created_by forms of both), so the checks are judged on the shapes real images have.
/// </summary>
public sealed class ImageConfigCheckTests
{
    /// <summary>A config that passes every check: a user, a health check, a pinned tag, clean history.</summary>
    private static ImageFacts Clean() => new()
    {
        Name = "registry.example:5000/team/app:1.4.2",
        User = "10001:10001",
        Env = ["PATH=/usr/local/bin:/usr/bin:/bin", "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", "DB_PASSWORD_FILE=/run/secrets/db"],
        Labels = new Dictionary<string, string> { ["org.opencontainers.image.source"] = "https://example.com/app" },
        Healthcheck = ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
        History =
        [
            ("/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ", Layer(0)),
            ("/bin/sh -c #(nop)  CMD [\"bash\"]", null),
            ("RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* # buildkit", Layer(1)),
            ("COPY app /app # buildkit", Layer(2)),
            ("USER 10001:10001", null),
        ],
    };

    private static LayerRef Layer(int index) => new(index, "sha256:" + new string((char)('a' + index), 64), null);

    private static List<Finding> Failures(ImageFacts facts, CheckInfo check) =>
        [.. ImageConfigChecks.Run(facts).Where(f => f.CheckId == check.Id && f.Status == FindingStatus.Fail)];

    [Fact]
    public void Run_CleanConfig_EveryCheckPasses()
    {
        var findings = ImageConfigChecks.Run(Clean());
        Assert.Empty(findings.Where(f => f.Status == FindingStatus.Fail).Select(f => f.CheckId + ": " + f.Evidence));
        // Every config check decided: one pass each.
        Assert.Equal(ImageCheckCatalog.ConfigChecks.Select(c => c.Id).Order(), findings.Select(f => f.CheckId).Distinct().Order());
    }

    [Theory]
    [InlineData(null, "no USER")]
    [InlineData("", "no USER")]
    [InlineData("root", "USER is root")]
    [InlineData("0", "USER is 0")]
    [InlineData("0:1000", "USER is 0:1000")]
    [InlineData("root:root", "USER is root:root")]
    public void RootUser_RootOrEmpty_Fires(string? user, string evidence)
    {
        var failure = Assert.Single(Failures(Clean() with { User = user }, ImageCheckCatalog.RootUser));
        Assert.StartsWith(evidence, failure.Evidence);
        Assert.Contains("CIS-DI-0001", failure.References);
    }

    [Theory]
    [InlineData("app")]
    [InlineData("1000")]
    [InlineData("nobody:nogroup")]
    public void RootUser_OtherUser_DoesNotFire(string user) =>
        Assert.Empty(Failures(Clean() with { User = user }, ImageCheckCatalog.RootUser));

    [Fact]
    public void NoHealthcheck_MissingOrNone_Fires()
    {
        Assert.Single(Failures(Clean() with { Healthcheck = null }, ImageCheckCatalog.NoHealthcheck));
        // HEALTHCHECK NONE turns off one a base image set: no health check either.
        Assert.Single(Failures(Clean() with { Healthcheck = ["NONE"] }, ImageCheckCatalog.NoHealthcheck));
        Assert.Empty(Failures(Clean(), ImageCheckCatalog.NoHealthcheck));
    }

    [Theory]
    [InlineData("/bin/sh -c apt-get update")]
    [InlineData("RUN /bin/sh -c apt-get -q update # buildkit")]
    [InlineData("|1 DEBIAN_FRONTEND=noninteractive /bin/sh -c apk update")]
    [InlineData("RUN |1 X=1 /bin/sh -c yum makecache # buildkit")]
    public void UpdateAlone_UpdateWithoutInstall_Fires(string step)
    {
        var facts = Clean() with { History = [.. Clean().History, (step, Layer(3))] };
        var failure = Assert.Single(Failures(facts, ImageCheckCatalog.UpdateAlone));
        Assert.Equal("history[5]", failure.Location!.JsonPath);
        Assert.Equal(3, failure.Location.Layer!.Index);
    }

    [Theory]
    [InlineData("/bin/sh -c apt-get update && apt-get install -y curl")]
    [InlineData("RUN /bin/sh -c apk update && apk add --no-cache curl # buildkit")]
    [InlineData("/bin/sh -c #(nop)  LABEL note=apt-get update")]
    public void UpdateAlone_UpdateWithInstallOrNotARun_DoesNotFire(string step) =>
        Assert.Empty(Failures(Clean() with { History = [(step, Layer(0))] }, ImageCheckCatalog.UpdateAlone));

    [Theory]
    [InlineData("/bin/sh -c #(nop) ADD https://example.com/tool.tgz /opt/")]
    [InlineData("ADD app.jar /app/app.jar # buildkit")]
    [InlineData("/bin/sh -c #(nop) ADD dir:0123abcd in /app ")]
    public void AddInstruction_AddOfFiles_Fires(string step) =>
        Assert.Single(Failures(Clean() with { History = [(step, Layer(0))] }, ImageCheckCatalog.AddInstruction));

    [Theory]
    [InlineData("/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ")]
    [InlineData("ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit")]
    [InlineData("COPY app.jar /app/app.jar # buildkit")]
    public void AddInstruction_BaseRootfsOrCopy_DoesNotFire(string step) =>
        Assert.Empty(Failures(Clean() with { History = [(step, Layer(0))] }, ImageCheckCatalog.AddInstruction));

    [Fact]
    public void SecretInConfig_CredentialInEnvLabelOrHistory_FiresWithoutQuotingIt()
    {
        var facts = Clean() with
        {
            Env = [.. Clean().Env, "DB_PASSWORD=hunter2-s3cret"],
            Labels = new Dictionary<string, string> { ["com.example.api-token"] = "tok_live_123" },
            History = [.. Clean().History, ("ARG NPM_TOKEN=npm_abcdef0123456789", null), ("RUN |1 NPM_TOKEN=npm_abcdef0123456789 /bin/sh -c npm ci # buildkit", Layer(3))],
        };
        var failures = Failures(facts, ImageCheckCatalog.SecretInConfig);
        Assert.Equal(["ENV DB_PASSWORD has a value", "LABEL com.example.api-token has a value", "build step assigns NPM_TOKEN", "build step assigns NPM_TOKEN"],
            failures.Select(f => f.Evidence));
        Assert.DoesNotContain(failures, f => f.Evidence!.Contains("hunter2", StringComparison.Ordinal) || f.Evidence.Contains("npm_abc", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D")] // a public key id official images set
    [InlineData("POSTGRES_PASSWORD_FILE", "/run/secrets/pg")]        // points at a secret
    [InlineData("DB_PASSWORD", "")]                                   // declared, no value
    [InlineData("API_TOKEN", "${API_TOKEN}")]                         // a reference, filled at run time
    [InlineData("KEYBOARD", "us")]                                    // not a credential name
    public void SecretInConfig_PointerOrEmptyOrHarmless_DoesNotFire(string name, string value) =>
        Assert.Empty(Failures(Clean() with { Env = [$"{name}={value}"] }, ImageCheckCatalog.SecretInConfig));

    [Theory]
    [InlineData("/bin/sh -c sudo apt-get install -y vim")]
    [InlineData("RUN /bin/sh -c make && sudo make install # buildkit")]
    public void Sudo_SudoInRun_Fires(string step) =>
        Assert.Single(Failures(Clean() with { History = [(step, Layer(0))] }, ImageCheckCatalog.Sudo));

    [Theory]
    [InlineData("/bin/sh -c apt-get install -y sudo")]       // installs the package, does not run it
    [InlineData("/bin/sh -c echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app")]
    public void Sudo_SudoAsAWord_DoesNotFire(string step) =>
        Assert.Empty(Failures(Clean() with { History = [(step, Layer(0))] }, ImageCheckCatalog.Sudo));

    [Fact]
    public void SensitiveVolume_SysOrDockerSocket_Fires()
    {
        var failures = Failures(Clean() with { Volumes = ["/data", "/sys/fs/cgroup", "/var/run/docker.sock"] }, ImageCheckCatalog.SensitiveVolume);
        Assert.Equal(["VOLUME /sys/fs/cgroup", "VOLUME /var/run/docker.sock"], failures.Select(f => f.Evidence));
        Assert.Empty(Failures(Clean() with { Volumes = ["/data", "/var/lib/postgresql/data"] }, ImageCheckCatalog.SensitiveVolume));
    }

    [Fact]
    public void DistUpgrade_FiresOnDistUpgradeOnly()
    {
        Assert.Single(Failures(Clean() with { History = [("/bin/sh -c apt-get update && apt-get -y dist-upgrade", Layer(0))] }, ImageCheckCatalog.DistUpgrade));
        Assert.Empty(Failures(Clean() with { History = [("/bin/sh -c apt-get update && apt-get -y upgrade", Layer(0))] }, ImageCheckCatalog.DistUpgrade));
    }

    [Theory]
    [InlineData("app:latest", "app:latest is tagged latest")]
    [InlineData("registry.example:5000/team/app", "registry.example:5000/team/app is untagged (latest)")]
    public void LatestTag_LatestOrUntagged_Fires(string name, string evidence) =>
        Assert.Equal(evidence, Assert.Single(Failures(Clean() with { Name = name }, ImageCheckCatalog.LatestTag)).Evidence);

    [Theory]
    [InlineData("registry.example:5000/team/app:1.2")]
    [InlineData("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void LatestTag_VersionOrDigest_DoesNotFire(string name) =>
        Assert.Empty(Failures(Clean() with { Name = name }, ImageCheckCatalog.LatestTag));

    [Fact]
    public void LatestTag_ArchivePath_JudgesTheArchiveTags()
    {
        // `seawall image --input app.tar`: the path names no tag; the archive's RepoTags do.
        Assert.Single(Failures(Clean() with { Name = "/tmp/app.tar", RepoTags = ["app:latest"] }, ImageCheckCatalog.LatestTag));
        Assert.Empty(Failures(Clean() with { Name = "/tmp/app.tar", RepoTags = ["app:2.0"] }, ImageCheckCatalog.LatestTag));
    }
}
