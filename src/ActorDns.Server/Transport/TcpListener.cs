using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Transport;

/// <summary>
/// TCP side of a listener (RFC 1035 §4.2.2, RFC 7766): 2-octet length framing, pipelined queries answered
/// as they complete (mesh answers at once, forwarded ones out of order), an idle timeout between messages,
/// an I/O timeout inside a message and on every write, a global connection limit, and a bound on
/// outstanding forwarded queries per connection (reading pauses at the bound, so a client that never reads
/// cannot make the server buffer without limit).
/// </summary>
public sealed class TcpListener : IDisposable
{
    private const int MinimumMessageLength = DnsHeader.Size;

    private readonly DnsListenerOptions _options;
    private readonly QueryProcessor _processor;
    private readonly ILogger _logger;
    private readonly WorkerStats _stats;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private int _connections;

    public TcpListener(DnsListenerOptions options, QueryProcessor processor, DnsServerMetrics metrics, ILogger logger)
    {
        _options = options;
        _processor = processor;
        _logger = logger;
        _stats = metrics.CreateWorker("tcp", atomic: true);
    }

    public IPEndPoint? LocalEndpoint { get; private set; }

    /// <summary>Binds (throwing <see cref="SocketException"/> if the address is taken) and starts accepting.</summary>
    public void Start(int port)
    {
        var socket = new Socket(_options.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(_options.Endpoint.Address, port));
        socket.Listen(512);
        _socket = socket;
        LocalEndpoint = (IPEndPoint)socket.LocalEndPoint!;
        _ = AcceptLoopAsync(socket);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || (e is SocketException && _stopping.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException e)
            {
                TransportLog.TransientError(_logger, LocalEndpoint!, e.SocketErrorCode);
                continue;
            }

            if (Interlocked.Increment(ref _connections) > _options.TcpMaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                TransportLog.TcpLimit(_logger, _options.TcpMaxConnections, LocalEndpoint!);
                connection.LingerState = new LingerOption(true, 0);
                connection.Dispose();
                continue;
            }

            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        socket.NoDelay = true;
        var connection = new TcpConnection(socket, _options, _stopping.Token);
        var client = socket.RemoteEndPoint?.Serialize() is { } address ? address.Buffer[..address.Size] : ReadOnlyMemory<byte>.Empty;
        var request = ArrayPool<byte>.Shared.Rent(ushort.MaxValue + 2);
        var response = ArrayPool<byte>.Shared.Rent(ushort.MaxValue + 2);
        try
        {
            while (true)
            {
                if (!await connection.ReadExactlyAsync(request.AsMemory(0, 2), _options.TcpIdleTimeout).ConfigureAwait(false))
                {
                    break;
                }

                var length = BinaryPrimitives.ReadUInt16BigEndian(request);
                if (length < MinimumMessageLength
                    || !await connection.ReadExactlyAsync(request.AsMemory(2, length), _options.TcpIoTimeout).ConfigureAwait(false))
                {
                    break;
                }

                if (!await HandleAsync(connection, client, request.AsMemory(2, length), response).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            TransportLog.Unexpected(_logger, e, LocalEndpoint!);
        }
        finally
        {
            await connection.CloseAsync().ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(request);
            ArrayPool<byte>.Shared.Return(response);
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>Answers or forwards one message; false when the connection must close.</summary>
    private async ValueTask<bool> HandleAsync(TcpConnection connection, ReadOnlyMemory<byte> client, ReadOnlyMemory<byte> query, byte[] response)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = _processor.Process(query.Span, response.AsSpan(2), overUdp: false, client.Span, started);
        switch (outcome.Kind)
        {
            case OutcomeKind.Drop:
                // A response (QR=1) on the stream is ignored, as Knot does (conformance P-63).
                _stats.Drop();
                return true;
            case OutcomeKind.Forward:
            {
                _stats.Forward();
                var (route, copy, parsed) = (outcome.Route!, query.ToArray(), outcome.Query);
                await connection.StartForwardAsync(() => ForwardAsync(connection, route, copy, parsed, client, started)).ConfigureAwait(false);
                return true;
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(response, (ushort)outcome.Length);
        var written = await connection.WriteAsync(response.AsMemory(0, outcome.Length + 2)).ConfigureAwait(false);
        _stats.Answered(outcome.Query.QType, outcome.Rcode, started);
        return written;
    }

    private async Task ForwardAsync(TcpConnection connection, ForwardRoute route, byte[] query, DnsQuery parsed, ReadOnlyMemory<byte> client, long started)
    {
        var response = ArrayPool<byte>.Shared.Rent(ushort.MaxValue + 2);
        try
        {
            var length = await route.ForwardAsync(query, parsed, response.AsMemory(2), overTcp: true, client, started).ConfigureAwait(false);
            BinaryPrimitives.WriteUInt16BigEndian(response, (ushort)length);
            if (await connection.WriteAsync(response.AsMemory(0, length + 2)).ConfigureAwait(false))
            {
                DnsHeader.TryRead(response.AsSpan(2), out var header);
                _stats.Answered(parsed.QType, header.Rcode, started);
            }
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            TransportLog.Unexpected(_logger, e, LocalEndpoint!);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(response);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _socket?.Dispose();
        _stopping.Dispose();
    }
}
