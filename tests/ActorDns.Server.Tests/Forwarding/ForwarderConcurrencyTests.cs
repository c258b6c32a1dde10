using System.Diagnostics;
using ActorDns.Protocol;
using ActorDns.Server.Tests.Support;
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
        using var server = TestMesh.Server(options, upstream);
        var hanging = Enumerable.Range(0, 5)
            .Select(i => DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build($"hang{i}.example.com"), TestMesh.ClientTimeout))
            .ToArray();
        await upstream.WaitForQueriesAsync(5);
        var rejectsBefore = await MetricsText.ReadAsync(server.Registry, "actordns_forward_max_concurrent_rejects_total");

        var started = Stopwatch.GetTimestamp();
        var udp = await Task.WhenAll(Enumerable.Range(0, 3)
            .Select(i => DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build($"extra{i}.example.com", id: (ushort)(0x700 + i)), TestMesh.ClientTimeout)));
        var tcp = await DnsTestClient.TcpAsync(server.Endpoint, TestQuery.Build("extra-tcp.example.com", id: 0x7FF), TestMesh.ClientTimeout);
        var mesh = await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("backend.mesh"), TestMesh.ClientTimeout);
        var elapsed = Stopwatch.GetElapsedTime(started);

        for (var i = 0; i < udp.Length; i++)
        {
            var reply = TestQuery.Parse(udp[i]);
            Assert.Equal(0x700 + i, reply.Id);
            Assert.Equal(DnsRcode.Refused, reply.Rcode);
        }

        Assert.Equal(DnsRcode.Refused, TestQuery.Parse(tcp).Rcode);
        Assert.Equal([TestMesh.BackendVip], TestQuery.Parse(mesh).Addresses());
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"rejections took {elapsed.TotalMilliseconds} ms: they waited for a slot");
        Assert.Equal(rejectsBefore + 4, await MetricsText.ReadAsync(server.Registry, "actordns_forward_max_concurrent_rejects_total"));
        Assert.Equal(5, upstream.QueryCount);
        Assert.All(hanging, t => Assert.False(t.IsCompleted));
    }
}
