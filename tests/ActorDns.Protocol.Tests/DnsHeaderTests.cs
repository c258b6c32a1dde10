using Xunit;
namespace ActorDns.Protocol.Tests;

public sealed class DnsHeaderTests
{
    [Fact]
    public void TryRead_TwelveOctets_ReadsEveryFieldBigEndian()
    {
        var wire = Convert.FromHexString("BEEF" + "A5B3" + "0001" + "0002" + "0003" + "FFFF");

        Assert.True(DnsHeader.TryRead(wire, out var header));

        Assert.Equal(new DnsHeader(0xBEEF, 0xA5B3, 1, 2, 3, 0xFFFF), header);
        Assert.True(header.IsResponse);
        Assert.Equal(DnsOpcode.Notify, header.Opcode);
        Assert.Equal((DnsRcode)3, header.Rcode);
        Assert.True(header.Has(DnsHeaderFlags.AA));
        Assert.True(header.Has(DnsHeaderFlags.RA));
        Assert.False(header.Has(DnsHeaderFlags.TC));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void TryRead_ShorterThanTwelveOctets_ReturnsFalse(int length)
    {
        Assert.False(DnsHeader.TryRead(new byte[length], out _));
    }

    [Fact]
    public void Write_ThenTryRead_RoundTrips()
    {
        var header = new DnsHeader(0x0102, 0x8180, 1, 0, 0, 1);
        var buffer = new byte[DnsHeader.Size];

        header.Write(buffer);

        Assert.Equal("010281800001000000000001", Convert.ToHexString(buffer));
        Assert.True(DnsHeader.TryRead(buffer, out var read));
        Assert.Equal(header, read);
    }

    [Theory]
    [InlineData(DnsOpcode.Query, 0)]
    [InlineData(DnsOpcode.IQuery, 1)]
    [InlineData(DnsOpcode.Status, 2)]
    [InlineData(DnsOpcode.Notify, 4)]
    [InlineData(DnsOpcode.Update, 5)]
    [InlineData((DnsOpcode)15, 15)]
    public void Opcode_FlagsWord_ReadsBits11To14(DnsOpcode opcode, int value)
    {
        var header = new DnsHeader(0, (ushort)((value << 11) | 0x8000 | 0x07FF), 0, 0, 0, 0);

        Assert.Equal(opcode, header.Opcode);
    }

    [Fact]
    public void MakeFlags_Parts_PlacesEachField()
    {
        var flags = DnsHeader.MakeFlags(true, DnsOpcode.Notify, DnsRcode.Refused, DnsHeaderFlags.AA | DnsHeaderFlags.RD);

        Assert.Equal(0x8000 | (4 << 11) | 0x0400 | 0x0100 | 5, flags);
    }

    [Fact]
    public void MakeFlags_BitsOverlappingOtherFields_AreIgnored()
    {
        // QR, opcode and rcode come from their own arguments only; BADVERS keeps its low four bits (RFC 6891 §6.1.3).
        var flags = DnsHeader.MakeFlags(false, DnsOpcode.Query, DnsRcode.BadVers, 0xFFFF);

        var header = new DnsHeader(0, flags, 0, 0, 0, 0);
        Assert.False(header.IsResponse);
        Assert.Equal(DnsOpcode.Query, header.Opcode);
        Assert.Equal(DnsRcode.NoError, header.Rcode);
        Assert.True(header.Has(DnsHeaderFlags.Z));
    }
}
