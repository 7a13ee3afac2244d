using System.Net;
using Seawall.Vulnerabilities.Store;

namespace Seawall.Vulnerabilities.Import;

/// <summary>
/// Fetches advisory files over http(s) into a folder the import owns (beside the database, so the largest
/// exports do not fill a small /tmp), within <see cref="ImportOptions.MaxDownloadBytes"/>. Never called offline.
/// </summary>
internal static class AdvisoryDownloader
{
    /// <summary>How long a server may stay silent (before its headers, or between two reads of the body) before the download fails.</summary>
    internal static readonly TimeSpan StallTimeout = TimeSpan.FromMinutes(2);

    public static bool IsUrl(string input) =>
        Uri.TryCreate(input, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public static async Task DownloadAsync(string url, string destination, ImportOptions options, CancellationToken cancellationToken)
    {
        if (options.Offline)
        {
            throw new AdvisoryStoreException($"--offline: not downloading {url}");
        }
        var ownClient = options.Http is null;
        var http = options.Http ?? new HttpClient { Timeout = StallTimeout };
        try
        {
            options.Progress?.Invoke($"downloading {url}");
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new AdvisoryStoreException($"GET {url}: {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            if (response.Content.Headers.ContentLength is { } declared && declared > options.MaxDownloadBytes)
            {
                throw new AdvisoryStoreException($"GET {url}: {declared >> 20} MB is more than the {options.MaxDownloadBytes >> 20} MB a download may have");
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = await ReadAsync(body, buffer, url, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > options.MaxDownloadBytes)
                {
                    throw new AdvisoryStoreException($"GET {url}: more than the {options.MaxDownloadBytes >> 20} MB a download may have");
                }
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
            if (response.Content.Headers.ContentLength is { } length && length != total)
            {
                throw new AdvisoryStoreException($"GET {url}: the connection ended after {total} of {length} bytes");
            }
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdvisoryStoreException($"GET {url}: no answer within {StallTimeout.TotalSeconds:0} s", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new AdvisoryStoreException($"GET {url}: {ex.Message}", ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new AdvisoryStoreException($"GET {url}: {ex.Message}", ex);
        }
        finally
        {
            if (ownClient)
            {
                http.Dispose();
            }
        }
    }

    private static async Task<int> ReadAsync(Stream body, byte[] buffer, string url, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(StallTimeout);
        try
        {
            return await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdvisoryStoreException($"GET {url}: the server sent nothing for {StallTimeout.TotalSeconds:0} s");
        }
    }
}
