using Seawall.Core.Errors;

namespace Seawall.Inventory.Languages.Npm;

/// <summary>A lockfile that cannot be read; the analyzer turns it into a warning naming the file, and the scan goes on.</summary>
internal sealed class NpmLockfileException(string message) : ScanException(message);
