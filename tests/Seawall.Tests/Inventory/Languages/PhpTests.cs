using Seawall.Inventory.Languages.Php;
using Seawall.Tests.Support;
using static Seawall.Tests.Inventory.Languages.LanguageAnalyzerRun;

namespace Seawall.Tests.Inventory.Languages;

public sealed class PhpTests
{
    [Fact]
    public async Task ComposerLock_EveryOsvCase_GivesExpectedPackagesCommitsAndDev()
    {
        var checkedCases = 0;
        foreach (var c in OsvLockfileFixtures.Cases("parse-composer-lock_test.go"))
        {
            var packages = await PythonLockfileTests.RunCaseAsync(new ComposerLockAnalyzer(), c);
            if (packages is null)
            {
                continue;
            }
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
            PythonLockfileTests.AssertFlags(c, packages);
            checkedCases++;
        }
        Assert.Equal(5, checkedCases);
    }

    [Fact]
    public async Task ComposerLock_TwoPackages_LicencesAndNoPlatformEdges()
    {
        var root = SharedData.Require("osv-lockfile-fixtures/fixtures");
        var sink = await RunAsync(new ComposerLockAnalyzer(), root, "composer/two-packages.json");
        var result = Assert.Single(sink.Results);
        Assert.Equal("composer", result.Type);
        var packages = result.Packages.ToDictionary(p => p.Name);
        Assert.Equal(["MIT"], packages["sentry/sdk"].Licenses);
        Assert.Equal(["BSD-3-Clause"], packages["theseer/tokenizer"].Licenses);
        // sentry/sdk requires packages this lock does not hold, tokenizer only ext-* and php: no edges.
        Assert.All(packages.Values, p => Assert.Empty(p.DependsOn));
        Assert.All(packages.Values, p => Assert.Null(p.Direct));
    }

    // As `composer update` writes them (Composer 2.7), trimmed to the fields Composer always writes.
    private const string ComposerJson = """
        {
            "require": {
                "php": ">=8.1",
                "monolog/monolog": "^3.5"
            },
            "require-dev": {
                "phpunit/php-timer": "^6.0"
            }
        }
        """;

    private const string ComposerLock = """
        {
            "_readme": [
                "This file locks the dependencies of your project to a known state",
                "This file is @generated automatically"
            ],
            "content-hash": "8f9d0f3c0c5b0c8e2f4b6b7d3f0a1e2c",
            "packages": [
                {
                    "name": "monolog/monolog",
                    "version": "3.7.0",
                    "source": {
                        "type": "git",
                        "url": "https://github.com/Seldaek/monolog.git",
                        "reference": "f4393b648b78a5408747de94fca38beb5f7e9ef8"
                    },
                    "require": {
                        "php": ">=8.1",
                        "psr/log": "^2.0 || ^3.0"
                    },
                    "type": "library",
                    "license": ["MIT"]
                },
                {
                    "name": "psr/log",
                    "version": "3.0.2",
                    "source": {
                        "type": "git",
                        "url": "https://github.com/php-fig/log.git",
                        "reference": "f16e1d5863e37f8d8c2a01719f5b34baa2b714d3"
                    },
                    "require": {
                        "php": ">=8.0.0"
                    },
                    "type": "library",
                    "license": "MIT"
                }
            ],
            "packages-dev": [
                {
                    "name": "phpunit/php-timer",
                    "version": "6.0.0",
                    "source": {
                        "type": "git",
                        "url": "https://github.com/sebastianbergmann/php-timer.git",
                        "reference": "e2a2d67966e740530f4a3343fe2e030ffdc1161d"
                    },
                    "require": {
                        "php": ">=8.1"
                    },
                    "type": "library",
                    "license": ["BSD-3-Clause"]
                }
            ],
            "aliases": [],
            "minimum-stability": "stable",
            "platform": {
                "php": ">=8.1"
            },
            "plugin-api-version": "2.6.0"
        }
        """;

    [Fact]
    public async Task ComposerLock_WithComposerJson_MarksDirectAndResolvesGraph()
    {
        using var dir = new TempDir();
        dir.Write("site/composer.json", ComposerJson);
        dir.Write("site/composer.lock", ComposerLock);
        var sink = await RunHostAsync(dir.Path, new ComposerLockAnalyzer());
        Assert.Empty(sink.Warnings);
        var packages = sink.Results.Single().Packages.ToDictionary(p => p.Name);
        Assert.True(packages["monolog/monolog"] is { Direct: true, Dev: false });
        Assert.True(packages["psr/log"] is { Direct: false, Dev: false });
        Assert.True(packages["phpunit/php-timer"] is { Direct: true, Dev: true });
        Assert.Equal(["psr/log@3.0.2"], packages["monolog/monolog"].DependsOn);
        Assert.Equal(["MIT"], packages["psr/log"].Licenses);
        Assert.Equal("f4393b648b78a5408747de94fca38beb5f7e9ef8", packages["monolog/monolog"].Commit);
        Assert.All(packages.Values, p => Assert.Equal("site/composer.lock", p.FilePath));
    }

    [Fact]
    public async Task InstalledJson_Composer2_DevPackageNamesMarkDev()
    {
        using var dir = new TempDir();
        dir.Write("var/www/app/vendor/composer/installed.json", """
            {
                "packages": [
                    {
                        "name": "monolog/monolog",
                        "version": "3.7.0",
                        "version_normalized": "3.7.0.0",
                        "source": {"type": "git", "url": "https://github.com/Seldaek/monolog.git", "reference": "f4393b648b78a5408747de94fca38beb5f7e9ef8"},
                        "require": {"php": ">=8.1", "psr/log": "^2.0 || ^3.0"},
                        "time": "2024-06-28T09:40:51+00:00",
                        "type": "library",
                        "installation-source": "dist",
                        "license": ["MIT"],
                        "install-path": "../monolog/monolog"
                    },
                    {
                        "name": "phpunit/php-timer",
                        "version": "6.0.0",
                        "version_normalized": "6.0.0.0",
                        "require": {"php": ">=8.1"},
                        "type": "library",
                        "installation-source": "dist",
                        "license": ["BSD-3-Clause"],
                        "install-path": "../phpunit/php-timer"
                    },
                    {
                        "name": "psr/log",
                        "version": "3.0.2",
                        "version_normalized": "3.0.2.0",
                        "require": {"php": ">=8.0.0"},
                        "type": "library",
                        "installation-source": "dist",
                        "license": ["MIT"],
                        "install-path": "../psr/log"
                    }
                ],
                "dev": true,
                "dev-package-names": [
                    "phpunit/php-timer"
                ]
            }
            """);
        var sink = await RunHostAsync(dir.Path, new ComposerInstalledAnalyzer());
        Assert.Empty(sink.Warnings);
        var result = Assert.Single(sink.Results);
        Assert.Equal(("var/www/app/vendor/composer/installed.json", "composer-vendor"), (result.Target, result.Type));
        var packages = result.Packages.ToDictionary(p => p.Name);
        Assert.Equal(["monolog/monolog", "phpunit/php-timer", "psr/log"], packages.Keys.Order(StringComparer.Ordinal));
        Assert.True(packages["phpunit/php-timer"].Dev);
        Assert.False(packages["psr/log"].Dev);
        Assert.Equal(["psr/log@3.0.2"], packages["monolog/monolog"].DependsOn);
        Assert.All(packages.Values, p => Assert.Equal("Packagist", p.Ecosystem));
    }

    [Fact]
    public async Task InstalledJson_Composer1_PlainArray()
    {
        using var dir = new TempDir();
        dir.Write("vendor/composer/installed.json", """
            [
                {
                    "name": "guzzlehttp/guzzle",
                    "version": "6.5.5",
                    "version_normalized": "6.5.5.0",
                    "require": {"ext-json": "*", "guzzlehttp/promises": "^1.0", "php": ">=5.5"},
                    "type": "library",
                    "installation-source": "dist",
                    "license": ["MIT"]
                },
                {
                    "name": "guzzlehttp/promises",
                    "version": "1.4.1",
                    "version_normalized": "1.4.1.0",
                    "type": "library",
                    "license": ["MIT"]
                }
            ]
            """);
        var packages = Packages(await RunHostAsync(dir.Path, new ComposerInstalledAnalyzer())).ToDictionary(p => p.Name);
        Assert.Equal(["guzzlehttp/promises@1.4.1"], packages["guzzlehttp/guzzle"].DependsOn);
        Assert.All(packages.Values, p => Assert.False(p.Dev));
    }

    [Theory]
    [InlineData("\"just a string\"")]
    [InlineData("{\"packages\": 3}")]
    [InlineData("[{\"name\": \"a/b\", \"version\": ")]
    public async Task InstalledJson_NotInstalledJson_IsAWarning(string text)
    {
        using var dir = new TempDir();
        dir.Write("vendor/composer/installed.json", text);
        var sink = await RunHostAsync(dir.Path, new ComposerInstalledAnalyzer());
        Assert.Empty(sink.Results);
        Assert.StartsWith("vendor/composer/installed.json", Assert.Single(sink.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void IsApplicable_Paths()
    {
        Assert.True(new ComposerLockAnalyzer().IsApplicable("composer.lock"));
        Assert.True(new ComposerLockAnalyzer().IsApplicable("app/composer.lock"));
        Assert.False(new ComposerLockAnalyzer().IsApplicable("app/mycomposer.lock"));
        Assert.True(new ComposerInstalledAnalyzer().IsApplicable("srv/app/vendor/composer/installed.json"));
        Assert.False(new ComposerInstalledAnalyzer().IsApplicable("srv/app/composer/installed.json"));
    }
}
