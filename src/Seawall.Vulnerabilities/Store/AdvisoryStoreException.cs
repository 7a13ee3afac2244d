using Seawall.Core.Errors;

namespace Seawall.Vulnerabilities.Store;

/// <summary>The advisory database cannot be read or written (missing, corrupt, another schema, locked, a failed import): one line for stderr.</summary>
public sealed class AdvisoryStoreException : ScanException
{
    public AdvisoryStoreException(string message) : base(message) { }

    public AdvisoryStoreException(string message, Exception inner) : base(message, inner) { }

    public AdvisoryStoreException() { }
}
