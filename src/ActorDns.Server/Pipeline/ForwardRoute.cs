using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// An <c>alternate</c>'s rcodes and where a query with one of them goes instead; <paramref name="Original"/>: the
/// client's query as it came, not as a <c>rewrite</c> changed it.
/// </summary>
public sealed record AlternateRule(RcodeSet Rcodes, ForwardRoute Route, bool Original = false);

/// <summary>
/// Where a forwarded query goes (started by the receive loop after its batch's answers, decision 0037): a forwarder
/// and, when <c>alternate</c>s wrap the step that forwards, the route to take instead when the upstreams' answer has
/// one of an alternate's rcodes (SERVFAIL from an upstream that failed included). Inside a <c>rewrite</c>, the query sent is the rewritten one and the client gets
/// its question back; with <c>errors</c>, a forward no upstream answered is logged; with <c>cache</c>, the answer is
/// kept; with <c>log</c>, the query once answered. Built once with the pipeline.
/// </summary>
public sealed class ForwardRoute(
    Forwarder forwarder,
    IReadOnlyList<AlternateRule>? alternates = null,
    ILogger? errors = null,
    QueryLog? log = null,
    CacheStep? cache = null,
    NameRewriter? rewriter = null)
{
    public Forwarder Forwarder { get; } = forwarder;

    /// <summary>
    /// The route that takes the query: this one when its forwarder has room; when it is full — a REFUSED, as CoreDNS's
    /// <c>forward</c> answers beyond <c>max_concurrent</c> — an alternate for REFUSED that has room; null when none has.
    /// </summary>
    public ForwardRoute? Admit()
    {
        if (Forwarder.TryEnter())
        {
            return this;
        }

        if (alternates is not null)
        {
            foreach (var alternate in alternates)
            {
                if (alternate.Rcodes.Contains(DnsRcode.Refused) && alternate.Route.Forwarder.TryEnter())
                {
                    return alternate.Route;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Forwards a query <see cref="Forwarder"/> admitted from <paramref name="client"/> (its socket address, for
    /// <c>log</c>); writes the client's reply and returns its length.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ForwardAsync(ReadOnlyMemory<byte> query, DnsQuery parsed, Memory<byte> response, bool overTcp, ReadOnlyMemory<byte> client, long started)
    {
        var (sent, sentParsed, restoreAnswers) = (query, parsed, false);
        try
        {
            if (rewriter is not null && rewriter.TryRewrite(query.Span, parsed, out var rewritten, out var rewrittenParsed, out restoreAnswers))
            {
                (sent, sentParsed) = (rewritten, rewrittenParsed);
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or RegexMatchTimeoutException)
        {
            // The forwarder has admitted this query: it must be forwarded (which releases its place), as it came.
        }

        var (length, answeredSent) = await ForwardAsync(query, parsed, sent, sentParsed, response, overTcp).ConfigureAwait(false);
        if (answeredSent)
        {
            cache?.Store(sent.Span, sentParsed, response.Span[..length]);
        }

        if (answeredSent && !sent.Equals(query))
        {
            length = NameRewriter.Restore(query.Span, parsed, sent.Span, response.Span, length, restoreAnswers, !overTcp);
        }

        log?.Record(client.Span, query.Span, parsed, overTcp, response.Span[..length], started);
        return length;
    }

    /// <summary>Forwards <paramref name="sent"/>, then asks an alternate when the answer has one of its rcodes; says whether the reply answers <paramref name="sent"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(int Length, bool AnsweredSent)> ForwardAsync(
        ReadOnlyMemory<byte> original, DnsQuery originalParsed, ReadOnlyMemory<byte> sent, DnsQuery sentParsed, Memory<byte> response, bool overTcp)
    {
        var result = await Forwarder.ForwardAsync(sent, sentParsed, response, overTcp).ConfigureAwait(false);
        if (!result.Answered && errors is not null)
        {
            PipelineLog.ForwardFailed(errors, DnsName.ToText(sentParsed.QName(sent.Span)), sentParsed.QType.ToString(), string.Join(' ', Forwarder.Upstreams));
        }

        if (alternates is null || !DnsHeader.TryRead(response.Span, out var header))
        {
            return (result.Length, true);
        }

        foreach (var alternate in alternates)
        {
            if (alternate.Rcodes.Contains(header.Rcode))
            {
                if (!alternate.Route.Forwarder.TryEnter())
                {
                    return (result.Length, true);
                }

                return alternate.Original
                    ? ((await alternate.Route.ForwardAsync(original, originalParsed, original, originalParsed, response, overTcp).ConfigureAwait(false)).Length, false)
                    : await alternate.Route.ForwardAsync(original, originalParsed, sent, sentParsed, response, overTcp).ConfigureAwait(false);
            }
        }

        return (result.Length, true);
    }
}
