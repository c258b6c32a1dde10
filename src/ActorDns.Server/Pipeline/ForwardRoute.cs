using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Pipeline;

/// <summary>An <c>alternate</c>'s rcodes and where a query with one of them goes instead.</summary>
public sealed record AlternateRule(RcodeSet Rcodes, ForwardRoute Route);

/// <summary>
/// Where a query handed off the receive loop goes: a forwarder and, when <c>alternate</c>s wrap the step that
/// forwards, the route to take instead when the upstreams' answer has one of an alternate's rcodes (SERVFAIL from an
/// upstream that failed included). With <c>errors</c>, a forward no upstream answered is logged; with <c>cache</c>, the
/// answer is kept; with <c>log</c>, the query once answered. Built once with the pipeline.
/// </summary>
public sealed class ForwardRoute(
    Forwarder forwarder, IReadOnlyList<AlternateRule>? alternates = null, ILogger? errors = null, QueryLog? log = null, CacheStep? cache = null)
{
    public Forwarder Forwarder { get; } = forwarder;

    /// <summary>
    /// Forwards a query <see cref="Forwarder"/> admitted from <paramref name="client"/> (its socket address, for
    /// <c>log</c>); writes the client's reply and returns its length.
    /// </summary>
    public async ValueTask<int> ForwardAsync(ReadOnlyMemory<byte> query, DnsQuery parsed, Memory<byte> response, bool overTcp, ReadOnlyMemory<byte> client, long started)
    {
        var length = await ForwardAsync(query, parsed, response, overTcp).ConfigureAwait(false);
        cache?.Store(query.Span, parsed, response.Span[..length]);
        log?.Record(client.Span, query.Span, parsed, overTcp, response.Span[..length], started);
        return length;
    }

    private async ValueTask<int> ForwardAsync(ReadOnlyMemory<byte> query, DnsQuery parsed, Memory<byte> response, bool overTcp)
    {
        var result = await Forwarder.ForwardAsync(query, parsed, response, overTcp).ConfigureAwait(false);
        if (!result.Answered && errors is not null)
        {
            PipelineLog.ForwardFailed(errors, DnsName.ToText(parsed.QName(query.Span)), parsed.QType.ToString(), string.Join(' ', Forwarder.Upstreams));
        }

        if (alternates is null || !DnsHeader.TryRead(response.Span, out var header))
        {
            return result.Length;
        }

        foreach (var alternate in alternates)
        {
            if (alternate.Rcodes.Contains(header.Rcode))
            {
                return alternate.Route.Forwarder.TryEnter()
                    ? await alternate.Route.ForwardAsync(query, parsed, response, overTcp).ConfigureAwait(false)
                    : result.Length;
            }
        }

        return result.Length;
    }
}
