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
            stderr.WriteLine("warning: " + message);
        }
    }

    public void Error(string message) => stderr.WriteLine("error: " + message);

    /// <summary>SEAWALL_DEBUG=1 turns on "debug:" lines: which image source answered, whether the Engine exported, which layers came from the cache.</summary>
    public bool DebugEnabled { get; } = DebugFigures.Enabled;

    public void Debug(string message)
    {
        if (DebugEnabled)
        {
            lock (stderr)
            {
                stderr.WriteLine("debug: " + message);
            }
        }
    }
}
