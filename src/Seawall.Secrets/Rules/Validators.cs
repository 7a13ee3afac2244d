using System.Text;

namespace Seawall.Secrets.Rules;

/// <summary>Structural checks that turn a look-alike (three dotted base64 words) into a real token or not.</summary>
public static class Validators
{
    /// <summary>A JWT: its header decodes to a JSON object naming an algorithm. Kubernetes tokens have their own rule.</summary>
    public static bool IsJwt(string token) =>
        Part(token, 0) is { } header && header.Contains("\"alg\"", StringComparison.Ordinal) && !IsKubernetesServiceAccountToken(token);

    /// <summary>A JWT issued to a Kubernetes service account (legacy secret-based or bound projected token).</summary>
    public static bool IsKubernetesServiceAccountToken(string token) =>
        Part(token, 0) is { } header && header.Contains("\"alg\"", StringComparison.Ordinal)
        && Part(token, 1) is { } payload
        && (payload.Contains("kubernetes.io/serviceaccount", StringComparison.Ordinal) || payload.Contains("\"kubernetes.io\"", StringComparison.Ordinal));

    /// <summary>The index-th dot-separated part, base64url-decoded as UTF-8, or null when it is not base64url.</summary>
    private static string? Part(string token, int index)
    {
        var parts = token.Split('.');
        if (parts.Length <= index || parts[index].Length > 8192)
        {
            return null;
        }
        var s = parts[index].Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        var bytes = new byte[s.Length];
        return Convert.TryFromBase64String(s, bytes, out var n) ? Encoding.UTF8.GetString(bytes, 0, n) : null;
    }
}
