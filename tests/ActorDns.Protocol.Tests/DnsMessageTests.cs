using System.Net;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Protocol.Tests;

public sealed class DnsMessageTests
{
    private const int Web = 12; // "web.mesh" in the question
    private const int Mesh = 16; // its "mesh" suffix

    private static readonly byte[] Soa20 = new DnsPacketBuilder()
        .UInt32(2024010101).UInt32(7200).UInt32(3600).UInt32(1209600).UInt32(300).ToArray();

    private static readonly IPAddress V4 = IPAddress.Parse("240.0.0.1");
    private static readonly IPAddress V6 = IPAddress.Parse("fd00::1");

    /// <summary>
    /// A response with compressed owners and compressed names inside CNAME, MX, SOA and NS RDATA
    /// (RFC 1035 §4.1.4; RFC 3597 §4 lists the types whose RDATA may be compressed).
    /// </summary>
    private static byte[] CompressedResponse()
    {
        var b = new DnsPacketBuilder()
            .Header(0xBEEF, DnsHeaderFlags.QR | DnsHeaderFlags.AA | DnsHeaderFlags.RD, qd: 1, an: 4, ns: 2, ar: 1)
            .Question("web.mesh");

        b.Pointer(Web).RecordHeader(DnsRecordType.CNAME, 6);
        var svc = b.Position;
        b.Label("svc").Pointer(Mesh);
        b.Pointer(svc).RecordHeader(DnsRecordType.A, 4).Bytes(V4.GetAddressBytes());
        b.Pointer(svc).RecordHeader(DnsRecordType.AAAA, 16).Bytes(V6.GetAddressBytes());
        b.Pointer(svc).RecordHeader(DnsRecordType.MX, 7).UInt16(10).Label("mx").Pointer(Mesh);

        b.Pointer(Mesh).RecordHeader(DnsRecordType.SOA, 6 + 13 + 20, ttl: 3600);
        var ns1 = b.Position;
        b.Label("ns1").Pointer(Mesh).Label("hostmaster").Pointer(Mesh).Bytes(Soa20);
        b.Pointer(Mesh).RecordHeader(DnsRecordType.NS, 2, ttl: 3600).Pointer(ns1);

        return b.Opt(payloadSize: 1232, flags: EdnsInfo.DnssecOk).ToArray();
    }

    private static DnsMessage ObjectResponse()
    {
        var message = new DnsMessage { Id = 0xBEEF, Flags = DnsHeader.MakeFlags(true, DnsOpcode.Query, DnsRcode.NoError, DnsHeaderFlags.AA | DnsHeaderFlags.RD) };
        message.Questions.Add(new DnsQuestion("web.mesh.", DnsRecordType.A));
        message.Answers.Add(new DnsResourceRecord("web.mesh.", DnsRecordType.CNAME, 1, 60, DnsName.Parse("svc.mesh")));
        message.Answers.Add(DnsResourceRecord.Address("svc.mesh.", V4, 60));
        message.Answers.Add(DnsResourceRecord.Address("svc.mesh.", V6, 60));
        message.Answers.Add(new DnsResourceRecord("svc.mesh.", DnsRecordType.MX, 1, 60, [0, 10, .. DnsName.Parse("mx.mesh")]));
        message.Authorities.Add(new DnsResourceRecord("mesh.", DnsRecordType.SOA, 1, 3600, [.. DnsName.Parse("ns1.mesh"), .. DnsName.Parse("hostmaster.mesh"), .. Soa20]));
        message.Authorities.Add(new DnsResourceRecord("mesh.", DnsRecordType.NS, 1, 3600, DnsName.Parse("ns1.mesh")));
        message.Additionals.Add(DnsResourceRecord.Address("ns1.mesh.", V4, 3600));
        return message;
    }

    private static byte[] Sample(string name) => name switch
    {
        "query" => DnsPacketBuilder.ValidQuery().ToArray(),
        "query-with-edns" => DnsPacketBuilder.Query(ar: 1).Question("wEb.MeSh", DnsRecordType.AAAA)
            .Opt(payloadSize: 4096, flags: EdnsInfo.DnssecOk, options: [.. DnsPacketBuilder.Option(10, new byte[8]), .. DnsPacketBuilder.Option(100, [1, 2])])
            .ToArray(),
        "compressed-response" => CompressedResponse(),
        "serialized-response" => ObjectResponse().ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    // ---- Every truncated prefix fails cleanly (RFC 1035 §4.1; RFC 9267) ----

    [Theory]
    [InlineData("query")]
    [InlineData("query-with-edns")]
    [InlineData("compressed-response")]
    [InlineData("serialized-response")]
    public void TryParse_EveryStrictPrefix_ReturnsFalse(string sample)
    {
        var wire = Sample(sample);
        Assert.True(DnsMessage.TryParse(wire, out _), "the whole sample must parse");

        for (var length = 0; length < wire.Length; length++)
        {
            Assert.False(DnsMessage.TryParse(wire.AsSpan(0, length), out _), $"prefix of {length} of {wire.Length} octets parsed");
        }
    }

    [Theory]
    [InlineData("query")]
    [InlineData("compressed-response")]
    public void TryParse_EveryTrailingExtension_ReturnsFalse(string sample)
    {
        var wire = Sample(sample);

        for (var extra = 1; extra <= 4; extra++)
        {
            Assert.False(DnsMessage.TryParse([.. wire, .. new byte[extra]], out _));
        }
    }

    // ---- Decoding ----

    [Fact]
    public void TryParse_CompressedResponse_ExpandsOwnersAndRdataNames()
    {
        Assert.True(DnsMessage.TryParse(CompressedResponse(), out var message));

        Assert.Equal(0xBEEF, message.Id);
        Assert.Equal(DnsRcode.NoError, message.Rcode);
        Assert.Equal(new DnsQuestion("web.mesh.", DnsRecordType.A), Assert.Single(message.Questions));

        Assert.Collection(
            message.Answers,
            r => AssertRecord(r, "web.mesh.", DnsRecordType.CNAME, DnsName.Parse("svc.mesh")),
            r => AssertRecord(r, "svc.mesh.", DnsRecordType.A, V4.GetAddressBytes()),
            r => AssertRecord(r, "svc.mesh.", DnsRecordType.AAAA, V6.GetAddressBytes()),
            r => AssertRecord(r, "svc.mesh.", DnsRecordType.MX, [0, 10, .. DnsName.Parse("mx.mesh")]));
        Assert.Collection(
            message.Authorities,
            r => AssertRecord(r, "mesh.", DnsRecordType.SOA, [.. DnsName.Parse("ns1.mesh"), .. DnsName.Parse("hostmaster.mesh"), .. Soa20]),
            r => AssertRecord(r, "mesh.", DnsRecordType.NS, DnsName.Parse("ns1.mesh")));
        var opt = Assert.Single(message.Additionals);
        AssertRecord(opt, ".", DnsRecordType.OPT, []);
        Assert.Equal(1232, opt.Class);
        Assert.Equal((uint)EdnsInfo.DnssecOk, opt.Ttl);
    }

    [Fact]
    public void TryParse_CompressedResponse_EqualsObjectBuiltResponse()
    {
        var expected = ObjectResponse();
        expected.Additionals.Clear();
        Assert.True(DnsMessage.TryParse(CompressedResponse(), out var parsed));
        parsed.Additionals.Clear();

        Assert.Equal(expected.ToString(), parsed.ToString());
    }

    [Fact]
    public void TryParse_ShorterThanHeader_ReturnsFalse()
    {
        Assert.False(DnsMessage.TryParse(new byte[11], out _));
    }

    [Fact]
    public void TryParse_HeaderOnly_ReturnsEmptyMessage()
    {
        Assert.True(DnsMessage.TryParse(Convert.FromHexString("ABCD85830000000000000000"), out var message));

        Assert.Equal(0xABCD, message.Id);
        Assert.Equal(DnsRcode.NXDomain, message.Rcode);
        Assert.Empty(message.Questions);
        Assert.Empty(message.Answers);
    }

    [Fact]
    public async Task TryParse_TwoPointerCycleInAdditionalRecord_ReturnsFalse()
    {
        // P-25: the answer's opaque RDATA holds a pointer to the additional record's owner, which points
        // back into that RDATA: A → B (backward) → A (forward, refused). Must end, not spin.
        var b = DnsPacketBuilder.Query(qd: 0, an: 1, ar: 1, flags: DnsHeaderFlags.QR);
        b.Bytes(0).RecordHeader((DnsRecordType)99, 2);
        var rdata = b.Position;
        var owner = rdata + 2;
        var wire = b.Pointer(owner).Pointer(rdata).RecordHeader(DnsRecordType.A, 4).Bytes(1, 2, 3, 4).ToArray();

        var parsed = await Task.Run(() => DnsMessage.TryParse(wire, out _)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(parsed);
    }

    [Fact]
    public void TryParse_CycleInsideCnameRdata_ReturnsFalse()
    {
        // The CNAME target points to itself.
        var b = DnsPacketBuilder.Query(an: 1, flags: DnsHeaderFlags.QR).Question("web.mesh");
        b.Pointer(Web).RecordHeader(DnsRecordType.CNAME, 2);
        var wire = b.Pointer(b.Position).ToArray();

        Assert.False(DnsMessage.TryParse(wire, out _));
    }

    [Theory]
    [InlineData(DnsRecordType.NS)]
    [InlineData(DnsRecordType.CNAME)]
    [InlineData(DnsRecordType.PTR)]
    public void TryParse_NameRdataNotEndingAtRdlength_ReturnsFalse(DnsRecordType type)
    {
        // RDLENGTH 8 but the name "svc.mesh" pointer form takes 6: two stray octets inside the RDATA.
        var wire = DnsPacketBuilder.Query(an: 1, flags: DnsHeaderFlags.QR).Question("web.mesh")
            .Pointer(Web).RecordHeader(type, 8).Label("svc").Pointer(Mesh).Bytes(0, 0).ToArray();

        Assert.False(DnsMessage.TryParse(wire, out _));
    }

    [Fact]
    public void TryParse_NameRdataRunningPastRdlength_ReturnsFalse()
    {
        // RDLENGTH 2 while the CNAME target takes 6 octets; the following 4 octets make the message long enough.
        var wire = DnsPacketBuilder.Query(an: 1, flags: DnsHeaderFlags.QR).Question("web.mesh")
            .Pointer(Web).RecordHeader(DnsRecordType.CNAME, 2).Label("svc").Pointer(Mesh).ToArray();

        Assert.False(DnsMessage.TryParse(wire, out _));
    }

    [Theory]
    [InlineData(19)]
    [InlineData(21)]
    public void TryParse_SoaWithWrongFixedPart_ReturnsFalse(int fixedOctets)
    {
        var wire = DnsPacketBuilder.Query(ns: 1, flags: DnsHeaderFlags.QR).Question("web.mesh")
            .Pointer(Mesh).RecordHeader(DnsRecordType.SOA, 4 + fixedOctets).Pointer(Mesh).Pointer(Mesh).Repeat(0, fixedOctets).ToArray();

        Assert.False(DnsMessage.TryParse(wire, out _));
    }

    [Theory]
    [InlineData(DnsRecordType.MX, 1)]
    [InlineData(DnsRecordType.SRV, 5)]
    public void TryParse_RdataShorterThanFixedPrefix_ReturnsFalse(DnsRecordType type, int rdLength)
    {
        var wire = DnsPacketBuilder.Query(an: 1, flags: DnsHeaderFlags.QR).Question("web.mesh")
            .Pointer(Web).RecordHeader(type, rdLength).Repeat(0, rdLength).ToArray();

        Assert.False(DnsMessage.TryParse(wire, out _));
    }

    [Fact]
    public void TryParse_RdlengthPastEnd_ReturnsFalse()
    {
        var wire = DnsPacketBuilder.Query(an: 1, flags: DnsHeaderFlags.QR).Question("web.mesh")
            .Pointer(Web).RecordHeader(DnsRecordType.A, 5).Bytes(1, 2, 3, 4).ToArray();

        Assert.False(DnsMessage.TryParse(wire, out _));
    }

    [Fact]
    public void TryParse_SrvRecord_ExpandsTarget()
    {
        var wire = DnsPacketBuilder.Query(an: 1, flags: DnsHeaderFlags.QR).Question("web.mesh", DnsRecordType.SRV)
            .Pointer(Web).RecordHeader(DnsRecordType.SRV, 6 + 6).UInt16(1).UInt16(2).UInt16(8080).Label("svc").Pointer(Mesh).ToArray();

        Assert.True(DnsMessage.TryParse(wire, out var message));
        Assert.Equal([0, 1, 0, 2, 0x1F, 0x90, .. DnsName.Parse("svc.mesh")], Assert.Single(message.Answers).Data);
    }

    // ---- Encoding ----

    [Fact]
    public void ToArray_ObjectResponse_CompressesRepeatedOwners()
    {
        var wire = ObjectResponse().ToArray();

        // The first answer's owner is a pointer to the question name (RFC 1035 §4.1.4).
        Assert.Equal([0xC0, Web], wire[26..28]);
        Assert.True(DnsMessage.TryParse(wire, out var parsed));
        Assert.Equal(ObjectResponse().ToString(), parsed.ToString());
    }

    [Fact]
    public void ToArray_OwnersDifferingInCase_KeepsEachCase()
    {
        // P-28 (RFC 4343 §4.1): compression must not replace "WEB" by "web".
        var message = new DnsMessage { Id = 1, Flags = DnsHeaderFlags.QR };
        message.Questions.Add(new DnsQuestion("WEB.mesh.", DnsRecordType.A));
        message.Answers.Add(DnsResourceRecord.Address("web.mesh.", V4, 60));
        message.Answers.Add(DnsResourceRecord.Address("WEB.mesh.", V4, 60));

        Assert.True(DnsMessage.TryParse(message.ToArray(), out var parsed));

        Assert.Equal("WEB.mesh.", parsed.Questions[0].Name);
        Assert.Equal(["web.mesh.", "WEB.mesh."], parsed.Answers.Select(a => a.Name));
    }

    [Fact]
    public void ToArray_ThenTryParse_ReproducesObjectResponse()
    {
        var original = ObjectResponse();

        Assert.True(DnsMessage.TryParse(original.ToArray(), out var parsed));

        Assert.Equal(original.ToString(), parsed.ToString());
        Assert.Equal(original.ToArray(), parsed.ToArray());
    }

    [Fact]
    public void ToString_Message_ShowsHeaderQuestionAndRecords()
    {
        var text = ObjectResponse().ToString();

        Assert.StartsWith(";; id 48879 opcode Query rcode NoError flags 0x8500\n;web.mesh.\tIN\tA\n", text);
        Assert.Contains("ANSWER\tsvc.mesh.\t60\t1\tA\t240.0.0.1\n", text);
        Assert.Contains("ADDITIONAL\tns1.mesh.\t3600\t1\tA\t240.0.0.1\n", text);
    }

    private static void AssertRecord(DnsResourceRecord record, string name, DnsRecordType type, byte[] data)
    {
        Assert.Equal(name, record.Name);
        Assert.Equal(type, record.Type);
        Assert.Equal(Convert.ToHexString(data), Convert.ToHexString(record.Data));
    }
}
