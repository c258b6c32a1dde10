using System.Net;
using ActorDns.LoadTest.Dns;
using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Query;

/// <summary>
/// One socket (UDP) or connection (TCP) to one server, with a thread that sends its share of the schedule
/// and a thread that receives. Sending never waits for a reply (open loop); latency runs from the time a
/// query was due, not from when it left, so a late sender counts against the latency it caused.
/// </summary>
/// <remarks>
/// Replies are matched by ID on this lane and must carry the query's question. A reply later than the
/// timeout is counted as late (and the query as lost), not as a latency sample.
/// </remarks>
internal abstract class QueryLane
{
    private readonly PendingTable _pending = new();
    private readonly long[] _rcodes = new long[16];
    private readonly LatencyHistogram _latency = new();
    private readonly LatencyHistogram _sendLag = new();
    private readonly int _index;
    private readonly int _lanes;
    private readonly QueryMix _mix;
    private readonly long _timeoutTicks;
    private readonly int _seed;
    private Thread? _sender;
    private Thread? _receiver;
    private long _sent;
    private long _sendErrors;
    private long _answered;
    private long _late;
    private long _unmatched;
    private long _wrongQuestion;
    private long _lastSendAt;
    private int _stopping;

    protected QueryLane(int index, int lanes, IPEndPoint server, QueryMix mix, TimeSpan timeout, int seed)
    {
        _index = index;
        _lanes = lanes;
        Server = server;
        _mix = mix;
        _timeoutTicks = Clock.ToTicks(timeout);
        _seed = seed;
    }

    public IPEndPoint Server { get; }

    /// <summary>Queries sent and neither answered nor late yet.</summary>
    public long Outstanding => Volatile.Read(ref _sent) - Volatile.Read(ref _answered) - Volatile.Read(ref _late);

    protected bool IsStopping => Volatile.Read(ref _stopping) != 0;

    protected virtual long Reconnects => 0;

    public void Start(RateSchedule schedule, CancellationToken token)
    {
        _receiver = StartThread($"receive-{_index}", ReceiveLoop);
        _sender = StartThread($"send-{_index}", () => SendLoop(schedule, token));
    }

    public void WaitForSender() => _sender?.Join();

    /// <summary>Closes the transport, waits for the receiving thread and returns the counts.</summary>
    public LaneResult Stop()
    {
        Interlocked.Exchange(ref _stopping, 1);
        Close();
        _sender?.Join();
        _receiver?.Join();
        return new LaneResult(Server, _sent, _sendErrors, _answered, _late, _unmatched, _wrongQuestion, Reconnects, _rcodes, _lastSendAt, _latency, _sendLag);
    }

    /// <summary>Sends one query; false when it could not be handed to the kernel.</summary>
    protected abstract bool Send(QueryTemplate query, ushort id);

    /// <summary>Receives until the lane stops, calling <see cref="OnReply"/> for every message.</summary>
    protected abstract void ReceiveLoop();

    /// <summary>Closes the transport so that a blocked receive returns.</summary>
    protected abstract void Close();

    protected void OnReply(ReadOnlySpan<byte> reply, long receivedAt)
    {
        if (!ReplyReader.TryReadResponseHeader(reply, out var header) || !_pending.TryPeek(header.Id, out var due, out var query))
        {
            Interlocked.Increment(ref _unmatched);
            return;
        }

        // A wrong question leaves the query pending: the genuine reply may still come.
        if (!_mix[query].MatchesQuestion(reply))
        {
            Interlocked.Increment(ref _wrongQuestion);
            return;
        }

        if (!_pending.TryClaim(header.Id))
        {
            Interlocked.Increment(ref _unmatched);
            return;
        }

        var latency = receivedAt - due;
        if (latency > _timeoutTicks)
        {
            Interlocked.Increment(ref _late);
            return;
        }

        _rcodes[(int)header.Rcode]++;
        _latency.Record(Clock.ToNanoseconds(latency));
        Interlocked.Increment(ref _answered);
    }

    private void SendLoop(RateSchedule schedule, CancellationToken token)
    {
        PreciseDelay.PrepareThread();
        var random = new Random(unchecked((_seed * 7919) + _index));
        ushort id = 0;
        foreach (var index in schedule.Lane(_index, _lanes))
        {
            var due = schedule.DueAt(index);
            PreciseDelay.Until(due, token);
            if (token.IsCancellationRequested || IsStopping)
            {
                break;
            }

            var query = _mix.Pick(random);
            id++;
            _pending.Arm(id, due, query);
            _sendLag.Record(Clock.ToNanoseconds(Clock.Now - due));
            if (Send(_mix[query], id))
            {
                Interlocked.Increment(ref _sent);
            }
            else
            {
                _ = _pending.TryClaim(id);
                Interlocked.Increment(ref _sendErrors);
            }
        }

        Volatile.Write(ref _lastSendAt, Clock.Now);
    }

    private static Thread StartThread(string name, Action loop)
    {
        var thread = new Thread(() => loop()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
