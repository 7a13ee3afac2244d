using System.Net;
using System.Net.Sockets;

namespace Seawall.IntegrationTests.Engine;

/// <summary>
/// Exposes the daemon's unix socket on a 127.0.0.1 port, so `--docker-host tcp://` is tested against the real
/// daemon without reconfiguring it. Counts connections, so a test can see the traffic really went through it.
/// </summary>
public sealed class TcpToUnixForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public TcpToUnixForwarder(string socket)
    {
        _socket = socket;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = PumpAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(TcpClient client)
    {
        using (client)
        using (var daemon = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await daemon.ConnectAsync(new UnixDomainSocketEndPoint(_socket), _stop.Token);
                await using var upstream = new NetworkStream(daemon, ownsSocket: false);
                var downstream = client.GetStream();
                var up = downstream.CopyToAsync(upstream, _stop.Token).ContinueWith(_ => daemon.Shutdown(SocketShutdown.Send), TaskScheduler.Default);
                var down = upstream.CopyToAsync(downstream, _stop.Token);
                await Task.WhenAll(up, down);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
