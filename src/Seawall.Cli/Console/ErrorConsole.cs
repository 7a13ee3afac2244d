namespace Seawall.Cli.Console;

/// <summary>
/// stderr for people: warnings and progress. Progress only when stderr is a terminal and not --quiet, so
/// pipes and CI logs get the report and nothing else.
/// </summary>
internal sealed class ErrorConsole(TextWriter stderr, bool quiet)
{
    private readonly bool _interactive = !quiet && !System.Console.IsErrorRedirected;

    public bool Quiet => quiet;

    public void Progress(string message)
    {
        if (_interactive)
        {
            stderr.Write("\r\u001b[2K" + message);
        }
    }

    public void EndProgress()
    {
        if (_interactive)
        {
            stderr.Write("\r\u001b[2K");
        }
    }

    public void Warn(string message)
    {
        if (!quiet)
        {
            stderr.WriteLine("warning: " + OneLine(message));
        }
    }

    public void Error(string message) => stderr.WriteLine("error: " + OneLine(message));

    /// <summary>
    /// Messages quote names from hostile archives (entry names, manifest paths): a newline would forge extra
    /// lines and an escape sequence would drive the terminal, so every control character becomes '?'.
    /// </summary>
    internal static string OneLine(string message) =>
        message.Any(char.IsControl) ? string.Create(message.Length, message, (span, m) =>
        {
            for (var i = 0; i < m.Length; i++)
            {
                span[i] = char.IsControl(m[i]) ? '?' : m[i];
            }
        }) : message;

    /// <summary>SEAWALL_DEBUG=1 turns on "debug:" lines: which image source answered, whether the Engine exported, which layers came from the cache.</summary>
    public bool DebugEnabled { get; } = DebugFigures.Enabled;

    public void Debug(string message)
    {
        if (DebugEnabled)
        {
            lock (stderr)
            {
                stderr.WriteLine("debug: " + OneLine(message));
            }
        }
    }
}
