using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Seawall.Tests.Artifacts.Registry;

/// <summary>One request as the server saw it.</summary>
internal sealed record SeenRequest(string PathAndQuery, string? Authorization, string? Accept);

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) whose answers the test scripts: for registry behaviour
/// docker-registry cannot be made to show (token auth, redirects to storage, tampered content).
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;

    public LoopbackServer(Func<HttpListenerContext, Task> handler)
    {
        HttpListener? listener = null;
        for (var attempt = 0; listener is null; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var candidate = new HttpListener();
            candidate.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                candidate.Start();
                listener = candidate;
                Port = port;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                candidate.Close();
            }
        }
        _listener = listener;
        _loop = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                Requests.Enqueue(new SeenRequest(context.Request.Url!.PathAndQuery, context.Request.Headers["Authorization"], context.Request.Headers["Accept"]));
                try
                {
                    await handler(context);
                }
                catch (Exception ex) when (ex is HttpListenerException or IOException)
                {
                    // The client went away (it refused an over-long body): fine for these tests.
                }
                finally
                {
                    try
                    {
                        context.Response.Close();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
                    {
                    }
                }
            }
        });
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public static async Task WriteAsync(HttpListenerContext context, int status, byte[] body, string? contentType = null, bool chunked = false)
    {
        context.Response.StatusCode = status;
        if (contentType is not null)
        {
            context.Response.ContentType = contentType;
        }
        if (chunked)
        {
            context.Response.SendChunked = true;
        }
        else
        {
            context.Response.ContentLength64 = body.Length;
        }
        await context.Response.OutputStream.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
