using Seawall.Inventory.Languages.Ruby;
using Seawall.Tests.Support;
using static Seawall.Tests.Inventory.Languages.LanguageAnalyzerRun;

namespace Seawall.Tests.Inventory.Languages;

public sealed class RubyTests
{
    [Fact]
    public async Task GemfileLock_EveryOsvCase_GivesExpectedGemsAndCommits()
    {
        var checkedCases = 0;
        foreach (var c in OsvLockfileFixtures.Cases("parse-gemfile-lock_test.go"))
        {
            var packages = await PythonLockfileTests.RunCaseAsync(new GemfileLockAnalyzer(), c);
            if (packages is null)
            {
                continue;
            }
            OsvLockfileFixtures.AssertSamePackages(c, packages.Select(p => (p.Name, p.Version)));
            PythonLockfileTests.AssertFlags(c, packages);
            checkedCases++;
        }
        Assert.Equal(10, checkedCases);
    }

    [Fact]
    public async Task GemfileLock_HasGitGem_DirectDependenciesAndGraph()
    {
        var root = SharedData.Require("osv-lockfile-fixtures/fixtures");
        var sink = await RunAsync(new GemfileLockAnalyzer(), root, "bundler/has-git-gem.lock");
        var result = Assert.Single(sink.Results);
        Assert.Equal("bundler", result.Type);
        var packages = result.Packages.ToDictionary(p => p.Name);
        Assert.True(packages["hanami-utils"].Direct);
        Assert.False(packages["hanami-controller"].Direct);
        Assert.False(packages["rack"].Direct);
        Assert.Equal(["hanami-utils@2.0.0.alpha1", "rack@2.2.3"], packages["hanami-controller"].DependsOn);
        Assert.Equal(["concurrent-ruby@1.1.7", "transproc@1.1.1"], packages["hanami-utils"].DependsOn);
        Assert.All(packages.Values, p => Assert.Equal("RubyGems", p.Ecosystem));
    }

    [Fact]
    public async Task GemfileLock_Rails_PlatformIsNotPartOfTheVersion()
    {
        var root = SharedData.Require("osv-lockfile-fixtures/fixtures");
        var packages = Packages(await RunAsync(new GemfileLockAnalyzer(), root, "bundler/rails.lock")).ToDictionary(p => p.Name);
        Assert.Equal("1.13.3", packages["nokogiri"].Version);
        Assert.Equal(["racc@1.6.0"], packages["nokogiri"].DependsOn);
        Assert.True(packages["rails"].Direct);
        Assert.Equal(1, packages.Values.Count(p => p.Direct == true));
    }

    [Fact]
    public async Task GemfileLock_Bundler25Checksums_AndPlatformVariants_AreNotExtraGems()
    {
        using var dir = new TempDir();
        dir.Write("app/Gemfile.lock", """
            GEM
              remote: https://rubygems.org/
              specs:
                mini_portile2 (2.8.7)
                nokogiri (1.16.7)
                  mini_portile2 (~> 2.8.2)
                  racc (~> 1.4)
                nokogiri (1.16.7-aarch64-linux)
                  racc (~> 1.4)
                nokogiri (1.16.7-x86_64-linux)
                  racc (~> 1.4)
                racc (1.8.1)

            PLATFORMS
              aarch64-linux
              ruby
              x86_64-linux

            DEPENDENCIES
              nokogiri (~> 1.16)

            CHECKSUMS
              mini_portile2 (2.8.7) sha256=13eef5ab459bbfd33d61e539564ec25a9c2cf593b0a5ea6d4d7ef8c19b162ee0
              nokogiri (1.16.7) sha256=f819cbfdfb0a7b19c9c52c6f2ca63df0e58a6125f4f139707b586b9511d7fe95
              racc (1.8.1) sha256=4a7f6929691dbec8b5209a0b373bc2614882b55fc5d2e447a21aaa691303d62f

            BUNDLED WITH
               2.5.16
            """);
        var sink = await RunHostAsync(dir.Path, new GemfileLockAnalyzer());
        var packages = sink.Results.Single().Packages;
        Assert.Equal(["mini_portile2@2.8.7", "nokogiri@1.16.7", "racc@1.8.1"], packages.Select(p => $"{p.Name}@{p.Version}"));
        Assert.Equal(["mini_portile2@2.8.7", "racc@1.8.1"], packages.Single(p => p.Name == "nokogiri").DependsOn);
        Assert.Equal("app/Gemfile.lock", sink.Results.Single().Target);
    }

    [Fact]
    public async Task GemfileLock_MalformedSpec_IsAWarningWithLine()
    {
        using var dir = new TempDir();
        dir.Write("Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack 2.2.3\n");
        var sink = await RunHostAsync(dir.Path, new GemfileLockAnalyzer());
        Assert.Empty(sink.Results);
        Assert.StartsWith("Gemfile.lock:4: bundler:", Assert.Single(sink.Warnings), StringComparison.Ordinal);
    }

    // The gemspecs below follow what `gem install` writes (Gem::Specification#to_ruby) for the named releases, and the
    // form Debian's gem2deb installs under /usr/share/rubygems-integration; no Ruby is installed on this machine and the
    // shared corpus holds no gemspec, so they are written here, trimmed to the fields RubyGems emits for these gems.
    private const string RackGemspec = """
        # -*- encoding: utf-8 -*-
        # stub: rack 2.2.3 ruby lib

        Gem::Specification.new do |s|
          s.name = "rack".freeze
          s.version = "2.2.3"

          s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
          s.metadata = { "bug_tracker_uri" => "https://github.com/rack/rack/issues", "changelog_uri" => "https://github.com/rack/rack/blob/master/CHANGELOG.md", "documentation_uri" => "https://rubydoc.info/github/rack/rack", "source_code_uri" => "https://github.com/rack/rack" } if s.respond_to? :metadata=
          s.require_paths = ["lib".freeze]
          s.authors = ["Leah Neukirchen".freeze]
          s.bindir = "bin".freeze
          s.date = "2020-06-15"
          s.description = "Rack provides a minimal, modular and adaptable interface for developing\nweb applications in Ruby.\n".freeze
          s.email = "leah@vuxu.org".freeze
          s.executables = ["rackup".freeze]
          s.extra_rdoc_files = ["README.rdoc".freeze, "CHANGELOG.md".freeze, "CONTRIBUTING.md".freeze]
          s.files = ["CHANGELOG.md".freeze, "CONTRIBUTING.md".freeze, "MIT-LICENSE".freeze, "README.rdoc".freeze, "bin/rackup".freeze]
          s.homepage = "https://github.com/rack/rack".freeze
          s.licenses = ["MIT".freeze]
          s.rdoc_options = ["--main".freeze, "README.rdoc".freeze]
          s.required_ruby_version = Gem::Requirement.new(">= 2.3.0".freeze)
          s.rubygems_version = "3.4.10".freeze
          s.summary = "a modular Ruby webserver interface".freeze

          s.installed_by_version = "3.4.10" if s.respond_to? :installed_by_version

          if s.respond_to? :specification_version then
            s.specification_version = 4
          end

          if s.respond_to? :add_runtime_dependency then
            s.add_development_dependency(%q<minitest>.freeze, ["~> 5.0"])
            s.add_development_dependency(%q<minitest-sprint>.freeze, [">= 0"])
            s.add_development_dependency(%q<rake>.freeze, [">= 0"])
          else
            s.add_dependency(%q<minitest>.freeze, ["~> 5.0"])
          end
        end
        """;

    private const string RackTestGemspec = """
        # -*- encoding: utf-8 -*-
        # stub: rack-test 2.1.0 ruby lib

        Gem::Specification.new do |s|
          s.name = "rack-test".freeze
          s.version = "2.1.0"

          s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
          s.require_paths = ["lib".freeze]
          s.authors = ["Jeremy Evans".freeze, "Bryan Helmkamp".freeze]
          s.date = "2023-03-14"
          s.homepage = "https://github.com/rack/rack-test".freeze
          s.licenses = ["MIT".freeze]
          s.required_ruby_version = Gem::Requirement.new(">= 2.0".freeze)
          s.rubygems_version = "3.4.10".freeze
          s.summary = "Simple testing API built on Rack".freeze

          s.installed_by_version = "3.4.10" if s.respond_to? :installed_by_version

          s.specification_version = 4

          s.add_runtime_dependency(%q<rack>.freeze, [">= 1.3"])
          s.add_development_dependency(%q<rake>.freeze, [">= 0"])
        end
        """;

    // A default gem shipped with Ruby 3.2 (specifications/default/), with a dual licence.
    private const string JsonDefaultGemspec = """
        # -*- encoding: utf-8 -*-
        # stub: json 2.6.3 ruby lib
        # stub: ext/json/ext/generator/extconf.rb ext/json/ext/parser/extconf.rb

        Gem::Specification.new do |s|
          s.name = "json".freeze
          s.version = "2.6.3"

          s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
          s.require_paths = ["lib".freeze]
          s.authors = ["Florian Frank".freeze]
          s.date = "2023-03-30"
          s.extensions = ["ext/json/ext/generator/extconf.rb".freeze, "ext/json/ext/parser/extconf.rb".freeze]
          s.homepage = "https://flori.github.io/json".freeze
          s.licenses = ["Ruby".freeze]
          s.required_ruby_version = Gem::Requirement.new(">= 2.3".freeze)
          s.rubygems_version = "3.4.10".freeze
          s.summary = "JSON Implementation for Ruby".freeze
        end
        """;

    // gem2deb's form (Debian ruby-rack): plain strings, a Gem::Version object, and a singular licence.
    private const string DebianStyleGemspec = """
        #########################################################
        # This file has been automatically generated by gem2tgz #
        #########################################################
        # -*- encoding: utf-8 -*-
        # stub: nio4r 2.5.8 ruby lib
        # stub: ext/nio4r/extconf.rb

        Gem::Specification.new do |spec|
          spec.name = 'nio4r'
          spec.version = Gem::Version.new("2.5.8")
          spec.authors = ["Tony Arcieri", "Upekshe Jayasekera"]
          spec.license = "MIT"
          spec.summary = "New IO for Ruby"
        end
        """;

    [Fact]
    public async Task Gemspecs_InstalledTree_GiveGemsLicencesAndRuntimeGraph()
    {
        using var dir = new TempDir();
        const string specs = "usr/local/lib/ruby/gems/3.2.0/specifications";
        dir.Write($"{specs}/rack-2.2.3.gemspec", RackGemspec);
        dir.Write($"{specs}/rack-test-2.1.0.gemspec", RackTestGemspec);
        dir.Write($"{specs}/default/json-2.6.3.gemspec", JsonDefaultGemspec);
        dir.Write("usr/share/rubygems-integration/all/specifications/nio4r-2.5.8.gemspec", DebianStyleGemspec);
        // A gem's own source gemspec is not an installed gem.
        dir.Write("usr/local/lib/ruby/gems/3.2.0/gems/rack-2.2.3/rack.gemspec", "Gem::Specification.new do |s|\n  s.name = \"rack\"\n  s.version = \"9.9.9\"\nend\n");
        var sink = await RunHostAsync(dir.Path, new GemspecAnalyzer());
        Assert.Empty(sink.Warnings);
        Assert.Equal(["usr/local/lib/ruby/gems/3.2.0/specifications", "usr/share/rubygems-integration/all/specifications"], sink.Results.Select(r => r.Target));
        Assert.All(sink.Results, r => Assert.Equal("gemspec", r.Type));
        var packages = Packages(sink).ToDictionary(p => p.Name);
        Assert.Equal(["json", "nio4r", "rack", "rack-test"], packages.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("2.2.3", "MIT"), (packages["rack"].Version, Assert.Single(packages["rack"].Licenses)));
        Assert.Equal(["rack@2.2.3"], packages["rack-test"].DependsOn);
        // Development dependencies are not run-time edges.
        Assert.Empty(packages["rack"].DependsOn);
        Assert.Equal(("2.6.3", "Ruby"), (packages["json"].Version, Assert.Single(packages["json"].Licenses)));
        Assert.Equal($"{specs}/default/json-2.6.3.gemspec", packages["json"].FilePath);
        Assert.Equal(("2.5.8", "MIT"), (packages["nio4r"].Version, Assert.Single(packages["nio4r"].Licenses)));
        Assert.All(packages.Values, p => Assert.Equal("RubyGems", p.Ecosystem));
    }

    [Theory]
    [InlineData("Gem::Specification.new do |s|\n  s.name = %q{activesupport}\n  s.version = \"7.0.4\".freeze\n  s.licenses = [\"MIT\".freeze, \"Ruby\".freeze]\nend\n", "activesupport", "7.0.4", "MIT,Ruby")]
    [InlineData("Gem::Specification.new { |g|\n  g.name = 'x'\n  g.version = '1.0'\n  g.license = 'Apache-2.0'\n}\n", "x", "1.0", "Apache-2.0")]
    [InlineData("# stub: thor 1.2.1 ruby lib\nGem::Specification.new do |s|\n  s.name = NAME\n  s.version = Thor::VERSION\nend\n", "thor", "1.2.1", "")]
    public void Gemspec_Variants_AreRead(string text, string name, string version, string licenses)
    {
        var (package, _) = GemspecAnalyzer.Parse(text);
        Assert.Equal((name, version), (package.Name, package.Version));
        Assert.Equal(licenses, string.Join(',', package.Licenses));
    }

    [Theory]
    [InlineData("")]
    [InlineData("puts 'hello'\n")]
    [InlineData("Gem::Specification.new do |s|\n  s.name = NAME\nend\n")]
    public async Task Gemspec_Unreadable_IsAWarningNamingTheFile(string text)
    {
        using var dir = new TempDir();
        dir.Write("var/lib/gems/3.1.0/specifications/bad-1.0.gemspec", text);
        var sink = await RunHostAsync(dir.Path, new GemspecAnalyzer());
        Assert.Empty(sink.Results);
        Assert.StartsWith("var/lib/gems/3.1.0/specifications/bad-1.0.gemspec: gemspec:", Assert.Single(sink.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Gemspec_IsApplicable_OnlyUnderSpecifications()
    {
        var analyzer = new GemspecAnalyzer();
        Assert.True(analyzer.IsApplicable("var/lib/gems/3.1.0/specifications/rake-13.0.6.gemspec"));
        Assert.True(analyzer.IsApplicable("usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec"));
        Assert.True(analyzer.IsApplicable("app/vendor/bundle/ruby/3.2.0/specifications/rack-2.2.3.gemspec"));
        Assert.False(analyzer.IsApplicable("app/rack.gemspec"));
        Assert.False(analyzer.IsApplicable("var/lib/gems/3.1.0/gems/rake-13.0.6/rake.gemspec"));
        Assert.False(analyzer.IsApplicable("var/lib/gems/3.1.0/specifications/rake-13.0.6.gemspec.bak"));
    }
}
