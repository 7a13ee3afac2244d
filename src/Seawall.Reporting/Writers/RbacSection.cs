using System.Globalization;
using System.Text;
using System.Text.Json;
using Seawall.Core.Model;

namespace Seawall.Reporting.Writers;

/// <summary>The report's `rbac` section, for the JSON and table writers.</summary>
internal static class RbacSection
{
    public static void WriteJson(Utf8JsonWriter w, RbacSummary rbac)
    {
        w.WriteStartObject("rbac");
        w.WriteNumber("bindings", rbac.Bindings);
        w.WriteNumber("roles", rbac.Roles);
        w.WriteStartArray("subjects");
        foreach (var subject in rbac.Subjects)
        {
            w.WriteStartObject();
            WriteSubject(w, subject.Kind, subject.Name, subject.Namespace);
            w.WriteStartArray("rights");
            foreach (var right in subject.Rights)
            {
                w.WriteStartObject();
                w.WriteString("checkId", right.CheckId);
                w.WriteString("right", right.Right);
                w.WriteString("scope", right.Scope);
                w.WriteString("binding", right.Binding);
                w.WriteString("role", right.Role);
                if (right.Via is { } rightVia)
                {
                    w.WriteString("via", rightVia);
                }
                WriteLocation(w, right.Location);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (rbac.Query is { } query)
        {
            w.WriteStartObject("query");
            w.WriteString("query", query.Query);
            w.WriteString("verb", query.Verb);
            w.WriteString("apiGroup", query.ApiGroup);
            w.WriteString("resource", query.Resource);
            w.WriteString("scope", query.Scope);
            w.WriteStartArray("subjects");
            foreach (var match in query.Subjects)
            {
                w.WriteStartObject();
                WriteSubject(w, match.Kind, match.Name, match.Namespace);
                w.WriteString("binding", match.Binding);
                w.WriteString("role", match.Role);
                w.WriteString("scope", match.Scope);
                if (match.ResourceNames.Count > 0)
                {
                    w.WriteStartArray("resourceNames");
                    foreach (var name in match.ResourceNames)
                    {
                        w.WriteStringValue(name);
                    }
                    w.WriteEndArray();
                }
                if (match.Via is { } matchVia)
                {
                    w.WriteString("via", matchVia);
                }
                WriteLocation(w, match.Location);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>A short section: one line per subject with its risky rights, then the query's answer.</summary>
    public static void AppendText(StringBuilder sb, RbacSummary rbac)
    {
        sb.Append("\nRBAC: ").Append(rbac.Bindings.ToString(CultureInfo.InvariantCulture)).Append(" bindings, ")
          .Append(rbac.Subjects.Count.ToString(CultureInfo.InvariantCulture)).Append(" subjects with risky rights\n");
        foreach (var subject in rbac.Subjects)
        {
            sb.Append("  ").Append(Subject(subject.Kind, subject.Name, subject.Namespace)).Append(": ")
              .Append(string.Join(", ", subject.Rights.Select(r => $"{r.CheckId["k8s-rbac-".Length..]} ({r.Scope}, {r.Binding}{(r.Via is null ? string.Empty : " via " + r.Via)})").Distinct())).Append('\n');
        }
        if (rbac.Query is { } query)
        {
            sb.Append("\nWho can ").Append(query.Query).Append(": ").Append(query.Subjects.Count.ToString(CultureInfo.InvariantCulture)).Append(" subject(s)\n");
            foreach (var match in query.Subjects)
            {
                sb.Append("  ").Append(Subject(match.Kind, match.Name, match.Namespace)).Append(" via ").Append(match.Binding).Append(" -> ").Append(match.Role);
                if (match.ResourceNames.Count > 0)
                {
                    sb.Append(" (only ").Append(string.Join(", ", match.ResourceNames)).Append(')');
                }
                if (match.Via is not null)
                {
                    sb.Append(" (as a member of ").Append(match.Via).Append(')');
                }
                sb.Append('\n');
            }
        }
    }

    private static string Subject(string kind, string name, string? ns) => ns is null ? $"{kind} {name}" : $"{kind} {ns}/{name}";

    private static void WriteSubject(Utf8JsonWriter w, string kind, string name, string? ns)
    {
        w.WriteString("kind", kind);
        w.WriteString("name", name);
        if (ns is not null)
        {
            w.WriteString("namespace", ns);
        }
    }

    private static void WriteLocation(Utf8JsonWriter w, Location? location)
    {
        if (location is null)
        {
            return;
        }
        w.WriteStartObject("location");
        if (location.Path is { } path)
        {
            w.WriteString("path", path);
        }
        if (location.Line is { } line)
        {
            w.WriteNumber("line", line);
        }
        if (location.Document is { } document)
        {
            w.WriteString("document", document);
        }
        if (location.JsonPath is { } jsonPath)
        {
            w.WriteString("jsonPath", jsonPath);
        }
        w.WriteEndObject();
    }
}
