using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorDns.LoadTest.Dns;
using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Churn;

/// <summary>
/// Polls one resolver over one UDP socket. A poll never waits for the previous one's reply: a resolver may
/// take tens of milliseconds to answer SERVFAIL for a name it forwards, and the moment a name becomes
/// resolvable (or gone) must be seen within one poll interval, not one upstream timeout.
/// </summary>
internal sealed class ResolverProber : IDisposable
{
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan LongestInterval = TimeSpan.FromMilliseconds(25);

    private readonly Socket _socket;
    private readonly ConcurrentDictionary<ushort, ProbeWatch> _pending = new();
    private readonly Thread _receiver;
    private int _nextId;

    public ResolverProber(IPEndPoint resolver)
    {
        Resolver = resolver;
        _socket = new Socket(resolver.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        _socket.Connect(resolver);
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = $"probe-{resolver}" };
        _receiver.Start();
    }

    public IPEndPoint Resolver { get; }

    /// <summary>
    /// Sends <paramref name="query"/> every 2 ms, backing off by a quarter per poll up to 25 ms, until a reply
    /// meets <paramref name="goal"/>; null when none did by the Stopwatch timestamp <paramref name="deadline"/>.
    /// </summary>
    public async Task<ProbeAnswer?> WaitAsync(QueryTemplate query, ProbeGoal goal, long deadline, CancellationToken token)
    {
        var watch = new ProbeWatch(query, goal);
        var interval = FirstInterval;
        try
        {
            while (true)
            {
                Send(watch);
                await Task.WhenAny(watch.Answer, Task.Delay(interval, token));
                if (watch.Answer.IsCompleted)
                {
                    return await watch.Answer;
                }

                token.ThrowIfCancellationRequested();
                if (Clock.Now >= deadline)
                {
                    return null;
                }

                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 5 / 4, LongestInterval.Ticks));
            }
        }
        finally
        {
            foreach (var id in watch.Ids)
            {
                _pending.TryRemove(id, out _);
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _receiver.Join();
    }

    private void Send(ProbeWatch watch)
    {
        ushort id;
        do
        {
            id = (ushort)Interlocked.Increment(ref _nextId);
        }
        while (!_pending.TryAdd(id, watch));

        watch.Ids.Add(id);
        var message = new byte[watch.Query.Length];
        watch.Query.WriteTo(message, id);
        try
        {
            _socket.Send(message, SocketFlags.None);
        }
        catch (SocketException)
        {
            // Treated as a poll without an answer; the next poll tries again.
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[ushort.MaxValue];
        while (true)
        {
            int received;
            try
            {
                received = _socket.Receive(buffer, SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                // ICMP for an earlier poll (resolver not listening, or restarting): keep the socket.
                continue;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var receivedAt = Clock.Now;
            var reply = buffer.AsSpan(0, received);
            if (ReplyReader.TryReadResponseHeader(reply, out var header)
                && _pending.TryGetValue(header.Id, out var watch)
                && watch.Query.MatchesQuestion(reply)
                && _pending.TryRemove(header.Id, out _))
            {
                watch.Offer(header.Rcode, ReplyReader.FirstAddress(reply), receivedAt);
            }
        }
    }
}
