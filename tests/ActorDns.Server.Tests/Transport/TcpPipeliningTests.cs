using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Tests.Forwarding;
using ActorDns.Server.Tests.Support;
using ActorDns.Server.Transport;
using ActorDns.Testing.Dns;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Transport;

/// <summary>
/// RFC 7766 §6.2.1.1 and §6.2.1.2 on one TCP connection: a forwarded query still waiting upstream does not hold back
/// the mesh answer queued behind it (replies out of order, matched by ID), and at most
/// <see cref="DnsListenerOptions.TcpMaxPipelined"/> forwarded queries are outstanding: reading pauses at the bound.
/// </summary>
public sealed class TcpPipeliningTests
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SlowForwardedQueryThenMeshQuery_MeshAnswerComesFirst()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Delayed(TimeSpan.FromMilliseconds(500), FakeUpstream.AnswerA(IPAddress.Parse("192.0.2.7"))));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Endpoint);
        var stream = client.GetStream();

        await stream.WriteAsync(DnsTestClient.Frame(TestQuery.Build("www.example.org", id: 1)));
        await upstream.WaitForQueriesAsync(1);
        await stream.WriteAsync(DnsTestClient.Frame(TestQuery.Build("backend.mesh", id: 2)));

        var first = TestQuery.Parse((await DnsTestClient.ReadFramedAsync(stream, ReadTimeout))!);
        var second = TestQuery.Parse((await DnsTestClient.ReadFramedAsync(stream, ReadTimeout))!);
        Assert.Equal(2, first.Id);
        Assert.Equal([TestMesh.BackendVip], first.Addresses());
        Assert.Equal(1, second.Id);
        Assert.Equal([IPAddress.Parse("192.0.2.7")], second.Addresses());
    }

    [Fact]
    public async Task ForwardedQueriesBeyondTheBound_WaitUnreadUntilASlotFrees()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Silent);
        var clock = new FakeTimeProvider();
        var options = TestMesh.Fast with { TryTimeout = TimeSpan.FromSeconds(2), TotalTimeout = TimeSpan.FromSeconds(2) };
        using var server = new TestServer(
            TestMesh.Table(), [upstream.Endpoint], options,
            new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0)) { UdpLoops = 1, TcpMaxPipelined = 2 },
            clock: clock);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Endpoint);
        var stream = client.GetStream();

        for (ushort id = 1; id <= 3; id++)
        {
            await stream.WriteAsync(DnsTestClient.Frame(TestQuery.Build($"slow{id}.example.org", id: id)));
        }

        await stream.WriteAsync(DnsTestClient.Frame(TestQuery.Build("backend.mesh", id: 4)));
        await upstream.WaitForQueriesAsync(2);

        // Two outstanding: the third forwarded query and the mesh query behind it are not read.
        Assert.Null(await DnsTestClient.ReadFramedAsync(stream, TimeSpan.FromMilliseconds(500)));
        Assert.Equal(2, upstream.QueryCount);

        // The two time out (SERVFAIL); reading resumes, the third goes upstream and the mesh query is answered.
        clock.Advance(options.TotalTimeout);
        var replies = new List<DnsMessage>();
        for (var i = 0; i < 3; i++)
        {
            replies.Add(TestQuery.Parse((await DnsTestClient.ReadFramedAsync(stream, ReadTimeout))!));
        }

        Assert.Equal([DnsRcode.ServFail, DnsRcode.ServFail], replies.Where(r => r.Id is 1 or 2).Select(r => r.Rcode));
        Assert.Equal([TestMesh.BackendVip], replies.Single(r => r.Id == 4).Addresses());
        await upstream.WaitForQueriesAsync(3);
    }
}
