using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace ActorDns.Server.Forwarding;

/// <summary>
/// The UDP sockets a <see cref="Forwarder"/> asks its upstreams through, on Linux (decision 0037). Each upstream has
/// <see cref="SocketsPerUpstream"/> sockets, each connected to it from a port the kernel picks at random, and each
/// replaced by a new one after <see cref="QueriesPerSocket"/> queries or, with little traffic, once it is older than
/// <c>expire</c> (decision 0039); one thread waits on all of them with epoll and
/// completes the exchange a reply answers, right there. A forwarded query so costs one <c>send</c> on the thread that
/// asks, one <c>recv</c> on the reply thread, and no socket or thread-pool hop of its own.
/// </summary>
/// <remarks>
/// The RFC 5452 defences stay: each query gets a fresh random ID (never one outstanding on its socket), the ports are
/// random and renewed every few queries, the kernel drops datagrams from any other address or port (the sockets are
/// connected), and a reply is taken only when its ID and question match what was asked on that socket.
/// </remarks>
internal sealed unsafe partial class UpstreamSockets : IDisposable
{
    /// <summary>Sockets open to each upstream at a time (so as many random ports an attacker must hit).</summary>
    public const int SocketsPerUpstream = 16;

    /// <summary>Queries a socket sends before a new one, on a new random port, takes its place.</summary>
    public const int QueriesPerSocket = 16;

    /// <summary>The largest reply read; one that fills it may have been cut, and is handed on unchecked (the caller asks over TCP).</summary>
    public const int ReplyBufferSize = 4096;

    private const int MaxEvents = 64;

    /// <summary>The epoll data of the wake-up descriptor; sockets count up from 1.</summary>
    private const long WakeKey = 0;

    private readonly Slot[][] _slots;
    private readonly Action _onUnwanted;
    private readonly Action<Exception> _onUnexpected;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _expire;
    private readonly ConcurrentDictionary<long, PooledSocket> _open = new();
    private readonly ConcurrentQueue<PooledSocket> _closing = new();
    private readonly Lock _starting = new();
    private long _lastKey;
    private int _next;
    private int _epoll = -1;
    private int _wake = -1;
    private Thread? _thread;
    private int _replyThreadId = -1;
    private volatile bool _stopping;

    /// <param name="upstreams">How many upstreams, each asked by its index.</param>
    /// <param name="expire">Age after which a socket is replaced before its next query, however few it sent.</param>
    /// <param name="onUnwanted">Counts a reply that answers nothing asked (wrong ID, question or format).</param>
    /// <param name="onUnexpected">Logs a bug met on the reply thread (it costs the query it happened in).</param>
    /// <param name="clock">Runs each exchange's timeout (a test moves it by hand).</param>
    public UpstreamSockets(int upstreams, TimeSpan expire, Action onUnwanted, Action<Exception> onUnexpected, TimeProvider clock)
    {
        _expire = expire;
        _slots = new Slot[upstreams][];
        for (var i = 0; i < upstreams; i++)
        {
            _slots[i] = new Slot[SocketsPerUpstream];
            for (var j = 0; j < SocketsPerUpstream; j++)
            {
                _slots[i][j] = new Slot();
            }
        }

        _onUnwanted = onUnwanted;
        _onUnexpected = onUnexpected;
        _clock = clock;
    }

    /// <summary>Sockets not yet closed, the retired ones waiting for the reply thread included.</summary>
    internal int SocketCount => _open.Count + _closing.Count;

    /// <summary>Sockets opened so far.</summary>
    internal long SocketsOpened => Interlocked.Read(ref _lastKey);

    /// <summary>
    /// Sends <paramref name="request"/> (its ID overwritten with a fresh random one) to upstream
    /// <paramref name="upstream"/> and completes with the length of the reply copied into <paramref name="reply"/>.
    /// Fails with <see cref="TimeoutException"/> after <paramref name="timeout"/>, with <see cref="SocketException"/>
    /// when the send fails or the upstream refuses (ICMP port unreachable), and with
    /// <see cref="OperationCanceledException"/> when the forwarder stops. The continuation runs on the reply thread.
    /// </summary>
    public ValueTask<int> ExchangeAsync(int upstream, IPEndPoint endpoint, Span<byte> request, ReadOnlyMemory<byte> question, Memory<byte> reply, TimeSpan timeout)
    {
        EnsureStarted();
        var slots = _slots[upstream];
        var slot = slots[(uint)Interlocked.Increment(ref _next) % (uint)slots.Length];
        var exchange = new Exchange(this, question, reply);
        PooledSocket socket;
        lock (slot)
        {
            if (slot.Current is not { } current || current.Uses >= QueriesPerSocket || _clock.GetElapsedTime(current.Opened) >= _expire)
            {
                var opened = Open(endpoint);
                if (slot.Current is { } old)
                {
                    Retire(old);
                }

                slot.Current = opened;
            }

            socket = slot.Current;
            socket.Uses++;
            lock (socket.Pending)
            {
                ushort id;
                do
                {
                    id = UpstreamMessages.NewId();
                }
                while (socket.Pending.ContainsKey(id));

                socket.Pending.Add(id, exchange);
                exchange.Attach(socket, id);
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(request, exchange.Id);
        exchange.Arm(timeout);
        try
        {
            socket.Socket.Send(request);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            exchange.Fail(e is SocketException ? e : new OperationCanceledException());
        }

        return new ValueTask<int>(exchange, 0);
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _thread) is not null)
        {
            return;
        }

        lock (_starting)
        {
            if (_stopping)
            {
                throw new OperationCanceledException();
            }

            if (_thread is not null)
            {
                return;
            }

            try
            {
                _epoll = Check(EpollCreate1(EpollCloexec), "epoll_create1");
                _wake = Check(EventFd(0, EfdCloexec | EfdNonBlock), "eventfd");
                Add(_wake, WakeKey);
            }
            catch
            {
                CloseDescriptors();
                throw;
            }

            var thread = new Thread(ReplyLoop) { IsBackground = true, Name = "dns-forward-replies" };
            thread.Start();
            _replyThreadId = thread.ManagedThreadId;
            Volatile.Write(ref _thread, thread);
        }
    }

    private void CloseDescriptors()
    {
        foreach (var fd in (int[])[_wake, _epoll])
        {
            if (fd >= 0)
            {
                _ = CloseFd(fd);
            }
        }

        (_wake, _epoll) = (-1, -1);
    }

    /// <summary>
    /// A new socket connected to <paramref name="endpoint"/> from a random port, watched by the reply thread. Under the
    /// lock <see cref="Dispose"/> takes, so no socket is added to an epoll descriptor already closed (or reused).
    /// Non-blocking: a full send buffer fails the try instead of stalling a receive loop.
    /// </summary>
    private PooledSocket Open(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        var pooled = new PooledSocket(socket, Interlocked.Increment(ref _lastKey), _clock.GetTimestamp());
        try
        {
            socket.Connect(endpoint);
            lock (_starting)
            {
                if (_stopping)
                {
                    throw new OperationCanceledException();
                }

                _open[pooled.Key] = pooled;
                Add((int)socket.SafeHandle.DangerousGetHandle(), pooled.Key);
            }

            return pooled;
        }
        catch
        {
            _open.TryRemove(pooled.Key, out _);
            socket.Dispose();
            throw;
        }
    }

    private void Add(int fd, long key)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = EpollIn;
        *(long*)(ev + EventDataOffset) = key;
        Check(EpollCtl(_epoll, EpollCtlAdd, fd, ev), "epoll_ctl");
    }

    /// <summary>Takes a socket out of service; it is closed once its last outstanding query is done.</summary>
    private void Retire(PooledSocket socket)
    {
        lock (socket.Pending)
        {
            socket.Retired = true;
            if (socket.Pending.Count > 0)
            {
                return;
            }
        }

        Close(socket);
    }

    private void Remove(PooledSocket socket, ushort id, Exchange exchange)
    {
        lock (socket.Pending)
        {
            if (!((ICollection<KeyValuePair<ushort, Exchange>>)socket.Pending).Remove(new(id, exchange)) || !socket.Retired || socket.Pending.Count > 0)
            {
                return;
            }
        }

        Close(socket);
    }

    /// <summary>
    /// Stops reading a socket and leaves its closing to the reply thread, between two waits: only that thread reads the
    /// descriptors, so none is closed (and its number reused) under a <c>recv</c>. Closing takes it out of the epoll set.
    /// </summary>
    private void Close(PooledSocket socket)
    {
        if (_open.TryRemove(socket.Key, out _))
        {
            _closing.Enqueue(socket);
            if (Environment.CurrentManagedThreadId != _replyThreadId)
            {
                // A timeout or a receive loop retired it: the reply thread may be waiting with nothing to read.
                Wake();
            }
        }
    }

    /// <summary>
    /// Under the lock Dispose closes the descriptor with: a timer firing late must not write to a number the kernel
    /// has since given to another file.
    /// </summary>
    private void Wake()
    {
        lock (_starting)
        {
            if (_wake >= 0)
            {
                ulong one = 1;
                _ = Write(_wake, &one, sizeof(ulong));
            }
        }
    }

    private void CloseRetired()
    {
        while (_closing.TryDequeue(out var socket))
        {
            socket.Socket.Dispose();
        }
    }

    private void ReplyLoop()
    {
        var events = (byte*)NativeMemory.Alloc(MaxEvents, (nuint)EventSize);
        var buffer = GC.AllocateUninitializedArray<byte>(ReplyBufferSize, pinned: true);
        try
        {
            while (!_stopping)
            {
                var ready = EpollWait(_epoll, events, MaxEvents, -1);
                if (ready < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != Eintr)
                    {
                        // Not expected on a valid epoll descriptor: waiting queries time out, and the loop is not spun hot.
                        _onUnexpected(new SocketException((int)SocketError.SocketError, $"epoll_wait failed: {Marshal.GetPInvokeErrorMessage(errno)}"));
                        Thread.Sleep(100);
                    }

                    continue;
                }

                for (var i = 0; i < ready; i++)
                {
                    var key = *(long*)(events + (i * EventSize) + EventDataOffset);
                    try
                    {
                        if (key == WakeKey)
                        {
                            ulong count;
                            _ = Read(_wake, &count, sizeof(ulong));
                        }
                        else if (_open.TryGetValue(key, out var socket))
                        {
                            Receive(socket, buffer);
                        }
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // What runs here includes the rest of each forward; a bug must cost that query, not every forward.
                        _onUnexpected(e);
                    }
                }

                CloseRetired();
            }
        }
        finally
        {
            NativeMemory.Free(events);

            // Here rather than in Dispose when Dispose ran on this thread (a reply's continuation), and could not wait
            // for it; the lock keeps a late Wake from writing to a closed descriptor.
            lock (_starting)
            {
                CloseDescriptors();
            }
        }
    }

    /// <summary>Reads one datagram (epoll is level-triggered: more queued means the next wait returns at once).</summary>
    private void Receive(PooledSocket socket, byte[] buffer)
    {
        int length;
        fixed (byte* data = buffer)
        {
            length = (int)Recv((int)socket.Socket.SafeHandle.DangerousGetHandle(), data, buffer.Length, MsgDontWait);
        }

        if (length >= 0)
        {
            Dispatch(socket, buffer.AsSpan(0, length));
            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno is not (Eagain or Eintr))
        {
            // An ICMP error on a connected socket: every query waiting on it went to the same upstream port.
            FailAll(socket, new SocketException((int)(errno switch
            {
                Econnrefused => SocketError.ConnectionRefused,
                Enetunreach => SocketError.NetworkUnreachable,
                Ehostunreach => SocketError.HostUnreachable,
                _ => SocketError.SocketError,
            })));
        }
    }

    /// <summary>Completes the exchange a reply answers: its ID is outstanding on this socket and it is a well-formed answer to that question.</summary>
    private void Dispatch(PooledSocket socket, ReadOnlySpan<byte> reply)
    {
        Exchange? exchange = null;
        if (reply.Length >= 2)
        {
            lock (socket.Pending)
            {
                socket.Pending.TryGetValue(BinaryPrimitives.ReadUInt16BigEndian(reply), out exchange);
            }
        }

        if (exchange is null
            || (reply.Length < ReplyBufferSize && !UpstreamMessages.IsAcceptable(reply, exchange.Id, exchange.Question.Span)))
        {
            _onUnwanted();
            return;
        }

        exchange.Complete(reply);
    }

    private static void FailAll(PooledSocket socket, Exception error)
    {
        Exchange[] waiting;
        lock (socket.Pending)
        {
            waiting = [.. socket.Pending.Values];
        }

        foreach (var exchange in waiting)
        {
            exchange.Fail(error);
        }
    }

    private static int Check(int result, string call) =>
        result >= 0 ? result : throw new SocketException((int)SocketError.SocketError, $"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    public void Dispose()
    {
        lock (_starting)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        if (_thread is { } thread)
        {
            Wake();

            // On the reply thread itself (a reply's continuation stopped the forwarder), the loop ends once this returns.
            if (thread.ManagedThreadId != Environment.CurrentManagedThreadId)
            {
                thread.Join();
            }
        }

        foreach (var socket in _open.Values)
        {
            FailAll(socket, new OperationCanceledException());
            Close(socket);
        }

        CloseRetired();
    }

    /// <summary>One of an upstream's places for a socket; locked while its socket is chosen or replaced.</summary>
    private sealed class Slot
    {
        public PooledSocket? Current;
    }

    /// <summary>A socket and the exchanges outstanding on it, by ID (locked on <see cref="Pending"/>).</summary>
    private sealed class PooledSocket(Socket socket, long key, long opened)
    {
        public Socket Socket { get; } = socket;

        public long Key { get; } = key;

        /// <summary>When it was opened (<see cref="TimeProvider.GetTimestamp"/> of the pool's clock).</summary>
        public long Opened { get; } = opened;

        public Dictionary<ushort, Exchange> Pending { get; } = [];

        /// <summary>Queries sent so far (under the slot's lock).</summary>
        public int Uses;

        /// <summary>Replaced in its slot; closed when nothing waits on it any more (under the lock on <see cref="Pending"/>).</summary>
        public bool Retired;
    }

    /// <summary>
    /// One query waiting for its reply: completed exactly once, by the reply, a socket error, the timeout or the
    /// forwarder stopping. A reply or error completes it on the reply thread; the timeout hands the completion to
    /// the thread pool, since a test clock fires timers on the test's own thread.
    /// </summary>
    private sealed class Exchange(UpstreamSockets owner, ReadOnlyMemory<byte> question, Memory<byte> reply) : IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<int> _core;
        private PooledSocket? _socket;
        private ITimer? _timer;
        private int _done;

        public ReadOnlyMemory<byte> Question { get; } = question;

        public ushort Id { get; private set; }

        public void Attach(PooledSocket socket, ushort id)
        {
            _socket = socket;
            Id = id;
        }

        public void Arm(TimeSpan timeout)
        {
            Volatile.Write(ref _timer, owner._clock.CreateTimer(static e => ((Exchange)e!).TimedOut(), this, timeout, Timeout.InfiniteTimeSpan));
            if (Volatile.Read(ref _done) != 0)
            {
                // Completed (an ICMP error, the forwarder stopping) before the timer existed: Claim could not stop it.
                _timer.Dispose();
            }
        }

        public void Complete(ReadOnlySpan<byte> data)
        {
            if (Claim())
            {
                data.CopyTo(reply.Span);
                _core.SetResult(data.Length);
            }
        }

        public void Fail(Exception error)
        {
            if (Claim())
            {
                _core.SetException(error);
            }
        }

        private void TimedOut()
        {
            if (Claim())
            {
                ThreadPool.UnsafeQueueUserWorkItem(static e => e._core.SetException(new TimeoutException()), this, preferLocal: false);
            }
        }

        /// <summary>True for the one caller that completes this exchange; it is out of its socket's table by then.</summary>
        private bool Claim()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return false;
            }

            Volatile.Read(ref _timer)?.Dispose();
            owner.Remove(_socket!, Id, this);
            return true;
        }

        public int GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
