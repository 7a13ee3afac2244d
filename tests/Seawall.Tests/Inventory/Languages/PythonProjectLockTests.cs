using Seawall.Tests.Support;
using Seawall.Core.Model;
using Seawall.Inventory.Languages.Python;
using static Seawall.Tests.Inventory.Languages.LanguageAnalyzerRun;

namespace Seawall.Tests.Inventory.Languages;

/// <summary>uv.lock, and poetry/pdm/pipenv locks read with the manifest beside them (direct and dev dependencies).</summary>
public sealed class PythonProjectLockTests
{
    // The shape uv 0.4+ writes (lock version 1): the project is the editable "." package, its groups name the entries.
    private const string UvLock = """
        version = 1
        requires-python = ">=3.11"

        [[package]]
        name = "demo"
        version = "0.1.0"
        source = { editable = "." }
        dependencies = [
            { name = "requests", extra = ["socks"] },
        ]

        [package.optional-dependencies]
        yaml = [
            { name = "pyyaml" },
        ]

        [package.dev-dependencies]
        dev = [
            { name = "pytest" },
        ]

        [package.metadata]
        requires-dist = [
            { name = "pyyaml", marker = "extra == 'yaml'", specifier = ">=6" },
            { name = "requests", extras = ["socks"], specifier = ">=2.31" },
        ]

        [package.metadata.requires-dev]
        dev = [{ name = "pytest", specifier = ">=8" }]

        [[package]]
        name = "certifi"
        version = "2024.8.30"
        source = { registry = "https://pypi.org/simple" }
        sdist = { url = "https://files.pythonhosted.org/packages/b0/ee/certifi-2024.8.30.tar.gz", hash = "sha256:bec941d2aa8195e248a60b31ff9f0558284cf01a52591ceda73ea9afffd69fd9", size = 168507 }
        wheels = [
            { url = "https://files.pythonhosted.org/packages/12/90/certifi-2024.8.30-py3-none-any.whl", hash = "sha256:922820b53db7a7257ffbda3f597266d435245903d80737e34f8a45ff3e3230d8", size = 167321 },
        ]

        [[package]]
        name = "iniconfig"
        version = "2.0.0"
        source = { registry = "https://pypi.org/simple" }

        [[package]]
        name = "pysocks"
        version = "1.7.1"
        source = { registry = "https://pypi.org/simple" }

        [[package]]
        name = "pytest"
        version = "8.3.3"
        source = { registry = "https://pypi.org/simple" }
        dependencies = [
            { name = "colorama", marker = "sys_platform == 'win32'" },
            { name = "iniconfig" },
        ]

        [[package]]
        name = "pyyaml"
        version = "6.0.2"
        source = { registry = "https://pypi.org/simple" }

        [[package]]
        name = "requests"
        version = "2.32.3"
        source = { registry = "https://pypi.org/simple" }
        dependencies = [
            { name = "certifi" },
            { name = "urllib3" },
        ]

        [package.optional-dependencies]
        socks = [
            { name = "pysocks" },
        ]

        [[package]]
        name = "urllib3"
        version = "2.2.3"
        source = { git = "https://github.com/urllib3/urllib3?rev=2.2.3#0123456789abcdef0123456789abcdef01234567" }
        """;

    [Fact]
    public void Uv_ProjectGroups_GiveDirectDevOptionalAndGraph()
    {
        var packages = UvLockAnalyzer.Parse(UvLock).ToDictionary(p => p.Name);
        // The project itself is what is scanned, not a dependency.
        Assert.DoesNotContain("demo", packages.Keys);
        Assert.Equal(["certifi", "iniconfig", "pysocks", "pytest", "pyyaml", "requests", "urllib3"], packages.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([true, false, false, false], new[] { "requests", "certifi", "urllib3", "pysocks" }.Select(n => packages[n].Direct));
        // pysocks is reached through the socks extra the project asks requests for: a runtime dependency.
        Assert.All(new[] { "requests", "certifi", "urllib3", "pysocks" }, n => Assert.False(packages[n].Dev || packages[n].Optional, n));
        Assert.True(packages["pyyaml"] is { Optional: true, Dev: false, Direct: true });
        Assert.True(packages["pytest"] is { Dev: true, Direct: true });
        Assert.True(packages["iniconfig"] is { Dev: true, Direct: false });
        Assert.Equal(["certifi@2024.8.30", "urllib3@2.2.3"], packages["requests"].DependsOn);
        // colorama is not in the lock (a Windows-only marker): no edge to a package that is not there.
        Assert.Equal(["iniconfig@2.0.0"], packages["pytest"].DependsOn);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", packages["urllib3"].Commit);
        Assert.All(packages.Values, p => Assert.Equal("PyPI", p.Ecosystem));
    }

    [Fact]
    public void Uv_WithoutProjectRoot_LeavesDirectUnknown()
    {
        var packages = UvLockAnalyzer.Parse("""
            version = 1
            [[package]]
            name = "numpy"
            version = "1.26.4"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "numpy"
            version = "2.1.0"
            source = { registry = "https://pypi.org/simple" }
            [[package]]
            name = "pandas"
            version = "2.2.3"
            source = { registry = "https://pypi.org/simple" }
            dependencies = [
                { name = "numpy", version = "2.1.0", source = { registry = "https://pypi.org/simple" } },
            ]
            """);
        Assert.Equal(3, packages.Count);
        Assert.All(packages, p => Assert.Null(p.Direct));
        // Two numpy versions: the entry's own version picks one.
        Assert.Equal(["numpy@2.1.0"], packages.Single(p => p.Name == "pandas").DependsOn);
    }

    [Theory]
    [InlineData("this is not valid toml! (I think)")]
    [InlineData("[[package]]\nname = \"a\"\nname = \"b\"\n")]
    [InlineData("[[package]\nname = \"a\"")]
    public async Task Uv_InvalidToml_IsOneWarningWithTheFile(string text)
    {
        using var dir = new TempDir();
        dir.Write("svc/uv.lock", text);
        var sink = await RunHostAsync(dir.Path, new UvLockAnalyzer());
        Assert.Empty(sink.Results);
        var warning = Assert.Single(sink.Warnings);
        Assert.StartsWith("svc/uv.lock:", warning, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', warning);
    }

    [Fact]
    public async Task Poetry18_WithPyproject_MarksDirectAndDevOnlyPackages()
    {
        using var dir = new TempDir();
        // Poetry 1.2 to 1.8 locks carry neither category nor groups: the manifest's groups decide what is dev.
        dir.Write("app/pyproject.toml", """
            [tool.poetry]
            name = "app"
            version = "0.1.0"
            description = ""
            authors = ["A <a@example.invalid>"]

            [tool.poetry.dependencies]
            python = "^3.11"
            Flask = "^3.0"

            [tool.poetry.group.dev.dependencies]
            pytest = "^8.0"
            """);
        dir.Write("app/poetry.lock", """
            # This file is automatically @generated by Poetry 1.8.3 and should not be changed by hand.

            [[package]]
            name = "flask"
            version = "3.0.3"
            description = "A simple framework for building complex web applications."
            optional = false
            python-versions = ">=3.8"
            files = [
                {file = "flask-3.0.3-py3-none-any.whl", hash = "sha256:34e815dfaa43340d1d15a5c3a02b8476004037eb4840b34910c6e21679d288f3"},
            ]

            [package.dependencies]
            click = ">=8.1.3"
            Werkzeug = ">=3.0.0"

            [package.extras]
            async = ["asgiref (>=3.2)"]

            [[package]]
            name = "click"
            version = "8.1.7"
            description = "Composable command line interface toolkit"
            optional = false
            python-versions = ">=3.7"
            files = []

            [package.dependencies]
            colorama = {version = "*", markers = "platform_system == \"Windows\""}

            [[package]]
            name = "iniconfig"
            version = "2.0.0"
            description = "brain-dead simple config-ini parsing"
            optional = false
            python-versions = ">=3.7"
            files = []

            [[package]]
            name = "pytest"
            version = "8.3.3"
            description = "pytest: simple powerful testing with Python"
            optional = false
            python-versions = ">=3.8"
            files = []

            [package.dependencies]
            click = ">=8"
            iniconfig = "*"

            [[package]]
            name = "werkzeug"
            version = "3.0.4"
            description = "The comprehensive WSGI web application library."
            optional = false
            python-versions = ">=3.8"
            files = []

            [metadata]
            lock-version = "2.0"
            python-versions = "^3.11"
            content-hash = "0000"
            """);
        var sink = await RunHostAsync(dir.Path, new PoetryLockAnalyzer());
        Assert.Empty(sink.Warnings);
        var packages = sink.Results.Single().Packages.ToDictionary(p => p.Name);
        Assert.True(packages["flask"] is { Direct: true, Dev: false });
        Assert.True(packages["pytest"] is { Direct: true, Dev: true });
        Assert.True(packages["iniconfig"] is { Direct: false, Dev: true });
        // click is needed by flask at run time too: not dev, though pytest needs it.
        Assert.True(packages["click"] is { Direct: false, Dev: false });
        Assert.Equal(["click@8.1.7", "werkzeug@3.0.4"], packages["flask"].DependsOn);
        Assert.All(packages.Values, p => Assert.Equal("app/poetry.lock", p.FilePath));
    }

    [Fact]
    public async Task Poetry2_Groups_MarkDev()
    {
        using var dir = new TempDir();
        dir.Write("poetry.lock", """
            [[package]]
            name = "requests"
            version = "2.32.3"
            groups = ["main"]
            files = []

            [[package]]
            name = "ruff"
            version = "0.6.9"
            groups = ["dev", "lint"]
            files = []

            [metadata]
            lock-version = "2.1"
            """);
        var packages = Packages(await RunHostAsync(dir.Path, new PoetryLockAnalyzer())).ToDictionary(p => p.Name);
        Assert.False(packages["requests"].Dev);
        Assert.True(packages["ruff"].Dev);
    }

    [Fact]
    public async Task Pdm_WithPyproject_UsesItsGroupKinds()
    {
        using var dir = new TempDir();
        dir.Write("pyproject.toml", """
            [project]
            name = "svc"
            version = "1.0"
            dependencies = ["toml>=0.10"]

            [project.optional-dependencies]
            net = ["pyroute2"]

            [tool.pdm.dev-dependencies]
            test = ["pytest>=8"]
            """);
        dir.Write("pdm.lock", """
            [metadata]
            groups = ["default", "net", "test"]
            lock_version = "4.4.1"

            [[package]]
            name = "pyroute2"
            version = "0.7.11"
            groups = ["net"]

            [[package]]
            name = "pytest"
            version = "8.3.3"
            groups = ["test"]

            [[package]]
            name = "toml"
            version = "0.10.2"
            groups = ["default"]
            """);
        var packages = Packages(await RunHostAsync(dir.Path, new PdmLockAnalyzer())).ToDictionary(p => p.Name);
        Assert.True(packages["toml"] is { Direct: true, Dev: false, Optional: false });
        Assert.True(packages["pyroute2"] is { Direct: true, Dev: false, Optional: true });
        Assert.True(packages["pytest"] is { Direct: true, Dev: true, Optional: false });
    }

    [Fact]
    public async Task Pipenv_WithPipfile_MarksDirect()
    {
        using var dir = new TempDir();
        dir.Write("Pipfile", """
            [[source]]
            url = "https://pypi.org/simple"
            verify_ssl = true
            name = "pypi"

            [packages]
            Flask = "*"

            [dev-packages]
            pytest = "*"
            """);
        dir.Write("Pipfile.lock", """
            {
                "_meta": {"pipfile-spec": 6},
                "default": {
                    "flask": {"version": "==3.0.3"},
                    "werkzeug": {"version": "==3.0.4"}
                },
                "develop": {
                    "pytest": {"version": "==8.3.3"}
                }
            }
            """);
        var packages = Packages(await RunHostAsync(dir.Path, new PipenvLockAnalyzer())).ToDictionary(p => p.Name);
        Assert.True(packages["flask"] is { Direct: true, Dev: false });
        Assert.True(packages["werkzeug"] is { Direct: false, Dev: false });
        Assert.True(packages["pytest"] is { Direct: true, Dev: true });
    }

    /// <summary>A Pipfile.lock a Debian package ships (google-cloud-cli's vendored python-rsa), with its Pipfile.</summary>
    [Fact]
    public async Task Pipenv_RealLockWithPipfile_OnThisMachine()
    {
        const string dir = "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/rsa";
        Assert.SkipUnless(File.Exists(Path.Combine(dir, "Pipfile.lock")), $"{dir}/Pipfile.lock is absent (google-cloud-cli not installed)");
        var sink = await RunAsync(new PipenvLockAnalyzer(), dir, "Pipfile.lock");
        Assert.Empty(sink.Warnings);
        var packages = Packages(sink).ToDictionary(p => p.Name);
        Assert.Equal(42, packages.Count);
        Assert.True(packages["pyasn1"] is { Version: "0.4.4", Direct: true, Dev: false });
        // The Pipfile says "Sphinx", the lock "sphinx": names compare normalised.
        Assert.True(packages["sphinx"] is { Version: "1.8.0", Direct: true, Dev: true });
        Assert.True(packages["urllib3"] is { Version: "1.24.2", Direct: false, Dev: true });
        Assert.Equal(41, packages.Values.Count(p => p.Dev));
        Assert.Equal(8, packages.Values.Count(p => p.Direct == true));
    }

    [Fact]
    public async Task Pipenv_JsonErrors_AreOneLineWarnings()
    {
        using var dir = new TempDir();
        dir.Write("Pipfile.lock", "{\"default\": {\"a\": {\"version\": \"==1\"}}");
        dir.Write("sub/Pipfile.lock", "[1, 2]");
        var sink = await RunHostAsync(dir.Path, new PipenvLockAnalyzer());
        Assert.Empty(sink.Results);
        Assert.Equal(2, sink.Warnings.Count);
        Assert.All(sink.Warnings, w => Assert.DoesNotContain('\n', w));
        Assert.Contains(sink.Warnings, w => w.StartsWith("Pipfile.lock:", StringComparison.Ordinal));
        Assert.Contains(sink.Warnings, w => w.StartsWith("sub/Pipfile.lock:", StringComparison.Ordinal));
    }

    [Fact]
    public void Toml_DeepNesting_IsRefusedNotACrash()
    {
        var deep = "a = " + new string('[', 10_000) + new string(']', 10_000);
        var ex = Record.Exception(() => UvLockAnalyzer.Parse(deep));
        Assert.NotNull(ex);
        Assert.Equal("MalformedFileException", ex.GetType().Name);
    }
}
