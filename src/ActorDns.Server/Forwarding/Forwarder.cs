using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorDns.Server.Forwarding;

/// <summary>
/// Sends client queries to the upstream resolvers and relays their answers (SPEC §4.3; CoreDNS
/// <c>forward</c>/<c>alternate</c>). Shared by every receive loop; a loop only starts a forward and goes
/// back to receiving, so a slow upstream never stalls it.
/// </summary>
/// <remarks>
/// Per client query: upstreams in policy order, healthy ones first; each try waits at most
/// <see cref="ForwarderOptions.TryTimeout"/>; SERVFAIL/REFUSED/FORMERR/NOTIMP from one upstream moves on to
/// the next and the last such answer is relayed if none does better (F-13); a UDP reply with TC is asked
/// again over TCP (F-11); FORMERR/NOTIMP to our EDNS query is retried without EDNS (F-25); after
/// <see cref="ForwarderOptions.TotalTimeout"/> the client gets SERVFAIL (F-14).
/// </remarks>
public sealed class Forwarder : IDisposable
{
    private const int MaxQueryLength = 512 + 11;

    private readonly ForwarderOptions _options;
    private readonly ForwarderMetrics _metrics;
    private readonly Upstream[] _upstreams;
    private readonly UpstreamSockets? _sockets;
    private readonly Random _random;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();
    private int _inFlight;
    private int _roundRobin;

    /// <param name="clock">Runs the try and total timeouts and the health probes' interval (a test moves it by hand).</param>
    /// <param name="logger">Where a bug met on the reply thread is logged (none: not logged).</param>
    public Forwarder(ForwarderOptions options, ForwarderMetrics metrics, Random random, TimeProvider clock, ILogger? logger = null)
    {
        _options = options;
        _metrics = metrics;
        _random = random;
        _clock = clock;
        _upstreams = options.Upstreams.Select((u, i) => new Upstream(u, i, options, metrics, clock, _stopping.Token)).ToArray();
        if (OperatingSystem.IsLinux() && _upstreams.Length > 0)
        {
            var log = logger ?? NullLogger.Instance;
            _sockets = new UpstreamSockets(_upstreams.Length, options.Expire, () => _metrics.Unwanted.Inc(), e => ForwarderLog.Unexpected(log, e), clock);
        }
    }

    /// <summary>The upstreams this forwarder asks.</summary>
    public IReadOnlyList<IPEndPoint> Upstreams => _options.Upstreams;

    /// <summary>The settings it was made with (a Corefile's <c>forward</c> options, for tests).</summary>
    internal ForwarderOptions Options => _options;

    /// <summary>
    /// Claims a slot for one forwarded query; false when <see cref="ForwarderOptions.MaxConcurrent"/> are
    /// already outstanding (the caller answers REFUSED, conformance F-17). Each true is matched by one
    /// <see cref="ForwardAsync"/>, which releases the slot.
    /// </summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= _options.MaxConcurrent)
        {
            _metrics.InFlight.Inc();
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        _metrics.Refused.Inc();
        return false;
    }

    /// <summary>
    /// Forwards <paramref name="clientQuery"/> (already parsed as <paramref name="client"/>) and writes the
    /// client's reply into <paramref name="response"/>. Never throws for upstream trouble: that becomes SERVFAIL,
    /// with <see cref="ForwardResult.Answered"/> false. Runs on the caller's thread up to the first send; on Linux a
    /// UDP reply resumes it on the reply thread of <see cref="UpstreamSockets"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ForwardResult> ForwardAsync(ReadOnlyMemory<byte> clientQuery, DnsQuery client, Memory<byte> response, bool overTcp)
    {
        var started = _clock.GetTimestamp();
        var request = ArrayPool<byte>.Shared.Rent(MaxQueryLength);
        (byte[] Buffer, int Length)? kept = null;
        try
        {
            var question = clientQuery[DnsQuery.QuestionOffset..(DnsQuery.QuestionOffset + client.QuestionLength)];
            foreach (var upstream in Order())
            {
                if (_stopping.IsCancellationRequested || Remaining(started) <= TimeSpan.Zero)
                {
                    break;
                }

                var (reply, final) = await TryUpstreamAsync(upstream, question, client, request, overTcp, started).ConfigureAwait(false);
                if (reply is { } answer)
                {
                    // The last usable answer is relayed if no later upstream does better.
                    ReturnBuffer(kept);
                    kept = answer;
                    if (final)
                    {
                        break;
                    }
                }
            }

            if (kept is var (buffer, length))
            {
                return new ForwardResult(UpstreamMessages.WriteClientReply(buffer.AsSpan(0, length), clientQuery.Span, client, response.Span, !overTcp), Answered: true);
            }

            return new ForwardResult(
                ReplyWriter.Write(clientQuery.Span, response.Span, client, DnsRcode.ServFail, (ushort)((client.Header.Flags & DnsHeaderFlags.RD) | DnsHeaderFlags.RA), default, !overTcp),
                Answered: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(request);
            ReturnBuffer(kept);
            Interlocked.Decrement(ref _inFlight);
            _metrics.InFlight.Dec();
            _metrics.Duration.Observe(_clock.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>What is left of <see cref="ForwarderOptions.TotalTimeout"/> for a query forwarded at <paramref name="started"/>.</summary>
    private TimeSpan Remaining(long started) => _options.TotalTimeout - _clock.GetElapsedTime(started);

    private static void ReturnBuffer((byte[] Buffer, int Length)? reply)
    {
        if (reply is var (buffer, _))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// One upstream, with the TC→TCP and no-EDNS retries. Returns the reply (in a pooled buffer the caller returns;
    /// null when none was usable) and whether it is final or the next upstream should be asked. A try waits at most
    /// <see cref="ForwarderOptions.TryTimeout"/>, and never past the total deadline. A UDP reply is read into
    /// <see cref="UpstreamSockets.ReplyBufferSize"/> bytes, since every query says 1232 (RFC 6891): a forward waiting
    /// on a slow upstream holds a few KB, not 64 KB. A datagram that fills the buffer may have been cut, so the query
    /// is asked again over TCP, as for TC.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<((byte[] Buffer, int Length)? Reply, bool Final)> TryUpstreamAsync(
        Upstream upstream, ReadOnlyMemory<byte> question, DnsQuery client, byte[] request, bool overTcp, long started)
    {
        var withEdns = true;
        var tcp = _options.ForceTcp || (overTcp && !_options.PreferUdp);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var timeout = Remaining(started);
            if (timeout <= TimeSpan.Zero)
            {
                return (null, false);
            }

            timeout = timeout < _options.TryTimeout ? timeout : _options.TryTimeout;
            // Over the shared UDP sockets, those write an ID of their own (one not outstanding on the socket).
            var id = tcp || _sockets is null ? UpstreamMessages.NewId() : (ushort)0;
            var requestLength = UpstreamMessages.WriteQuery(request, id, question.Span, client.Header.Flags, client.Edns.DnssecOkBit, withEdns);
            var reply = ArrayPool<byte>.Shared.Rent(tcp ? ushort.MaxValue : UpstreamSockets.ReplyBufferSize);
            var keep = false;
            try
            {
                int length;
                try
                {
                    (tcp ? upstream.TcpRequests : upstream.UdpRequests).Inc();
                    length = await ExchangeAsync(upstream, tcp, request.AsMemory(0, requestLength), id, question, reply, timeout).ConfigureAwait(false);
                }
                catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !_stopping.IsCancellationRequested))
                {
                    upstream.RecordFailure("timeout");
                    return (null, false);
                }
                catch (SocketException e) when (!tcp && e.SocketErrorCode == SocketError.MessageSize)
                {
                    tcp = true;
                    continue;
                }
                catch (SocketException e)
                {
                    upstream.RecordFailure(e.SocketErrorCode.ToString());
                    return (null, false);
                }

                if (!tcp && length >= UpstreamSockets.ReplyBufferSize)
                {
                    tcp = true;
                    continue;
                }

                upstream.RecordSuccess();
                DnsHeader.TryRead(reply, out var header);
                if (header.Has(DnsHeaderFlags.TC) && !tcp)
                {
                    tcp = true;
                    continue;
                }

                if (withEdns && header.Rcode is DnsRcode.FormErr or DnsRcode.NotImp)
                {
                    withEdns = false;
                    continue;
                }

                keep = true;
                return ((reply, length), header.Rcode is not (DnsRcode.ServFail or DnsRcode.Refused or DnsRcode.FormErr or DnsRcode.NotImp));
            }
            finally
            {
                if (!keep)
                {
                    ArrayPool<byte>.Shared.Return(reply);
                }
            }
        }

        return (null, false);
    }

    /// <summary>
    /// One query and its reply, within <paramref name="timeout"/>: over UDP through the shared <see cref="UpstreamSockets"/>
    /// on Linux (which write their own ID into the query), elsewhere and over TCP on a socket of its own.
    /// </summary>
    private ValueTask<int> ExchangeAsync(Upstream upstream, bool tcp, Memory<byte> request, ushort id, ReadOnlyMemory<byte> question, byte[] reply, TimeSpan timeout)
    {
        if (!tcp && _sockets is { } sockets)
        {
            return sockets.ExchangeAsync(upstream.Index, upstream.Endpoint, request.Span, question, reply.AsMemory(0, UpstreamSockets.ReplyBufferSize), timeout);
        }

        return OwnSocketAsync();

        async ValueTask<int> OwnSocketAsync()
        {
            using var deadline = new CancellationTokenSource(timeout, _clock);
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
            return tcp
                ? await UpstreamExchange.TcpAsync(upstream.Endpoint, request, reply, id, question, () => _metrics.Unwanted.Inc(), cancellation.Token).ConfigureAwait(false)
                : await UpstreamExchange.UdpAsync(upstream.Endpoint, request, reply.AsMemory(0, UpstreamSockets.ReplyBufferSize), id, question, () => _metrics.Unwanted.Inc(), cancellation.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Healthy upstreams in policy order, then the unhealthy ones (tried only when nothing better answered).</summary>
    private Upstream[] Order()
    {
        if (_upstreams.Length <= 1)
        {
            // One upstream (the usual case) is its own order, healthy or not.
            return _upstreams;
        }

        var start = _options.Policy switch
        {
            UpstreamPolicy.Random => NextRandom(_upstreams.Length),
            UpstreamPolicy.RoundRobin => (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)_upstreams.Length),
            _ => 0,
        };
        // Healthy first, each group in policy order; health read once, so no upstream is asked twice.
        var ordered = new Upstream[_upstreams.Length];
        var healthy = 0;
        var unhealthy = ordered.Length;
        for (var i = 0; i < ordered.Length; i++)
        {
            var upstream = _upstreams[(start + i) % _upstreams.Length];
            if (upstream.Healthy)
            {
                ordered[healthy++] = upstream;
            }
            else
            {
                ordered[--unhealthy] = upstream;
            }
        }

        ordered.AsSpan(unhealthy).Reverse();
        return ordered;
    }

    /// <summary>System.Random is not thread-safe and every receive loop forwards through here.</summary>
    private int NextRandom(int maxExclusive)
    {
        lock (_random)
        {
            return _random.Next(maxExclusive);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _sockets?.Dispose();
        _stopping.Dispose();
    }
}
