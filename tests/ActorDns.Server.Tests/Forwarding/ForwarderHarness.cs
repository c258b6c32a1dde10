using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using Prometheus;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>A <see cref="Forwarder"/> without a listener: hands it a client query as a receive loop would and returns the client's reply.</summary>
internal sealed class ForwarderHarness : IDisposable
{
    public ForwarderHarness(ForwarderOptions options, params IPEndPoint[] upstreams)
        : this(options, TimeProvider.System, upstreams)
    {
    }

    public ForwarderHarness(ForwarderOptions options, TimeProvider clock, params IPEndPoint[] upstreams)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Forwarder = new Forwarder(options with { Upstreams = upstreams }, new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Registry)), new Random(7), clock);
    }

    public CollectorRegistry Registry { get; }

    public Forwarder Forwarder { get; }

    public async Task<byte[]> ForwardAsync(byte[] query, bool overTcp = false) => (await ForwardWithResultAsync(query, overTcp)).Reply;

    /// <summary>The client's reply and whether an upstream answered (<see cref="ForwardResult.Answered"/>).</summary>
    public async Task<(byte[] Reply, bool Answered)> ForwardWithResultAsync(byte[] query, bool overTcp = false)
    {
        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(query, out var parsed));
        Assert.True(Forwarder.TryEnter());
        var response = new byte[ushort.MaxValue];
        var result = await Forwarder.ForwardAsync(query, parsed, response, overTcp);
        return (response[..result.Length], result.Answered);
    }

    public void Dispose() => Forwarder.Dispose();
}
