using ActorDns.Testing.Dns;
using Xunit;
namespace ActorDns.Protocol.Tests;

public sealed class DnsWriterTests
{
    [Fact]
    public void WriteIntegers_BigEndian_AdvancePosition()
    {
        var buffer = new byte[16];
        var writer = new DnsWriter(buffer);

        writer.WriteByte(0x01);
        writer.WriteUInt16(0x0203);
        writer.WriteUInt32(0x04050607);
        writer.WriteBytes([8, 9]);

        Assert.Equal(9, writer.Position);
        Assert.Equal("010203040506070809", Convert.ToHexString(writer.Written));
    }

    [Fact]
    public void WritePointer_Offset_SetsTopTwoBits()
    {
        // RFC 1035 §4.1.4: a pointer is 11 followed by a 14-bit offset.
        var buffer = new byte[2];
        var writer = new DnsWriter(buffer);

        writer.WritePointer(0x3FFF);

        Assert.Equal("FFFF", Convert.ToHexString(buffer));
    }

    [Fact]
    public void PatchUInt16_EarlierOffset_OverwritesWithoutMoving()
    {
        var buffer = new byte[4];
        var writer = new DnsWriter(buffer);
        writer.WriteUInt32(0);

        writer.PatchUInt16(1, 0xABCD);

        Assert.Equal(4, writer.Position);
        Assert.Equal("00ABCD00", Convert.ToHexString(buffer));
    }

    [Theory]
    [InlineData(DnsRcode.NoError, false, "0000290400000000000000")]
    [InlineData(DnsRcode.BadVers, true, "0000290400010080000000")]
    public void WriteOpt_RcodeAndDo_WritesVersionZeroOptWithoutOptions(DnsRcode rcode, bool dnssecOk, string expectedHex)
    {
        // RFC 6891 §6.1.2–§6.1.3: root owner, TYPE 41, CLASS = payload, TTL = ext-rcode | version | flags.
        var buffer = new byte[11];
        var writer = new DnsWriter(buffer);

        writer.WriteOpt(1024, rcode, dnssecOk);

        Assert.Equal(11, writer.Position);
        Assert.Equal(expectedHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void WriteOpt_ThenParse_IsReadBackByQueryParser()
    {
        var query = DnsPacketBuilder.Query(ar: 1).Question("web.mesh").ToArray();
        var buffer = new byte[query.Length + 11];
        var writer = new DnsWriter(buffer);
        writer.WriteBytes(query);

        writer.WriteOpt(EdnsInfo.ServerPayloadSize, DnsRcode.NoError, dnssecOk: true);

        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(buffer, out var parsed));
        Assert.Equal(EdnsInfo.ServerPayloadSize, parsed.Edns.UdpPayloadSize);
        Assert.True(parsed.Edns.DnssecOkBit);
    }
}
