using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ActorDns.Protocol;
using ActorDns.Server.Metrics;
using ActorDns.Server.Pipeline;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Transport;

/// <summary>
/// UDP side of a listener: N receive loops, each a dedicated thread blocked on its own SO_REUSEPORT socket, in
/// <c>recvmmsg</c> on Linux (a batch of datagrams per system call, answered by one <c>sendmmsg</c>) and in
/// <c>recvfrom</c> elsewhere. A loop owns its buffers, so answering from the mesh table allocates nothing; a
/// forwarded query is copied, sent upstream from the loop, and answered from wherever its reply arrives.
/// </summary>
public sealed partial class UdpListener : IDisposable
{
    /// <summary>
    /// Room for a forwarded query's reply while it waits on the upstream: a UDP client takes at most 1232 bytes, and an
    /// upstream reply too large for this is answered cut (TC) as it would be for its size; 64 KB per outstanding query
    /// made a slow upstream cost hundreds of MB (L-06).
    /// </summary>
    private const int ForwardResponseSize = 4096;

    private readonly DnsListenerOptions _options;
    private readonly QueryProcessor _processor;
    private readonly DnsServerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly List<Socket> _sockets = [];
    private readonly List<Thread> _threads = [];
    private WorkerStats? _forwardStats;
    private volatile bool _stopping;

    public UdpListener(DnsListenerOptions options, QueryProcessor processor, DnsServerMetrics metrics, ILogger logger)
    {
        _options = options;
        _processor = processor;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The bound endpoint (its port is the real one when port 0 was asked for).</summary>
    public IPEndPoint? LocalEndpoint { get; private set; }

    /// <summary>Binds every socket (throwing <see cref="SocketException"/> if the address is taken), then starts the loops.</summary>
    public void Start(int port)
    {
        var endpoint = new IPEndPoint(_options.Endpoint.Address, port);
        EnsureFree(endpoint);
        for (var i = 0; i < Math.Max(1, _options.UdpLoops); i++)
        {
            var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            _sockets.Add(socket);
            SocketOptions.EnableReusePort(socket);
            SocketOptions.SetReceiveBuffer(socket, _options.UdpReceiveBufferBytes);
            socket.Bind(endpoint);
            endpoint = (IPEndPoint)socket.LocalEndPoint!;
        }

        LocalEndpoint = endpoint;
        _forwardStats = _metrics.CreateWorker("udp", atomic: true);
        foreach (var socket in _sockets)
        {
            var stats = _metrics.CreateWorker("udp", atomic: false);
            var thread = new Thread(() => ReceiveLoop(socket, stats))
            {
                IsBackground = true,
                Name = $"dns-udp-{_threads.Count}",
            };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>
    /// SO_REUSEPORT lets a socket join any group of the same user on that port, so another process (or a
    /// second listener here) already serving the port would silently share its traffic. A plain bind first
    /// makes "address in use" an error, as it is without SO_REUSEPORT.
    /// </summary>
    private static void EnsureFree(IPEndPoint endpoint)
    {
        using var probe = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(endpoint);
    }

    private void ReceiveLoop(Socket socket, WorkerStats stats)
    {
        if (OperatingSystem.IsLinux() && _options.UdpBatchSize > 1)
        {
            if (BatchLoop(socket, stats))
            {
                return;
            }

            TransportLog.NoBatching(_logger, LocalEndpoint!);
        }

        SingleLoop(socket, stats);
    }

    /// <summary>
    /// The Linux loop: one <c>recvmmsg</c> takes every datagram already queued (up to the batch size), and one
    /// <c>sendmmsg</c> answers all of them. Returns false, before serving anything, when the system refuses
    /// <c>recvmmsg</c>, so the caller runs the portable loop instead.
    /// </summary>
    private bool BatchLoop(Socket socket, WorkerStats stats)
    {
        using var batch = new UdpBatch(_options.UdpBatchSize);
        var types = new DnsRecordType[batch.Capacity];
        var rcodes = new DnsRcode[batch.Capacity];
        var forwards = new QueryOutcome[batch.Capacity];
        var forwardSlots = new int[batch.Capacity];
        var errorLimiter = new ErrorReplyLimiter(_options.UdpErrorRepliesPerSecond);
        var handle = socket.SafeHandle;
        var referenced = false;
        try
        {
            // Holds the descriptor open (and unreused) until this loop has left the kernel, whatever Dispose does.
            handle.DangerousAddRef(ref referenced);
            var fd = (int)handle.DangerousGetHandle();
            var first = true;
            var lastErrorLogged = 0L;
            while (!_stopping)
            {
                int received;
                try
                {
                    received = batch.Receive(fd);
                }
                catch (Exception e) when (first && e is EntryPointNotFoundException or DllNotFoundException)
                {
                    return false;
                }

                if (_stopping)
                {
                    return true;
                }

                if (received < 0)
                {
                    if (first && UdpBatch.IsUnsupported(received))
                    {
                        return false;
                    }

                    var error = Marshal.GetPInvokeErrorMessage(-received);
                    if (!UdpBatch.IsTransient(received))
                    {
                        // As in the portable loop: a socket that cannot receive at all is not retried in a busy loop.
                        throw new IOException($"recvmmsg on {LocalEndpoint} failed: {error}");
                    }

                    // At most one line a second, and a pause when the kernel is short of memory or the socket would block.
                    if (Stopwatch.GetElapsedTime(lastErrorLogged) >= TimeSpan.FromSeconds(1))
                    {
                        lastErrorLogged = Stopwatch.GetTimestamp();
                        TransportLog.BatchError(_logger, LocalEndpoint!, "recvmmsg", error);
                    }

                    if (UdpBatch.IsShortage(received))
                    {
                        Thread.Sleep(1);
                    }

                    continue;
                }

                first = false;
                stats.Batch();
                var started = Stopwatch.GetTimestamp();
                var replies = 0;
                var forwarded = 0;
                for (var slot = 0; slot < received; slot++)
                {
                    try
                    {
                        var request = batch.Request(slot, out var truncated);
                        if (truncated)
                        {
                            // Larger than any UDP datagram can be: not a query we could have read whole.
                            stats.Drop();
                            continue;
                        }

                        var outcome = Process(request, batch.ReplyBuffer(slot), batch.Sender(slot), stats, ref errorLimiter, started);
                        if (outcome.Kind == OutcomeKind.Forward)
                        {
                            forwardSlots[forwarded] = slot;
                            forwards[forwarded++] = outcome;
                        }
                        else if (outcome.Kind == OutcomeKind.Reply)
                        {
                            batch.QueueReply(slot, outcome.Length);
                            types[replies] = outcome.Query.QType;
                            rcodes[replies++] = outcome.Rcode;
                        }
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // A bug must cost one query, never the loop or the process.
                        TransportLog.Unexpected(_logger, e, LocalEndpoint!);
                    }
                }

                if (replies > 0 && batch.SendQueued(fd, out var errno) > 0 && !_stopping)
                {
                    TransportLog.BatchError(_logger, LocalEndpoint!, "sendmmsg", Marshal.GetPInvokeErrorMessage(errno));
                }

                // Forwarded queries leave after the batch's answers: the answers do not wait on sends upstream.
                for (var i = 0; i < forwarded; i++)
                {
                    try
                    {
                        var slot = forwardSlots[i];
                        StartForward(socket, batch.Request(slot, out _), forwards[i], batch.Sender(slot), started);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        TransportLog.Unexpected(_logger, e, LocalEndpoint!);
                    }
                    finally
                    {
                        forwards[i] = default;
                    }
                }

                for (var i = 0; i < replies; i++)
                {
                    stats.Answered(types[i], rcodes[i], started);
                }
            }

            return true;
        }
        finally
        {
            if (referenced)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The portable loop: one <c>recvfrom</c> and one <c>sendto</c> per datagram.</summary>
    private void SingleLoop(Socket socket, WorkerStats stats)
    {
        var request = GC.AllocateUninitializedArray<byte>(ushort.MaxValue, pinned: true);
        var response = GC.AllocateUninitializedArray<byte>(ushort.MaxValue, pinned: true);
        var remote = new SocketAddress(socket.AddressFamily);
        var errorLimiter = new ErrorReplyLimiter(_options.UdpErrorRepliesPerSecond);
        while (!_stopping)
        {
            int received;
            try
            {
                received = socket.ReceiveFrom(request, SocketFlags.None, remote);
            }
            catch (SocketException e) when (!_stopping && IsTransient(e.SocketErrorCode))
            {
                TransportLog.TransientError(_logger, LocalEndpoint!, e.SocketErrorCode);
                continue;
            }
            catch (Exception e) when (_stopping && e is SocketException or ObjectDisposedException)
            {
                return;
            }

            stats.Batch();
            try
            {
                var started = Stopwatch.GetTimestamp();
                var query = request.AsSpan(0, received);
                var outcome = Process(query, response, remote.Buffer.Span[..remote.Size], stats, ref errorLimiter, started);
                if (outcome.Kind == OutcomeKind.Forward)
                {
                    StartForward(socket, query, outcome, remote.Buffer.Span[..remote.Size], started);
                }
                else if (outcome.Kind == OutcomeKind.Reply)
                {
                    Send(socket, response.AsSpan(0, outcome.Length), remote);
                    stats.Answered(outcome.Query.QType, outcome.Rcode, started);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bug must cost one query, never the loop or the process.
                TransportLog.Unexpected(_logger, e, LocalEndpoint!);
            }
        }
    }

    /// <summary>
    /// Runs one datagram through the processor, counting forwards and drops, and drops an error reply beyond this
    /// loop's cap on error replies (conformance L-05).
    /// </summary>
    private QueryOutcome Process(ReadOnlySpan<byte> request, Span<byte> response, ReadOnlySpan<byte> client, WorkerStats stats, ref ErrorReplyLimiter errorLimiter, long started)
    {
        var outcome = _processor.Process(request, response, overUdp: true, client, started);
        if (outcome.Kind == OutcomeKind.Forward)
        {
            stats.Forward();
        }
        else if (outcome.Kind == OutcomeKind.Drop || (outcome.IsError && !errorLimiter.TryAcquire(started)))
        {
            stats.Drop();
            return outcome with { Kind = OutcomeKind.Drop };
        }

        return outcome;
    }

    private void Send(Socket socket, ReadOnlySpan<byte> reply, SocketAddress client)
    {
        try
        {
            socket.SendTo(reply, SocketFlags.None, client);
        }
        catch (SocketException e) when (!_stopping)
        {
            // A client that went away (ICMP unreachable) or a full send buffer must not stop the loop.
            TransportLog.TransientError(_logger, LocalEndpoint!, e.SocketErrorCode);
        }
        catch (ObjectDisposedException) when (_stopping)
        {
            // Stopping.
        }
    }

    private static bool IsTransient(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.NoBufferSpaceAvailable or SocketError.Interrupted;

    public void Dispose()
    {
        if (_stopping)
        {
            // Once only: a second shutdown() could reach a descriptor number the kernel has since reused.
            return;
        }

        _stopping = true;
        if (OperatingSystem.IsLinux())
        {
            foreach (var socket in _sockets)
            {
                UdpBatch.Wake(socket);
            }
        }

        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(2));
        }
    }
}
