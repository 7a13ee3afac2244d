using Seawall.Core.Model;
using Seawall.HostAudit;
using Seawall.HostAudit.Access;
using Seawall.HostAudit.Checks;
using Seawall.Tests.Support;

namespace Seawall.Tests.HostAudit;

/// <summary>A fixture host root in a temp folder: write its files, then run a check group on it as `seawall host --root` would.</summary>
internal sealed class HostAuditRoot : IDisposable
{
    private readonly TempDir _dir = new("seawall-hostaudit-");

    public string Path => _dir.Path;

    public List<Package> Packages { get; } = [];

    public HostAuditRoot Write(string relative, string content)
    {
        _dir.Write(relative, content);
        return this;
    }

    public HostAuditRoot Package(string name, string version)
    {
        Packages.Add(new Package { Name = name, Version = version });
        return this;
    }

    /// <summary>Runs the group; returns its findings and the warnings it raised.</summary>
    public (IReadOnlyList<Finding> Findings, IReadOnlyList<string> Warnings) Run(IHostCheckGroup group)
    {
        using var files = HostFileTree.Open(Path);
        var context = new HostContext(files, null, Packages);
        var findings = group.Run(context).ToList();
        return (findings, [.. context.Warnings, .. files.Warnings]);
    }

    public void Dispose() => _dir.Dispose();
}
