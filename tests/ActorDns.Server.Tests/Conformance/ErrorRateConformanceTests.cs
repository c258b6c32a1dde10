using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using ActorDns.Server.Transport;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>P-20: error replies are capped per loop and second; valid queries are not.</summary>
public sealed class ErrorRateConformanceTests
{
    [Fact]
    public async Task ErrorRepliesBeyondTheCap_AreDroppedAndValidQueriesStillAnswered()
    {
        var table = ZoneTable.Create(new ZoneSettings(), 1, [new ZoneRecord("backend.mesh", [IPAddress.Parse("240.0.0.1")])]);
        using var server = new TestServer(table, listenerOptions: new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0))
        {
            UdpLoops = 1,
            UdpErrorRepliesPerSecond = 10,
        }, alternateRcodes: []);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server.Endpoint);

        for (var i = 0; i < 50; i++)
        {
            await socket.SendAsync(new QueryBuilder { Id = (ushort)i, QdCount = 2 }.Build(), SocketFlags.None);
        }

        await socket.SendAsync(new QueryBuilder { Id = 1000 }.Build(), SocketFlags.None);
        var replies = new List<DnsHeader>();
        var buffer = new byte[512];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        while (!replies.Any(h => h.Id == 1000))
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            DnsHeader.TryRead(buffer.AsSpan(0, length), out var header);
            replies.Add(header);
        }

        Assert.InRange(replies.Count(h => h.Rcode == DnsRcode.FormErr), 1, 10);
        Assert.Equal(DnsRcode.NoError, replies.Single(h => h.Id == 1000).Rcode);
    }
}
