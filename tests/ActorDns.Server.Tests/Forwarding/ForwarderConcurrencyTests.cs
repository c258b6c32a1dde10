using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Tests.Support;
using ActorDns.Server.Transport;
using ActorDns.Testing.Dns;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>
/// The bound on outstanding upstream queries (SPEC §4.3, conformance F-17): beyond it, REFUSED at once,
/// nothing sent upstream, the reject counter raised, and mesh names still answered.
/// </summary>
public class ForwarderConcurrencyTests
{
    [Fact]
    public async Task Forward_MaxConcurrentOutstanding_ExtraQueriesRefusedAtOnce()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Silent);
        var options = TestMesh.Fast with { MaxConcurrent = 5, TryTimeout = TimeSpan.FromSeconds(3), TotalTimeout = TimeSpan.FromSeconds(3) };
        // The clock never moves, so the five outstanding queries never time out: a rejection cannot wait for a slot.
        using var server = TestMesh.Server(options, new FakeTimeProvider(), upstream);
        var hanging = Enumerable.Range(0, 5)
            .Select(i => DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build($"hang{i}.example.com"), TestMesh.ClientTimeout))
            .ToArray();
        await upstream.WaitForQueriesAsync(5);
        var rejectsBefore = await MetricsText.ReadAsync(server.Registry, "actordns_forward_max_concurrent_rejects_total");

        var udp = await Task.WhenAll(Enumerable.Range(0, 3)
            .Select(i => DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build($"extra{i}.example.com", id: (ushort)(0x700 + i)), TestMesh.ClientTimeout)));
        var tcp = await DnsTestClient.TcpAsync(server.Endpoint, TestQuery.Build("extra-tcp.example.com", id: 0x7FF), TestMesh.ClientTimeout);
        var mesh = await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("backend.mesh"), TestMesh.ClientTimeout);

        for (var i = 0; i < udp.Length; i++)
        {
            var reply = TestQuery.Parse(udp[i]);
            Assert.Equal(0x700 + i, reply.Id);
            Assert.Equal(DnsRcode.Refused, reply.Rcode);
        }

        Assert.Equal(DnsRcode.Refused, TestQuery.Parse(tcp).Rcode);
        Assert.Equal([TestMesh.BackendVip], TestQuery.Parse(mesh).Addresses());
        Assert.Equal(rejectsBefore + 4, await MetricsText.ReadAsync(server.Registry, "actordns_forward_max_concurrent_rejects_total"));
        Assert.Equal(5, upstream.QueryCount);
        Assert.All(hanging, t => Assert.False(t.IsCompleted));
    }

    /// <summary>
    /// L-06: a slow upstream at thousands of queries a second makes thousands of REFUSED a second; each is sent, not
    /// dropped by the cap on UDP error replies, which is for replies to garbage.
    /// </summary>
    [Fact]
    public async Task Forward_RefusedBeyondMaxConcurrent_NotDroppedByTheErrorReplyCap()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Silent);
        var options = TestMesh.Fast with { MaxConcurrent = 1, TryTimeout = TimeSpan.FromSeconds(3), TotalTimeout = TimeSpan.FromSeconds(3) };
        using var server = new TestServer(TestMesh.Table(), [upstream.Endpoint], options, new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0)) { UdpErrorRepliesPerSecond = 1 }, clock: new FakeTimeProvider());
        var hanging = DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("hang.example.com"), TestMesh.ClientTimeout);
        await upstream.WaitForQueriesAsync(1);

        var refused = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build($"extra{i}.example.com", id: (ushort)(0x800 + i)), TestMesh.ClientTimeout)));

        Assert.All(refused, reply => Assert.Equal(DnsRcode.Refused, TestQuery.Parse(reply).Rcode));
        Assert.False(hanging.IsCompleted);
    }
}
