namespace Seawall.Core.Errors;

/// <summary>
/// A problem that stops a scan, with a message fit for one line on stderr (exit code 3).
/// Hostile or broken input ends here, never as a stack trace.
/// </summary>
public class ScanException : Exception
{
    public ScanException(string message) : base(message) { }

    public ScanException(string message, Exception inner) : base(message, inner) { }

    public ScanException() { }
}

/// <summary>A blob's content does not hash to the digest that names it.</summary>
public sealed class DigestMismatchException(string message) : ScanException(message);

/// <summary>Input larger than a cap (a decompression bomb, an oversized manifest).</summary>
public sealed class LimitExceededException(string message) : ScanException(message);
