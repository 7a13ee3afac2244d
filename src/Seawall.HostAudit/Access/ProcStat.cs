using System.Globalization;

namespace Seawall.HostAudit.Access;

/// <summary>The two fields of /proc/PID/stat the process table keeps: the parent and the start time (in USER_HZ ticks since boot).</summary>
public sealed record ProcStat(int ParentPid, long StartTicks)
{
    /// <summary>Parses "PID (comm) STATE PPID ... STARTTIME ..."; comm may hold spaces and parentheses, so fields start after the last ')'.</summary>
    public static ProcStat? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        // After comm: state(3) ppid(4) ... starttime(22), so ppid is the 2nd field and starttime the 20th.
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 20
            && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            && long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
            ? new ProcStat(parent, start)
            : null;
    }
}
