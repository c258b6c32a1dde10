using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>
/// One real listener for the conformance tables, with no alternate step: what the client sees is exactly
/// the mesh step's answer. Zone: backend.mesh, v6.mesh (a real IPv6 VIP), httpbin.org (an ExternalService
/// host outside the domain), and names with many VIPs for the truncation edges.
/// </summary>
public sealed class ConformanceServer : IDisposable
{
    public const string Vip = "240.0.0.1";

    /// <summary>A MeshService's hostname and the service name of its named port (SPEC §4.1).</summary>
    public const string ServiceTarget = "redis.svc.mesh.local";

    public const string ServiceName = "_main._tcp." + ServiceTarget;

    public const string ServiceVip = "241.0.0.1";

    public const ushort ServicePort = 6379;

    /// <summary>
    /// A service name of 230 wire octets: its SRV reply without EDNS fits 512 octets only without the additional section.
    /// </summary>
    public static readonly string LongServiceName = "_main._tcp." + QueryBuilder.NameOfWireLength(219);

    public ConformanceServer()
    {
        var records = new List<ZoneRecord>
        {
            new("backend.mesh", [IPAddress.Parse(Vip)]),
            new("v6.mesh", [IPAddress.Parse("240.0.0.2"), IPAddress.Parse("fd00:fd00::2")]),
            new("httpbin.org", [IPAddress.Parse("240.0.0.3")]),
            new("many.mesh", Enumerable.Range(1, 40).Select(i => new IPAddress([240, 0, 1, (byte)i])).ToList()),
            new(QueryBuilder.NameOfWireLength(16), Addresses(30)),
            new(QueryBuilder.NameOfWireLength(17), Addresses(30)),
            new(QueryBuilder.NameOfWireLength(181), Addresses(64)),
            new(QueryBuilder.NameOfWireLength(182), Addresses(64)),
            new(ServiceTarget, [IPAddress.Parse(ServiceVip)]),
            new(ServiceName, [IPAddress.Parse(ServiceVip)]) { SrvPort = ServicePort },
            new(LongServiceName, [IPAddress.Parse(ServiceVip)]) { SrvPort = ServicePort },
        };
        Server = new TestServer(ZoneTable.Create(new ZoneSettings(), 7, records), alternateRcodes: []);
    }

    public TestServer Server { get; }

    public IPEndPoint Endpoint => Server.Endpoint;

    private static List<IPAddress> Addresses(int count) => Enumerable.Range(1, count).Select(i => new IPAddress([240, 0, 2, (byte)i])).ToList();

    public Task<byte[]?> ExchangeAsync(string protocol, byte[] query, TimeSpan? timeout = null) =>
        protocol == "udp" ? DnsTestClient.UdpAsync(Endpoint, query, timeout) : DnsTestClient.TcpAsync(Endpoint, query, timeout);

    /// <summary>Sends a query that must get a reply and parses it.</summary>
    public async Task<(DnsHeader Header, DnsMessage Message, byte[] Wire)> AskAsync(string protocol, byte[] query)
    {
        var reply = await ExchangeAsync(protocol, query);
        Assert.NotNull(reply);
        Assert.True(DnsHeader.TryRead(reply, out var header));
        Assert.True(DnsMessage.TryParse(reply, out var message), "reply must be a well-formed message");
        return (header, message, reply);
    }

    /// <summary>After abusive input the server still answers a normal query (conformance P-69).</summary>
    public async Task AssertAliveAsync(string protocol = "udp")
    {
        var (header, message, _) = await AskAsync(protocol, new QueryBuilder().Build());
        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.Single(message.Answers);
    }

    public void Dispose() => Server.Dispose();
}
