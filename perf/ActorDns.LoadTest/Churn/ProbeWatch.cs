using System.Net;
using ActorDns.LoadTest.Dns;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Churn;

/// <summary>One name being polled on one resolver: the query, the goal, the IDs sent so far, and the first reply that met the goal.</summary>
internal sealed class ProbeWatch(QueryTemplate query, ProbeGoal goal)
{
    private readonly TaskCompletionSource<ProbeAnswer> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public QueryTemplate Query { get; } = query;

    /// <summary>IDs of the polls sent; touched only by the polling flow.</summary>
    public List<ushort> Ids { get; } = [];

    public Task<ProbeAnswer> Answer => _answer.Task;

    /// <summary>Called by the receiving thread for every reply to one of <see cref="Ids"/>.</summary>
    public void Offer(DnsRcode rcode, IPAddress? address, long receivedAt)
    {
        var resolvable = rcode == DnsRcode.NoError && address is not null;
        var met = goal == ProbeGoal.Resolvable
            ? resolvable
            : !resolvable && rcode is DnsRcode.NoError or DnsRcode.NXDomain or DnsRcode.ServFail;
        if (met)
        {
            _answer.TrySetResult(new ProbeAnswer(receivedAt, rcode, address));
        }
    }
}
