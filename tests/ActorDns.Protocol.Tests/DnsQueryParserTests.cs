using ActorDns.Testing.Dns;
using Xunit;
namespace ActorDns.Protocol.Tests;

/// <summary>
/// Conformance cases P-01…P-40 of shared/reference/dns-conformance.md at the parser level: each packet is
/// built octet by octet and passed as hex so every row shows up as its own test case.
/// </summary>
public sealed class DnsQueryParserTests
{
    private static DnsPacketBuilder Q(ushort qd = 1, ushort an = 0, ushort ns = 0, ushort ar = 0, ushort flags = DnsHeaderFlags.RD) =>
        DnsPacketBuilder.Query(qd, an, ns, ar, flags);

    private static ushort OpcodeFlags(int opcode, ushort bits = DnsHeaderFlags.RD) => (ushort)((opcode << DnsHeaderFlags.OpcodeShift) | bits);

    private static readonly byte[] LongQName255 = TestNames.OfLength(255);

    public static TheoryData<string, string> FormErrCases => new()
    {
        // P-06 (RFC 9619 §4): no question.
        { "P-06 QDCOUNT=0, no OPT", Q(qd: 0).ToHex() },
        { "P-06 QDCOUNT=0 with OPT", Q(qd: 0, ar: 1).Opt().ToHex() },
        { "P-06 QDCOUNT=0 with COOKIE", Q(qd: 0, ar: 1).Opt(options: DnsPacketBuilder.Option(10, new byte[8])).ToHex() },

        // P-07 (RFC 9619 §4): more than one question.
        { "P-07 duplicate question", Q(qd: 2).Question("web.mesh").Question("web.mesh").ToHex() },
        { "P-07 same name, two types", Q(qd: 2).Question("web.mesh").Question("web.mesh", DnsRecordType.AAAA).ToHex() },
        { "P-07 same name, two classes", Q(qd: 2).Question("web.mesh").Question("web.mesh", @class: DnsClass.CH).ToHex() },
        { "P-07 two names", Q(qd: 2).Question("web.mesh").Question("api.mesh").ToHex() },
        { "P-07 QDCOUNT=2, one question present", Q(qd: 2).Question("web.mesh").ToHex() },

        // P-08 (RFC 1035 §4.1.2): short question.
        { "P-08 QDCOUNT=1, no question octets", Q().ToHex() },
        { "P-08 QNAME without root label", Q().Label("web").ToHex() },
        { "P-08 QNAME without QTYPE", Q().Name("web.mesh").ToHex() },
        { "P-08 QTYPE cut in half", Q().Name("web.mesh").Bytes(0).ToHex() },
        { "P-08 question without QCLASS", Q().Name("web.mesh").UInt16(1).ToHex() },
        { "P-08 QCLASS cut in half", Q().Name("web.mesh").UInt16(1).Bytes(0).ToHex() },

        // P-09 (NSD query_process, Unbound worker_check_request): answer/authority data in a query.
        { "P-09 ANCOUNT=1", Q(an: 1).Question("web.mesh").Name("web.mesh").RecordHeader(DnsRecordType.A, 4).Bytes(1, 2, 3, 4).ToHex() },
        { "P-09 NSCOUNT=1", Q(ns: 1).Question("web.mesh").Name("mesh").RecordHeader(DnsRecordType.NS, 2).Pointer(16).ToHex() },
        { "P-34 OPT in answer section", Q(an: 1).Question("web.mesh").Opt().ToHex() },
        { "P-34 OPT in authority section", Q(ns: 1).Question("web.mesh").Opt().ToHex() },
        { "P-11 ANCOUNT=65535", Q(an: 65535).Question("web.mesh").ToHex() },

        // P-10 / P-11 (RFC 9267): counts that the datagram cannot hold.
        { "P-10 ARCOUNT=1, no record", Q(ar: 1).Question("web.mesh").ToHex() },
        { "P-10 ARCOUNT=2, one record", Q(ar: 2).Question("web.mesh").Opt().ToHex() },
        { "P-10 truncated OPT (no RDLENGTH)", Q(ar: 1).Question("web.mesh").Bytes(0).UInt16(41).UInt16(1232).UInt32(0).ToHex() },
        { "P-10 RDLENGTH past end", Q(ar: 1).Question("web.mesh").Bytes(0).RecordHeader(DnsRecordType.OPT, 20).Bytes(0, 10, 0, 0).ToHex() },
        { "P-10 additional owner name malformed", Q(ar: 1).Question("web.mesh").Bytes(0x40).Repeat(0, 20).ToHex() },
        { "P-11 ARCOUNT=65535 in 40 octets", Q(ar: 65535).Question("web.mesh").Repeat(0, 40 - 12 - 14).ToHex() },

        // P-12: trailing octets after the last counted record (documented choice: FORMERR, as Knot).
        { "P-12 one trailing octet", DnsPacketBuilder.ValidQuery().Bytes(0).ToHex() },
        { "P-12 trailing garbage", DnsPacketBuilder.ValidQuery().Bytes(0xDE, 0xAD, 0xBE, 0xEF).ToHex() },
        { "P-12 trailing octets after OPT", DnsPacketBuilder.ValidQuery(withEdns: true).Bytes(0, 0).ToHex() },

        // P-21 / P-22 (RFC 1035 §2.3.4, §4.1.4; RFC 6891 §5): label length and type.
        { "P-21 label length 0x40", Q().Bytes(0x40).Repeat((byte)'a', 64).Bytes(0).UInt16(1).UInt16(1).ToHex() },
        { "P-22 label type 0x80", Q().Bytes(0x80).Repeat((byte)'a', 128).Bytes(0).UInt16(1).UInt16(1).ToHex() },
        { "P-22 label type 0xBF after a label", Q().Label("web").Bytes(0xBF).Repeat((byte)'a', 191).Bytes(0).UInt16(1).UInt16(1).ToHex() },

        // P-23 (RFC 1035 §2.3.4): name too long.
        { "P-23 QNAME of 256 octets", Q().Bytes(TestNames.OfLength(256)).UInt16(1).UInt16(1).ToHex() },
        { "P-23 QNAME of 128 labels", Q().Bytes(TestNames.WithLabels(128)).UInt16(1).UInt16(1).ToHex() },

        // P-25 (RFC 1035 §4.1.4, RFC 9267): no compression at all in a query's QNAME.
        { "P-25 pointer to itself", Q().Pointer(12).UInt16(1).UInt16(1).ToHex() },
        { "P-25 forward pointer", Q().Label("web").Pointer(22).UInt16(1).UInt16(1).Name("mesh").ToHex() },
        { "P-25 pointer beyond end", Q().Label("web").Pointer(0x3FFF).UInt16(1).UInt16(1).ToHex() },
        { "P-25 pointer into header", Q().Label("web").Pointer(0).UInt16(1).UInt16(1).ToHex() },

        // P-26 (RFC 9267): label running past the end.
        { "P-26 label past end", Q().Bytes(0x3F).Repeat((byte)'a', 10).ToHex() },
        { "P-26 label past end by one", Q().Bytes(3, (byte)'w', (byte)'e').ToHex() },

        // P-32 / P-33 / P-35 (RFC 6891 §6.1.1–§6.1.2): malformed EDNS.
        { "P-32 two OPT", Q(ar: 2).Question("web.mesh").Opt().Opt().ToHex() },
        { "P-33 OPT owner not root", Q(ar: 1).Question("web.mesh").Name("a").RecordHeader(DnsRecordType.OPT, 0, ttl: 0, @class: 1232).ToHex() },
        { "P-33 OPT owner is a pointer to root", Q(ar: 1).Question("web.mesh").Pointer(21).RecordHeader(DnsRecordType.OPT, 0, ttl: 0, @class: 1232).ToHex() },
        { "P-35 option length past RDATA", Q(ar: 1).Question("web.mesh").Opt(options: [0, 100, 0, 8, 1, 2, 3, 4]).ToHex() },
        { "P-35 RDLEN shorter than an option header", Q(ar: 1).Question("web.mesh").Opt(options: [0, 100]).ToHex() },
        { "P-35 second option truncated", Q(ar: 1).Question("web.mesh").Opt(options: [.. DnsPacketBuilder.Option(100, [1]), 0, 3, 0]).ToHex() },
        { "P-32 two OPT, second with version 1", Q(ar: 2).Question("web.mesh").Opt().Opt(version: 1).ToHex() },
    };

    public static TheoryData<string, string> OkCases => new()
    {
        { "plain query", DnsPacketBuilder.ValidQuery().ToHex() },
        { "query with EDNS", DnsPacketBuilder.ValidQuery(withEdns: true).ToHex() },
        { "root QNAME", Q().Question(".", DnsRecordType.NS).ToHex() },
        { "P-13 Z bit", Q(flags: DnsHeaderFlags.RD | DnsHeaderFlags.Z).Question("web.mesh").ToHex() },
        { "P-14 TC=1", Q(flags: DnsHeaderFlags.TC).Question("web.mesh").ToHex() },
        { "P-15 AA RA AD CD", Q(flags: DnsHeaderFlags.AA | DnsHeaderFlags.RA | DnsHeaderFlags.AD | DnsHeaderFlags.CD).Question("web.mesh").ToHex() },
        { "P-15 rcode bits set in query", Q(flags: 0x000F).Question("web.mesh").ToHex() },
        { "P-21 label of 63", Q().Bytes(63).Repeat((byte)'a', 63).Name("mesh").UInt16(1).UInt16(1).ToHex() },
        { "P-24 QNAME of 255 octets", Q().Bytes(LongQName255).UInt16(1).UInt16(1).ToHex() },
        { "P-24 127 labels", Q().Bytes(TestNames.WithLabels(127)).UInt16(1).UInt16(1).ToHex() },
        { "P-27 NUL, 0xFF and dot in a label", Q().Bytes(3, 0, 0xFF, (byte)'.').Name("mesh").UInt16(1).UInt16(1).ToHex() },
        { "P-28 0x20 mixed case", Q().Question("wEb.MeSh").ToHex() },
        { "P-36 unknown option 100", Q(ar: 1).Question("web.mesh").Opt(options: DnsPacketBuilder.Option(100, [1, 2, 3])).ToHex() },
        { "P-37 unknown EDNS flag 0x0080", Q(ar: 1).Question("web.mesh").Opt(flags: 0x0080).ToHex() },
        { "P-37 all EDNS flags", Q(ar: 1).Question("web.mesh").Opt(flags: 0xFFFF).ToHex() },
        { "P-38 payload 100", Q(ar: 1).Question("web.mesh").Opt(payloadSize: 100).ToHex() },
        { "P-38 payload 0", Q(ar: 1).Question("web.mesh").Opt(payloadSize: 0).ToHex() },
        {
            "P-40 NSID, COOKIE, ECS, EXPIRE, KEEPALIVE, PADDING",
            Q(ar: 1).Question("web.mesh").Opt(options:
            [
                .. DnsPacketBuilder.Option(3, []),
                .. DnsPacketBuilder.Option(10, [1, 2, 3, 4, 5, 6, 7, 8]),
                .. DnsPacketBuilder.Option(8, [0, 1, 24, 0, 192, 0, 2]),
                .. DnsPacketBuilder.Option(9, []),
                .. DnsPacketBuilder.Option(11, []),
                .. DnsPacketBuilder.Option(12, new byte[468]),
            ]).ToHex()
        },
        { "P-40 9 KB padding", Q(ar: 1).Question("web.mesh").Opt(options: DnsPacketBuilder.Option(12, new byte[9 * 1024])).ToHex() },
        { "EDNS with extended rcode bits set", Q(ar: 1).Question("web.mesh").Opt(extendedRcode: 0xFF).ToHex() },
    };

    // ---- P-01 / P-02 / P-03: dropped without a reply (RFC 1035 §4.1.1) ----

    public static TheoryData<int> ShortLengths => [.. Enumerable.Range(0, DnsHeader.Size)];

    [Theory]
    [MemberData(nameof(ShortLengths))]
    public void Parse_ShorterThanHeaderAllZero_ReturnsDrop(int length)
    {
        Assert.Equal(QueryParseStatus.Drop, DnsQueryParser.Parse(new byte[length], out _));
    }

    [Theory]
    [MemberData(nameof(ShortLengths))]
    public void Parse_ShorterThanHeaderRandom_ReturnsDrop(int length)
    {
        var random = new Random(length);
        for (var i = 0; i < 50; i++)
        {
            var packet = new byte[length];
            random.NextBytes(packet);

            Assert.Equal(QueryParseStatus.Drop, DnsQueryParser.Parse(packet, out _));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(15)]
    public void Parse_ResponseBitSet_ReturnsDrop(int opcode)
    {
        var packet = DnsPacketBuilder.Query(flags: (ushort)(DnsHeaderFlags.QR | OpcodeFlags(opcode))).Question("web.mesh").ToArray();

        Assert.Equal(QueryParseStatus.Drop, DnsQueryParser.Parse(packet, out _));
    }

    [Fact]
    public void Parse_ResponseBitWithMalformedBody_ReturnsDrop()
    {
        var packet = DnsPacketBuilder.Query(qd: 5, an: 7, flags: DnsHeaderFlags.QR).Bytes(0xC0).ToArray();

        Assert.Equal(QueryParseStatus.Drop, DnsQueryParser.Parse(packet, out _));
    }

    // ---- P-04 / P-05: opcodes other than QUERY (RFC 1035 §4.1.1, RFC 8906 §3.1.4) ----

    [Theory]
    [InlineData(1)] // IQUERY, RFC 3425
    [InlineData(2)] // STATUS
    [InlineData(3)]
    [InlineData(4)] // NOTIFY, RFC 1996
    [InlineData(5)] // UPDATE, RFC 2136
    [InlineData(6)] // DSO, not over UDP
    [InlineData(7)]
    [InlineData(15)]
    public void Parse_OpcodeOtherThanQuery_ReturnsNotImp(int opcode)
    {
        var packet = DnsPacketBuilder.Query(flags: OpcodeFlags(opcode)).Question("web.mesh").ToArray();

        Assert.Equal(QueryParseStatus.NotImp, DnsQueryParser.Parse(packet, out var query));
        Assert.Equal((DnsOpcode)opcode, query.Header.Opcode);
        Assert.Equal(DnsPacketBuilder.DefaultId, query.Header.Id);
        Assert.True(query.HasQuestion);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(15)]
    public void Parse_OpcodeOtherThanQueryWithEveryFlag_ReturnsNotImp(int opcode)
    {
        var packet = DnsPacketBuilder.Query(flags: OpcodeFlags(opcode, 0x07FF)).Question("web.mesh").ToArray();

        Assert.Equal(QueryParseStatus.NotImp, DnsQueryParser.Parse(packet, out _));
    }

    [Theory]
    [InlineData(2, 0)] // opcode decides before the question count (RFC 8906 §3.1.4)
    [InlineData(5, 3)]
    public void Parse_OpcodeOtherThanQueryWithBadQuestionCount_ReturnsNotImpWithoutQuestion(int opcode, ushort qd)
    {
        var packet = DnsPacketBuilder.Query(qd: qd, flags: OpcodeFlags(opcode)).ToArray();

        Assert.Equal(QueryParseStatus.NotImp, DnsQueryParser.Parse(packet, out var query));
        Assert.False(query.HasQuestion);
    }

    // ---- FORMERR table (P-06…P-35) ----

    [Theory]
    [MemberData(nameof(FormErrCases))]
    public void Parse_MalformedQuery_ReturnsFormErr(string caseId, string hex)
    {
        var packet = Convert.FromHexString(hex);

        var status = DnsQueryParser.Parse(packet, out var query);

        Assert.True(status == QueryParseStatus.FormErr, $"{caseId}: expected FormErr, got {status}");
        Assert.Equal(DnsPacketBuilder.DefaultId, query.Header.Id); // P-18: the ID survives for the reply
        Assert.True(query.QuestionLength <= packet.Length - DnsQuery.QuestionOffset, caseId);
    }

    [Fact]
    public void Parse_FortyOctetsWithArCount65535_PacketIsFortyOctets()
    {
        // Guards the table row above: the case is only meaningful at this exact size (P-11).
        Assert.Equal(40, DnsPacketBuilder.Query(ar: 65535).Question("web.mesh").Repeat(0, 40 - 12 - 14).ToArray().Length);
    }

    [Fact]
    public void Parse_TwoQuestions_KeepsFirstQuestionForTheReply()
    {
        var packet = DnsPacketBuilder.Query(qd: 2).Question("web.mesh").Question("api.mesh").ToArray();

        Assert.Equal(QueryParseStatus.FormErr, DnsQueryParser.Parse(packet, out var query));
        Assert.True(query.HasQuestion);
        Assert.Equal(DnsName.Parse("web.mesh"), query.QName(packet).ToArray());
    }

    [Fact]
    public void Parse_MalformedOpt_LeavesEdnsAbsent()
    {
        // P-19: the FORMERR reply carries an OPT only when the query's OPT itself parsed.
        var packet = DnsPacketBuilder.Query(ar: 1).Question("web.mesh").Opt(payloadSize: 4096, options: [0, 100, 0, 9]).ToArray();

        Assert.Equal(QueryParseStatus.FormErr, DnsQueryParser.Parse(packet, out var query));
        Assert.False(query.Edns.Present);
    }

    [Fact]
    public void Parse_TrailingGarbageAfterValidOpt_KeepsEdnsForTheReply()
    {
        var packet = DnsPacketBuilder.Query(ar: 1).Question("web.mesh").Opt(payloadSize: 4096, flags: EdnsInfo.DnssecOk).Bytes(0xFF).ToArray();

        Assert.Equal(QueryParseStatus.FormErr, DnsQueryParser.Parse(packet, out var query));
        Assert.True(query.Edns.Present);
        Assert.True(query.Edns.DnssecOkBit);
    }

    // ---- Accepted queries ----

    [Theory]
    [MemberData(nameof(OkCases))]
    public void Parse_WellFormedQuery_ReturnsOk(string caseId, string hex)
    {
        var packet = Convert.FromHexString(hex);

        var status = DnsQueryParser.Parse(packet, out var query);

        Assert.True(status == QueryParseStatus.Ok, $"{caseId}: expected Ok, got {status}");
        Assert.True(query.HasQuestion, caseId);
        Assert.Equal(DnsPacketBuilder.DefaultId, query.Header.Id);
    }

    [Fact]
    public void Parse_ValidQuery_ExposesQuestionInPlace()
    {
        var packet = DnsPacketBuilder.Query().Question("web.mesh", DnsRecordType.AAAA, DnsClass.CH).ToArray();

        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));
        Assert.Equal(10, query.QNameLength);
        Assert.Equal(14, query.QuestionLength);
        Assert.Equal(DnsRecordType.AAAA, query.QType);
        Assert.Equal(DnsClass.CH, query.QClass);
        Assert.Equal(packet[12..], query.Question(packet).ToArray());
        Assert.False(query.Edns.Present);
        Assert.True(query.Header.Has(DnsHeaderFlags.RD));
    }

    [Fact]
    public void Parse_MixedCaseQName_PreservesCaseInPlace()
    {
        // P-28 (RFC 4343 §4.1): the question is echoed with the exact case sent.
        var packet = DnsPacketBuilder.Query().Question("wEb.MeSh").ToArray();

        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));
        Assert.Equal("wEb.MeSh.", DnsName.ToText(query.QName(packet)));
    }

    [Fact]
    public void Parse_QName255Octets_ReportsFullLength()
    {
        var packet = DnsPacketBuilder.Query().Bytes(LongQName255).UInt16(1).UInt16(1).ToArray();

        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));
        Assert.Equal(255, query.QNameLength);
    }

    // ---- Every truncated prefix of a valid query fails cleanly (RFC 9267) ----

    public static TheoryData<string, string> ValidQueries => new()
    {
        { "plain", DnsPacketBuilder.ValidQuery().ToHex() },
        { "with EDNS", DnsPacketBuilder.ValidQuery(withEdns: true).ToHex() },
        { "EDNS with options", Q(ar: 1).Question("wEb.MeSh", DnsRecordType.AAAA).Opt(payloadSize: 4096, flags: EdnsInfo.DnssecOk, options: [.. DnsPacketBuilder.Option(10, new byte[8]), .. DnsPacketBuilder.Option(100, [])]).ToHex() },
        { "255-octet QNAME with EDNS", Q(ar: 1).Bytes(LongQName255).UInt16(1).UInt16(1).Opt().ToHex() },
        { "BADVERS query", Q(ar: 1).Question("web.mesh").Opt(version: 1).ToHex() },
    };

    [Theory]
    [MemberData(nameof(ValidQueries))]
    public void Parse_EveryStrictPrefixOfValidQuery_ReturnsDropOrFormErr(string caseId, string hex)
    {
        var packet = Convert.FromHexString(hex);
        Assert.NotEqual(QueryParseStatus.FormErr, DnsQueryParser.Parse(packet, out _));

        for (var length = 0; length < packet.Length; length++)
        {
            var status = DnsQueryParser.Parse(packet.AsSpan(0, length), out _);
            var expected = length < DnsHeader.Size ? QueryParseStatus.Drop : QueryParseStatus.FormErr;
            Assert.True(status == expected, $"{caseId}: prefix of {length} octets gave {status}, expected {expected}");
        }
    }

    // ---- EDNS(0) (RFC 6891) ----

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(255)]
    public void Parse_EdnsVersionAboveZero_ReturnsBadVers(byte version)
    {
        // P-31 (RFC 6891 §6.1.3).
        var packet = DnsPacketBuilder.Query(ar: 1).Question("web.mesh").Opt(payloadSize: 4096, version: version, flags: EdnsInfo.DnssecOk).ToArray();

        Assert.Equal(QueryParseStatus.BadVers, DnsQueryParser.Parse(packet, out var query));
        Assert.True(query.Edns.Present);
        Assert.Equal(version, query.Edns.Version);
        Assert.True(query.Edns.DnssecOkBit);
        Assert.True(query.HasQuestion);
    }

    [Fact]
    public void Parse_EdnsVersionOneWithTrailingGarbage_ReturnsFormErr()
    {
        // A malformed message is FORMERR before its EDNS version is considered.
        var packet = DnsPacketBuilder.Query(ar: 1).Question("web.mesh").Opt(version: 1).Bytes(0).ToArray();

        Assert.Equal(QueryParseStatus.FormErr, DnsQueryParser.Parse(packet, out _));
    }

    [Theory]
    [InlineData(512, 0)]
    [InlineData(1232, EdnsInfo.DnssecOk)]
    [InlineData(4096, EdnsInfo.DnssecOk)]
    [InlineData(65535, 0x0080)]
    public void Parse_QueryWithOpt_ReadsPayloadSizeAndFlags(ushort payloadSize, ushort flags)
    {
        var packet = DnsPacketBuilder.Query(ar: 1).Question("web.mesh").Opt(payloadSize: payloadSize, flags: flags).ToArray();

        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));
        Assert.True(query.Edns.Present);
        Assert.Equal(payloadSize, query.Edns.UdpPayloadSize);
        Assert.Equal(flags, query.Edns.Flags);
        Assert.Equal((flags & EdnsInfo.DnssecOk) != 0, query.Edns.DnssecOkBit);
        Assert.Equal(0, query.Edns.Version);
    }

    [Fact]
    public void Parse_OptAfterAnotherAdditionalRecord_IsFound()
    {
        var packet = DnsPacketBuilder.Query(ar: 2).Question("web.mesh")
            .Pointer(12).RecordHeader((DnsRecordType)99, 3).Bytes(1, 2, 3)
            .Opt(payloadSize: 4096)
            .ToArray();

        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));
        Assert.Equal(4096, query.Edns.UdpPayloadSize);
    }

    [Theory]
    [InlineData(false, 0, 512)] // RFC 1035 §4.2.1
    [InlineData(true, 100, 512)] // RFC 6891 §6.2.5
    [InlineData(true, 1000, 1000)]
    [InlineData(true, 4096, 1232)] // capped at what we advertise
    public void Parse_QueryWithOrWithoutOpt_ClientUdpLimitFollowsPayload(bool withOpt, ushort payloadSize, int expected)
    {
        var builder = DnsPacketBuilder.Query(ar: withOpt ? (ushort)1 : (ushort)0).Question("web.mesh");
        var packet = (withOpt ? builder.Opt(payloadSize: payloadSize) : builder).ToArray();

        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(packet, out var query));
        Assert.Equal(expected, query.Edns.ClientUdpLimit);
    }
}
