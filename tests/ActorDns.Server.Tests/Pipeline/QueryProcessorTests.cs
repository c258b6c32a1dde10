using System.Buffers.Binary;
using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Pipeline;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline;

/// <summary>
/// The processor's outcomes without sockets: what the front end keeps, what the mesh step answers or passes on,
/// what <c>alternate</c> hands to the forwarder, and what is sent when no step answers (SPEC §4.2–4.4).
/// </summary>
public sealed class QueryProcessorTests : IDisposable
{
    private readonly ZoneSlot _zone = new(ZoneTable.Create(new ZoneSettings(), 1, [new ZoneRecord("backend.mesh", [IPAddress.Parse("240.0.0.1")])]));
    private readonly Forwarder _forwarder = NewForwarder(maxConcurrent: 1000);
    private readonly byte[] _response = new byte[ushort.MaxValue];

    public static TheoryData<string, byte[], OutcomeKind, DnsRcode> KumaDefaultCases() => new()
    {
        { "mesh name", new QueryBuilder().Build(), OutcomeKind.Reply, DnsRcode.NoError },
        { "AAAA of a mesh name (mapped)", new QueryBuilder { Type = (ushort)DnsRecordType.AAAA }.Build(), OutcomeKind.Reply, DnsRcode.NoError },
        { "apex SOA", new QueryBuilder { Name = "mesh", Type = (ushort)DnsRecordType.SOA }.Build(), OutcomeKind.Reply, DnsRcode.NoError },
        { "unknown mesh name: NXDOMAIN, in the alternate set", new QueryBuilder { Name = "nosuch.mesh" }.Build(), OutcomeKind.Forward, DnsRcode.NoError },
        { "outside the domain: passed on", new QueryBuilder { Name = "example.org" }.Build(), OutcomeKind.Forward, DnsRcode.NoError },
        { "type not served on a mesh name: passed on", new QueryBuilder { Type = (ushort)DnsRecordType.TXT }.Build(), OutcomeKind.Forward, DnsRcode.NoError },
        { "two questions: the front end's FORMERR, never forwarded", new QueryBuilder { QdCount = 2 }.Build(), OutcomeKind.Reply, DnsRcode.FormErr },
        { "AXFR: REFUSED by the front end", new QueryBuilder { Type = (ushort)DnsRecordType.AXFR }.Build(), OutcomeKind.Reply, DnsRcode.Refused },
        { "class CH: REFUSED by the front end", new QueryBuilder { Class = (ushort)DnsClass.CH }.Build(), OutcomeKind.Reply, DnsRcode.Refused },
        { "a response (QR=1)", new QueryBuilder { Flags = DnsHeaderFlags.QR }.Build(), OutcomeKind.Drop, DnsRcode.NoError },
    };

    [Theory]
    [MemberData(nameof(KumaDefaultCases))]
    public void Process_KumaDefault_OutcomeAsSpecified(string caseId, byte[] query, OutcomeKind kind, DnsRcode rcode)
    {
        var outcome = new QueryProcessor(TestPipelines.KumaDefault(_zone, _forwarder)).Process(query, _response, overUdp: true, default, 0);

        Assert.Equal((kind, rcode), (outcome.Kind, outcome.Rcode));
        Assert.Equal(kind == OutcomeKind.Forward ? _forwarder : null, outcome.Route?.Forwarder);
        if (kind == OutcomeKind.Reply)
        {
            Assert.True(outcome.Length >= DnsHeader.Size, caseId);
            Assert.Equal((int)rcode, BinaryPrimitives.ReadUInt16BigEndian(_response.AsSpan(2)) & DnsHeaderFlags.RcodeMask);
        }
    }

    [Theory]
    [InlineData("example.org", DnsRecordType.A, DnsRcode.Refused)]
    [InlineData("backend.mesh", DnsRecordType.TXT, DnsRcode.NotImp)]
    public void Process_NoStepAnswers_ReplySaysWhyAndIsAnErrorReply(string name, DnsRecordType type, DnsRcode expected)
    {
        var processor = new QueryProcessor(TestPipelines.KumaDefault(_zone, _forwarder, alternateRcodes: []));

        var outcome = processor.Process(new QueryBuilder { Name = name, Type = (ushort)type }.Build(), _response, overUdp: true, default, 0);

        Assert.Equal((OutcomeKind.Reply, expected, true), (outcome.Kind, outcome.Rcode, outcome.IsError));
    }

    [Fact]
    public void Process_NxdomainFromTheMesh_IsAnAnswerNotAnErrorReply()
    {
        var processor = new QueryProcessor(TestPipelines.KumaDefault(_zone, _forwarder, alternateRcodes: []));

        var outcome = processor.Process(new QueryBuilder { Name = "nosuch.mesh" }.Build(), _response, overUdp: true, default, 0);

        Assert.Equal((OutcomeKind.Reply, DnsRcode.NXDomain, false), (outcome.Kind, outcome.Rcode, outcome.IsError));
    }

    [Fact]
    public void Process_AlternateWithoutTheRcode_KeepsTheMeshAnswer()
    {
        // `alternate SERVFAIL . …`: the mesh's NXDOMAIN and a passed-on TXT (NOTIMP) are both final.
        var processor = new QueryProcessor(TestPipelines.KumaDefault(_zone, _forwarder, alternateRcodes: [DnsRcode.ServFail]));

        var nxdomain = processor.Process(new QueryBuilder { Name = "nosuch.mesh" }.Build(), _response, overUdp: true, default, 0);
        var txt = processor.Process(new QueryBuilder { Type = (ushort)DnsRecordType.TXT }.Build(), _response, overUdp: true, default, 0);

        Assert.Equal((OutcomeKind.Reply, DnsRcode.NXDomain), (nxdomain.Kind, nxdomain.Rcode));
        Assert.Equal((OutcomeKind.Reply, DnsRcode.NotImp), (txt.Kind, txt.Rcode));
    }

    [Fact]
    public void Process_ForwarderFull_RefusedAtOnceNotCappedAsAnErrorReply()
    {
        using var full = NewForwarder(maxConcurrent: 1);
        var processor = new QueryProcessor(TestPipelines.KumaDefault(_zone, full));
        var query = new QueryBuilder { Name = "example.org" }.Build();

        var admitted = processor.Process(query, _response, overUdp: true, default, 0);
        var refused = processor.Process(query, _response, overUdp: true, default, 0);

        Assert.Equal(OutcomeKind.Forward, admitted.Kind);
        Assert.Equal((OutcomeKind.Reply, DnsRcode.Refused, false, (ForwardRoute?)null), (refused.Kind, refused.Rcode, refused.IsError, refused.Route));
    }

    private static Forwarder NewForwarder(int maxConcurrent) => new(
        new ForwarderOptions { MaxConcurrent = maxConcurrent },
        new ForwarderMetrics(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry())),
        new Random(1),
        TimeProvider.System);

    public void Dispose() => _forwarder.Dispose();
}
