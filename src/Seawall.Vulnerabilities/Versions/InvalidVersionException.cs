namespace Seawall.Vulnerabilities.Versions;

/// <summary>A string that is not a version of the scheme it was given to.</summary>
public sealed class InvalidVersionException : FormatException
{
    public InvalidVersionException(string version, string scheme)
        : base($"'{Shorten(version)}' is not a valid {scheme} version")
    {
        Version = version;
        Scheme = scheme;
    }

    public InvalidVersionException() : this("", "unknown") { }

    public InvalidVersionException(string message) : base(message)
    {
        Version = "";
        Scheme = "unknown";
    }

    public InvalidVersionException(string message, Exception inner) : base(message, inner)
    {
        Version = "";
        Scheme = "unknown";
    }

    public string Version { get; }

    public string Scheme { get; }

    // A hostile advisory could carry a megabyte "version"; the message stays one short line.
    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
