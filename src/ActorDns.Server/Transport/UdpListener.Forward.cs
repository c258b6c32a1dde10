using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using ActorDns.Protocol;
using ActorDns.Server.Pipeline;

namespace ActorDns.Server.Transport;

public sealed partial class UdpListener
{
    /// <summary>Idle forwards kept for reuse: beyond this many outstanding at once, the extra ones are left to the GC.</summary>
    private const int MaxIdleForwards = 256;

    private readonly ConcurrentQueue<PendingForward> _idleForwards = new();
    private int _idleForwardCount;

    /// <summary>
    /// Starts forwarding a query its forwarder admitted, on this loop up to the send upstream (no thread hop). The query
    /// and the client's address are copied into a <see cref="PendingForward"/> taken from this listener's idle ones, since
    /// the loop's buffers are reused before the reply comes; a forward so allocates nothing of its own here.
    /// </summary>
    private void StartForward(Socket socket, ReadOnlySpan<byte> request, in QueryOutcome outcome, ReadOnlySpan<byte> client, long started)
    {
        if (_idleForwards.TryDequeue(out var forward))
        {
            Interlocked.Decrement(ref _idleForwardCount);
        }
        else
        {
            forward = new PendingForward(this);
        }

        forward.Start(socket, outcome.Route!, request, outcome.Query, client, started);
    }

    private void Recycle(PendingForward forward)
    {
        if (Interlocked.Increment(ref _idleForwardCount) <= MaxIdleForwards)
        {
            _idleForwards.Enqueue(forward);
        }
        else
        {
            Interlocked.Decrement(ref _idleForwardCount);
        }
    }

    /// <summary>Sends a forwarded query's reply to its client, from the thread its reply came in on.</summary>
    private void Answer(Socket socket, ReadOnlySpan<byte> reply, SocketAddress client, DnsRecordType qtype, long started)
    {
        if (_stopping)
        {
            return;
        }

        Send(socket, reply, client);
        DnsHeader.TryRead(reply, out var header);
        _forwardStats!.Answered(qtype, header.Rcode, started);
    }

    /// <summary>
    /// One forwarded UDP query, from its start on a receive loop to its reply sent to the client, and then kept for the
    /// next: the query, the client's address and room for the reply, with the continuation the route's task resumes.
    /// Used by one forward at a time; <see cref="Completed"/> hands it back only once it is done with every buffer.
    /// </summary>
    private sealed class PendingForward
    {
        /// <summary>Room for most queries (a name of up to 255 bytes and an OPT); a longer one grows the buffer.</summary>
        private const int QueryRoom = 512;

        private readonly UdpListener _owner;
        private readonly Action _completed;
        private readonly byte[] _response = GC.AllocateUninitializedArray<byte>(ForwardResponseSize);
        private byte[] _query = GC.AllocateUninitializedArray<byte>(QueryRoom);
        private SocketAddress? _client;
        private Socket? _socket;
        private DnsRecordType _qtype;
        private long _started;
        private ValueTaskAwaiter<int> _reply;

        public PendingForward(UdpListener owner)
        {
            _owner = owner;
            _completed = Completed;
        }

        public void Start(Socket socket, ForwardRoute route, ReadOnlySpan<byte> request, DnsQuery parsed, ReadOnlySpan<byte> client, long started)
        {
            if (request.Length > _query.Length)
            {
                _query = GC.AllocateUninitializedArray<byte>(request.Length);
            }

            request.CopyTo(_query);
            if (_client is null || _client.Family != socket.AddressFamily)
            {
                _client = new SocketAddress(socket.AddressFamily);
            }

            _client.Size = client.Length;
            client.CopyTo(_client.Buffer.Span);
            (_socket, _qtype, _started) = (socket, parsed.QType, started);
            _reply = route.ForwardAsync(_query.AsMemory(0, request.Length), parsed, _response, overTcp: false, _client.Buffer[.._client.Size], started).GetAwaiter();
            if (_reply.IsCompleted)
            {
                Completed();
            }
            else
            {
                _reply.UnsafeOnCompleted(_completed);
            }
        }

        private void Completed()
        {
            try
            {
                var length = _reply.GetResult();
                _owner.Answer(_socket!, _response.AsSpan(0, length), _client!, _qtype, _started);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Nobody else sees this forward: a bug costs this query and is logged, never unobserved.
                TransportLog.Unexpected(_owner._logger, e, _owner.LocalEndpoint!);
            }
            finally
            {
                (_reply, _socket) = (default, null);
                _owner.Recycle(this);
            }
        }
    }
}
