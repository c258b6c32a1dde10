using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>
/// What an off-path attacker has to guess, and what the forwarder does with a guess (RFC 5452 §9;
/// conformance F-01…F-04), end to end through a real listener.
/// </summary>
public class ForwarderSpoofingTests
{
    private static readonly IPAddress Forged = IPAddress.Parse("203.0.113.66");

    [Fact]
    public async Task Forward_TwoHundredQueries_UpstreamIdsRandomAndClientIdsRestored()
    {
        using var upstream = new FakeUpstream();
        using var server = TestMesh.Server(TestMesh.Patient, upstream);
        var clientIds = new Dictionary<string, ushort>();

        for (var i = 0; i < 200; i++)
        {
            var name = $"q{i}.example.com";
            var clientId = (ushort)(0x1000 + i);
            clientIds[name + "."] = clientId;
            var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build(name, id: clientId), TestMesh.ClientTimeout));
            Assert.Equal(clientId, reply.Id);
            Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        }

        var queries = upstream.Queries;
        Assert.Equal(200, queries.Count);
        var ids = queries.Select(q => q.Id).ToArray();
        // Random 16-bit IDs: equal to the client's or to the previous ID + 1 by chance about 200/65536 times each.
        Assert.True(queries.Count(q => q.Id == clientIds[q.QName]) <= 2, "upstream IDs copy the client's");
        Assert.True(ids.Zip(ids.Skip(1)).Count(p => (ushort)(p.Second - p.First) == 1) <= 2, "upstream IDs are sequential");
        Assert.True(queries.Select(q => (ushort)(q.Id - clientIds[q.QName])).Distinct().Count() >= 190, "upstream ID = client ID + constant");
        Assert.True(ids.Distinct().Count() >= 190, "upstream IDs repeat");
        for (var bit = 0; bit < 16; bit++)
        {
            Assert.Contains(ids, id => (id & (1 << bit)) != 0);
            Assert.Contains(ids, id => (id & (1 << bit)) == 0);
        }
    }

    /// <summary>
    /// The source ports (decision 0037): many random ports over a burst, none sending more than
    /// <see cref="UpstreamSockets.QueriesPerSocket"/> queries, and no ID outstanding twice on one port.
    /// </summary>
    [Fact]
    public async Task Forward_FourHundredQueryBurst_ManyRandomPortsEachUsedForFewQueries()
    {
        // Replies are held back so that all 400 queries are outstanding at once.
        using var upstream = new FakeUpstream(script: FakeUpstream.Delayed(TimeSpan.FromMilliseconds(1500), FakeUpstream.AnswerA()));
        using var server = TestMesh.Server(TestMesh.Patient with { TryTimeout = TimeSpan.FromSeconds(3), TotalTimeout = TimeSpan.FromSeconds(3) }, upstream);
        var clients = new List<Task<byte[]?>>();

        for (var wave = 0; wave < 4; wave++)
        {
            for (var i = 0; i < 100; i++)
            {
                clients.Add(DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build($"burst{wave}-{i}.example.com", id: (ushort)i), TestMesh.ClientTimeout));
            }

            await upstream.WaitForQueriesAsync(100 * (wave + 1));
        }

        var replies = await Task.WhenAll(clients);
        Assert.All(replies, reply => Assert.Equal(DnsRcode.NoError, TestQuery.Parse(reply).Rcode));
        var queries = upstream.Queries;
        var uses = queries.CountBy(q => q.Source.Port).ToArray();
        Assert.True(uses.Length >= 400 / UpstreamSockets.QueriesPerSocket, $"only {uses.Length} distinct source ports in 400 queries");
        Assert.All(uses, port => Assert.InRange(port.Value, 1, UpstreamSockets.QueriesPerSocket));
        var ports = uses.Select(u => u.Key).Order().ToArray();
        Assert.True(ports.Zip(ports.Skip(1)).Count(p => p.Second - p.First == 1) <= ports.Length / 10, $"source ports are allocated sequentially: {string.Join(' ', ports)}");
        Assert.Equal(400, queries.Select(q => (q.Source.Port, q.Id)).Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Forward_WrongIdReplyBeforeGenuine_GenuineRelayed(bool overTcp)
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.WrongIdThen(FakeUpstream.AnswerA()));
        using var server = TestMesh.Server(TestMesh.Patient, upstream);
        var query = TestQuery.Build("www.example.com", id: 0x4242);

        var reply = TestQuery.Parse(overTcp
            ? await DnsTestClient.TcpAsync(server.Endpoint, query, TestMesh.ClientTimeout)
            : await DnsTestClient.UdpAsync(server.Endpoint, query, TestMesh.ClientTimeout));

        Assert.Equal(0x4242, reply.Id);
        Assert.Equal(DnsRcode.NoError, reply.Rcode);
        Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        Assert.Equal(2, upstream.SentCount);
        Assert.Equal(1, await MetricsText.ReadAsync(server.Registry, "actordns_forward_unwanted_replies_total"));
    }

    /// <summary>
    /// The forwarder's UDP socket is connected to the upstream, so the kernel drops a datagram from any other
    /// address or port before the forwarder could see it (F-04): the forged reply is not even counted as
    /// unwanted. Were the socket unconnected and unchecked, the forgery (right ID and question, sent first)
    /// would win and this test would fail.
    /// </summary>
    [Theory]
    [InlineData("127.0.0.2", true)]
    [InlineData("127.0.0.1", false)]
    public async Task Forward_ForgedReplyFromOtherAddressOrPort_Ignored(string spoofAddress, bool upstreamPort)
    {
        using var upstream = new FakeUpstream(IPAddress.Loopback);
        using var spoofer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        spoofer.Bind(new IPEndPoint(IPAddress.Parse(spoofAddress), upstreamPort ? upstream.Endpoint.Port : 0));
        var spoofsSent = 0;
        upstream.Script = query =>
        {
            spoofsSent += spoofer.SendTo(FakeUpstream.BuildReply(query, DnsRcode.NoError, [Forged], 300), query.Source) > 0 ? 1 : 0;
            return FakeUpstream.AnswerA()(query);
        };
        using var server = TestMesh.Server(TestMesh.Patient, upstream);

        var reply = TestQuery.Parse(await DnsTestClient.UdpAsync(server.Endpoint, TestQuery.Build("www.example.com"), TestMesh.ClientTimeout));

        Assert.Equal(1, spoofsSent);
        Assert.Equal([FakeUpstream.DefaultAddress], reply.Addresses());
        Assert.Equal(0, await MetricsText.ReadAsync(server.Registry, "actordns_forward_unwanted_replies_total"));
    }
}
