using Seawall.Core.Model;
using Xunit;

namespace Seawall.Tests.Core;

public sealed class InstalledFileListTests
{
    // Lines as dpkg writes them in info/<package>.list, with the odd ones hostile or careless databases carry.
    private const string ListText = "/.\n/usr\n/usr/bin\n/usr/bin/bash\r\n/usr/share/doc/bash/\n//etc//skel/./.bashrc\n\n/../../etc/shadow\n";

    [Fact]
    public void Paths_are_normalised_and_the_root_and_escaping_lines_dropped()
    {
        var list = new InstalledFileList(ListText);

        Assert.Equal(["usr", "usr/bin", "usr/bin/bash", "usr/share/doc/bash", "etc/skel/.bashrc"], list);
    }

    [Fact]
    public void Span_enumeration_gives_the_same_paths_as_the_list()
    {
        var list = new InstalledFileList(ListText);
        var spans = new List<string>();
        foreach (var path in list.Paths)
        {
            spans.Add(path.ToString());
        }

        Assert.Equal(list.ToList(), spans);
        Assert.Equal(5, list.Count);
        Assert.Equal("usr/bin/bash", list[2]);
    }

    [Fact]
    public void Md5sums_lines_give_their_path()
    {
        var list = new InstalledFileList("0123456789abcdef0123456789abcdef  usr/bin/bash\nnot-a-sum-line\nfedcba9876543210fedcba9876543210  usr/share/man/man1/bash.1.gz\n", md5sums: true);

        Assert.Equal(["usr/bin/bash", "usr/share/man/man1/bash.1.gz"], list);
    }

    [Fact]
    public void Asked_paths_are_found_through_a_span_lookup()
    {
        var asked = new HashSet<string>(StringComparer.Ordinal) { "usr/bin/bash", "etc/skel/.bashrc", "usr/bin/zsh" };
        var lookup = asked.GetAlternateLookup<ReadOnlySpan<char>>();
        var found = new List<string>();
        foreach (var path in new InstalledFileList(ListText).Paths)
        {
            if (lookup.TryGetValue(path, out var hit))
            {
                found.Add(hit);
            }
        }

        Assert.Equal(["usr/bin/bash", "etc/skel/.bashrc"], found);
    }
}
