using System.Net;
using System.Net.Sockets;

namespace ActorDns.Testing;

/// <summary>
/// A TCP relay on loopback in front of a real server (PostgreSQL), which a test can cut: <see cref="Stop"/> resets every
/// connection and refuses new ones, as a stopped server does; <see cref="Blackhole"/> accepts connections and relays
/// nothing, as a hung server or a dropped route does; <see cref="Resume"/> relays again. <see cref="Delay"/> holds every
/// reply of the server back for a while, as a slow server does.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(TcpClient Client, TcpClient? Server)> _connections = [];
    private readonly Task _accepting;
    private volatile Mode _mode = Mode.Relay;
    private long _replyDelayTicks;

    public TcpProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private enum Mode
    {
        Relay,
        Refuse,
        Blackhole,
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Resets every open connection; new ones are reset at once.</summary>
    public void Stop()
    {
        _mode = Mode.Refuse;
        CloseAll();
    }

    /// <summary>Holds each chunk the server sends back for <paramref name="delay"/> before relaying it (zero: none); for a
    /// database, about that much more per statement.</summary>
    public void Delay(TimeSpan delay) => Interlocked.Exchange(ref _replyDelayTicks, delay.Ticks);

    /// <summary>Relays nothing more on open connections, and holds new ones open without relaying a byte: a hang.</summary>
    public void Blackhole() => _mode = Mode.Blackhole;

    /// <summary>Relays again; connections a blackhole swallowed bytes of are reset, as their peers would time them out.</summary>
    public void Resume()
    {
        var was = _mode;
        _mode = Mode.Relay;
        if (was == Mode.Blackhole)
        {
            // Also any connection accepted just before the switch: a client reconnects at once.
            CloseAll();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            switch (_mode)
            {
                case Mode.Refuse:
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Dispose();
                    break;
                case Mode.Blackhole:
                    Track(client, null);
                    break;
                default:
                    _ = RelayAsync(client);
                    break;
            }
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            client.Dispose();
            server.Dispose();
            return;
        }

        Track(client, server);
        await Task.WhenAny(PumpAsync(client, server, reply: false), PumpAsync(server, client, reply: true));
        lock (_lock)
        {
            _connections.Remove((client, server));
        }

        client.Dispose();
        server.Dispose();
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool reply)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                if (reply && Interlocked.Read(ref _replyDelayTicks) is > 0 and var ticks)
                {
                    await Task.Delay(TimeSpan.FromTicks(ticks), _stop.Token);
                }

                if (_mode != Mode.Blackhole)
                {
                    await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // One side closed or was reset; the relay ends.
        }
    }

    private void Track(TcpClient client, TcpClient? server)
    {
        lock (_lock)
        {
            _connections.Add((client, server));
        }
    }

    private void CloseAll()
    {
        lock (_lock)
        {
            foreach (var (client, server) in _connections)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                server?.Dispose();
            }

            _connections.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CloseAll();
        await _accepting;
        _stop.Dispose();
    }
}
