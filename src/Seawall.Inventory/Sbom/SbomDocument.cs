namespace Seawall.Inventory.Sbom;

/// <summary>
/// What the CycloneDX and SPDX parsers agree on: the document's components with the few fields the inventory needs.
/// Producer-specific facts stay as name/value properties (CycloneDX properties; SPDX attribution texts are turned
/// into the same names, see <see cref="SpdxJsonParser"/>) and are read in one place, <see cref="SbomInventory"/>.
/// </summary>
internal sealed record SbomDocument
{
    /// <summary>"CycloneDX 1.5", "SPDX-2.3": for messages.</summary>
    public required string Format { get; init; }

    /// <summary>What the document describes (CycloneDX metadata.component, SPDX DESCRIBES), if it says.</summary>
    public SbomComponent? Subject { get; init; }

    public IReadOnlyList<SbomComponent> Components { get; init; } = [];

    /// <summary>Component reference to the references it depends on (CycloneDX dependencies, SPDX DEPENDS_ON).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Dependencies { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Problems met while parsing that did not stop it.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The kinds of component the inventory tells apart; everything else is <see cref="Other"/>.</summary>
internal enum ComponentKind
{
    /// <summary>A package (CycloneDX library or framework, SPDX LIBRARY, or no purpose given).</summary>
    Library,
    /// <summary>An application: a lockfile or binary holding packages (Trivy), or a package itself when it has a purl.</summary>
    Application,
    OperatingSystem,
    /// <summary>Container, file, device, firmware, source: structure, never a package without a purl.</summary>
    Other,
}

internal sealed record SbomComponent
{
    /// <summary>bom-ref or SPDXID; a made-up unique one when the document gives none.</summary>
    public required string Ref { get; init; }

    public ComponentKind Kind { get; init; }

    public string? Name { get; init; }

    /// <summary>CycloneDX group (a Maven groupId where Syft writes it).</summary>
    public string? Group { get; init; }

    public string? Version { get; init; }

    public string? Purl { get; init; }

    public string? Supplier { get; init; }

    public IReadOnlyList<string> Licenses { get; init; } = [];

    /// <summary>Name/value properties in document order; a name may repeat.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Properties { get; init; } = [];

    /// <summary>The application component this one is nested in or contained by (a lockfile's packages), if any.</summary>
    public string? ParentRef { get; init; }

    /// <summary>Source package name and version (SPDX sourceInfo "built package from: NAME VERSION").</summary>
    public string? SourceName { get; init; }

    public string? SourceVersion { get; init; }

    /// <summary>The file the package was found in, where the document says so outside properties (Syft's SPDX sourceInfo, Trivy's SPDX applications).</summary>
    public string? FilePath { get; init; }

    public string? Property(string name)
    {
        foreach (var (key, value) in Properties)
        {
            if (key == name)
            {
                return value;
            }
        }
        return null;
    }

    public IEnumerable<string> PropertyValues(string name) => Properties.Where(p => p.Key == name).Select(p => p.Value);
}
