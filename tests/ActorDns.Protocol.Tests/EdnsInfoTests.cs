using Xunit;
namespace ActorDns.Protocol.Tests;

public sealed class EdnsInfoTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    public void ClientUdpLimit_NoEdns_Is512(ushort payloadSize)
    {
        // RFC 1035 §4.2.1: without OPT the payload field means nothing.
        Assert.Equal(512, new EdnsInfo(false, payloadSize, 0, 0, 0).ClientUdpLimit);
    }

    [Theory]
    [InlineData(0, 512)] // RFC 6891 §6.2.5: below 512 is treated as 512
    [InlineData(100, 512)]
    [InlineData(511, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 513)]
    [InlineData(1232, 1232)]
    [InlineData(1233, 1232)] // capped at what we advertise (DNS Flag Day 2020)
    [InlineData(4096, 1232)]
    [InlineData(65535, 1232)]
    public void ClientUdpLimit_WithEdns_ClampsPayloadBetween512And1232(ushort payloadSize, int expected)
    {
        Assert.Equal(expected, new EdnsInfo(true, payloadSize, 0, 0, 0).ClientUdpLimit);
    }

    [Theory]
    [InlineData(0x8000, true)]
    [InlineData(0xFFFF, true)]
    [InlineData(0x7FFF, false)]
    [InlineData(0x0000, false)]
    public void DnssecOkBit_Flags_ReadsTopBit(ushort flags, bool expected)
    {
        // RFC 3225 §3: DO is the most significant bit of the OPT flags.
        Assert.Equal(expected, new EdnsInfo(true, 1232, 0, 0, flags).DnssecOkBit);
    }
}
