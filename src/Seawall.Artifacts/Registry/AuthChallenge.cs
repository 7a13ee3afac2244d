using System.Text;

namespace Seawall.Artifacts.Registry;

/// <summary>
/// One `WWW-Authenticate` challenge (RFC 7235): a scheme and its parameters, e.g.
/// <c>Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"</c>.
/// The header is parsed by hand because scope values hold commas inside quotes, which
/// AuthenticationHeaderValue leaves as one raw parameter string.
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses one header value; it may hold several challenges (`Basic realm="x", Bearer realm="y"`).</summary>
    public static IReadOnlyList<AuthChallenge> Parse(string header)
    {
        var result = new List<AuthChallenge>();
        var i = 0;
        string? scheme = null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (i < header.Length)
        {
            SkipSeparators(header, ref i);
            var token = ReadToken(header, ref i);
            if (token.Length == 0)
            {
                // Not a token: skip a character so a malformed header cannot loop forever.
                i++;
                continue;
            }
            SkipSpaces(header, ref i);
            if (i < header.Length && header[i] == '=')
            {
                i++;
                SkipSpaces(header, ref i);
                var value = i < header.Length && header[i] == '"' ? ReadQuoted(header, ref i) : ReadToken(header, ref i);
                if (scheme is not null)
                {
                    parameters[token] = value;
                }
                continue;
            }
            // A bare token starts a new challenge.
            if (scheme is not null)
            {
                result.Add(new AuthChallenge(scheme, parameters));
            }
            scheme = token;
            parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }
        if (scheme is not null)
        {
            result.Add(new AuthChallenge(scheme, parameters));
        }
        return result;
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t')
        {
            i++;
        }
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or ',')
        {
            i++;
        }
    }

    private static string ReadToken(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && s[i] is not (' ' or '\t' or ',' or '=' or '"'))
        {
            i++;
        }
        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        var sb = new StringBuilder();
        i++; // opening quote
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
            }
            sb.Append(s[i]);
            i++;
        }
        i++; // closing quote (or the end)
        return sb.ToString();
    }
}
