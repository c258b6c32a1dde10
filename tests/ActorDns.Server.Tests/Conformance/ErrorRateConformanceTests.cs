using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using ActorDns.Server.Transport;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>P-20: error replies (FORMERR, NOTIMP, REFUSED, BADVERS) are capped per loop and second; valid queries are not.</summary>
public sealed class ErrorRateConformanceTests
{
    /// <summary>A query the server answers with each error rcode.</summary>
    public static TheoryData<string, DnsRcode> ErrorQueries() => new()
    {
        { "two questions", DnsRcode.FormErr },
        { "opcode STATUS", DnsRcode.NotImp },
        { "a name outside the mesh, no forwarding", DnsRcode.Refused },
        { "EDNS version 1", DnsRcode.BadVers },
    };

    private static QueryBuilder ErrorQuery(string kind, ushort id) => kind switch
    {
        "two questions" => new QueryBuilder { Id = id, QdCount = 2 },
        "opcode STATUS" => new QueryBuilder { Id = id, Flags = (ushort)(DnsHeaderFlags.RD | (2 << 11)) },
        "a name outside the mesh, no forwarding" => new QueryBuilder { Id = id, Name = "example.org" },
        _ => new QueryBuilder { Id = id, Edns = true, EdnsVersion = 1 },
    };

    [Theory]
    [MemberData(nameof(ErrorQueries))]
    public async Task ErrorRepliesBeyondTheCap_AreDroppedAndValidQueriesStillAnswered(string kind, DnsRcode rcode)
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
            await socket.SendAsync(ErrorQuery(kind, (ushort)i).Build(), SocketFlags.None);
        }

        await socket.SendAsync(new QueryBuilder { Id = 1000 }.Build(), SocketFlags.None);
        var replies = new List<DnsMessage>();
        var buffer = new byte[512];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        while (!replies.Any(h => h.Id == 1000))
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(DnsMessage.TryParse(buffer.AsSpan(0, length), out var reply));
            replies.Add(reply);
        }

        var errors = replies.Where(r => r.Id != 1000).ToList();
        Assert.All(errors, r => Assert.Equal(rcode, Rcode(r)));
        Assert.InRange(errors.Count, 1, 10);
        Assert.Equal(DnsRcode.NoError, replies.Single(h => h.Id == 1000).Rcode);
    }

    /// <summary>The full rcode: BADVERS (16) has its upper bits in the OPT record's TTL (RFC 6891 §6.1.3).</summary>
    private static DnsRcode Rcode(DnsMessage reply) =>
        (DnsRcode)((int)reply.Rcode | (reply.Additionals.FirstOrDefault(r => r.Type == DnsRecordType.OPT) is { } opt ? (int)(opt.Ttl >> 24) << 4 : 0));
}
