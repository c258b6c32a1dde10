using System.Net;
using System.Net.Sockets;
using ActorDns.ControlPlane.Allocation;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Allocation;

/// <summary>SPEC §3: which addresses of a CIDR may be handed out (never the network or broadcast address).</summary>
public sealed class IpPoolTests
{
    [Theory]
    [InlineData("240.0.0.0/4", "240.0.0.1", "255.255.255.254", 268_435_454UL)]
    [InlineData("10.0.0.0/24", "10.0.0.1", "10.0.0.254", 254UL)]
    [InlineData("10.0.0.0/30", "10.0.0.1", "10.0.0.2", 2UL)]
    [InlineData("10.0.0.0/29", "10.0.0.1", "10.0.0.6", 6UL)]
    [InlineData("10.0.0.0/31", "10.0.0.0", "10.0.0.1", 2UL)]
    [InlineData("10.0.0.7/32", "10.0.0.7", "10.0.0.7", 1UL)]
    [InlineData("241.0.0.0/8", "241.0.0.1", "241.255.255.254", 16_777_214UL)]
    public void Parse_Ipv4Cidr_SkipsNetworkAndBroadcastWhenItHasThem(string cidr, string first, string last, ulong size)
    {
        var pool = IpPool.Parse(cidr);

        Assert.Equal(AddressFamily.InterNetwork, pool.Family);
        Assert.Equal(IPAddress.Parse(first), pool.ToAddress(pool.First));
        Assert.Equal(IPAddress.Parse(last), pool.ToAddress(pool.Last));
        Assert.Equal((UInt128)size, pool.Size);
    }

    [Fact]
    public void Parse_HostBitsSet_UsesTheNetworkAsKumaDoes()
    {
        // Kuma scenario 2 configures 192.168.0.1/24 and allocates from 192.168.0.0/24.
        var pool = IpPool.Parse("192.168.0.1/24");

        Assert.Equal(IPAddress.Parse("192.168.0.1"), pool.ToAddress(pool.First));
        Assert.Equal(IPAddress.Parse("192.168.0.254"), pool.ToAddress(pool.Last));
    }

    [Theory]
    [InlineData("fd00:fd00::/64", "fd00:fd00::1", "fd00:fd00::ffff:ffff:ffff:ffff")]
    [InlineData("fd00::/126", "fd00::1", "fd00::3")]
    [InlineData("fd00::5/128", "fd00::5", "fd00::5")]
    public void Parse_Ipv6Cidr_SkipsOnlySubnetRouterAnycast(string cidr, string first, string last)
    {
        var pool = IpPool.Parse(cidr);

        Assert.Equal(AddressFamily.InterNetworkV6, pool.Family);
        Assert.Equal(IPAddress.Parse(first), pool.ToAddress(pool.First));
        Assert.Equal(IPAddress.Parse(last), pool.ToAddress(pool.Last));
    }

    [Theory]
    [InlineData("240.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("239.255.255.255")]
    [InlineData("::ffff:240.0.0.1")]
    [InlineData("fd00::1")]
    public void Contains_NetworkBroadcastOrForeignAddress_False(string address)
    {
        var pool = IpPool.Parse("240.0.0.0/4");

        Assert.False(pool.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("240.0.0.1")]
    [InlineData("250.1.2.3")]
    [InlineData("255.255.255.254")]
    public void Contains_HostAddress_True(string address)
    {
        var pool = IpPool.Parse("240.0.0.0/4");

        Assert.True(pool.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Next_LastAddress_WrapsToFirst()
    {
        var pool = IpPool.Parse("10.0.0.0/29");

        Assert.Equal(pool.First, pool.Next(pool.Last));
        Assert.Equal(pool.First + 1, pool.Next(pool.First));
    }

    [Theory]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.7")]
    [InlineData("10.0.1.0")]
    [InlineData("9.255.255.255")]
    public void Next_ValueOutsidePool_ReturnsFirst(string outside)
    {
        var pool = IpPool.Parse("10.0.0.0/29");

        Assert.Equal(pool.First, pool.Next(IpPool.ToInteger(IPAddress.Parse(outside))));
    }

    [Theory]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.254")]
    public void ToAddress_ToIntegerOfIpv4_RoundTrips(string address)
    {
        var pool = IpPool.Parse("240.0.0.0/4");
        var ip = IPAddress.Parse(address);

        Assert.Equal(ip, pool.ToAddress(IpPool.ToInteger(ip)));
    }

    [Fact]
    public void ToAddress_ToIntegerOfIpv6_RoundTrips()
    {
        var pool = IpPool.Parse("fd00:fd00::/64");
        var ip = IPAddress.Parse("fd00:fd00::abcd:1234");

        Assert.Equal(ip, pool.ToAddress(IpPool.ToInteger(ip)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("not-a-cidr")]
    [InlineData("240.0.0.0/33")]
    [InlineData("240.0.0.0")]
    [InlineData("fd00::/129")]
    public void TryParse_NotACidr_FalseWithError(string? text)
    {
        var ok = IpPool.TryParse(text, out _, out var error);

        Assert.False(ok);
        Assert.Contains("is not a CIDR", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotACidr_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => IpPool.Parse("not-a-cidr"));
    }

    [Fact]
    public void TryParse_SurroundingWhitespace_TrimsCidr()
    {
        Assert.True(IpPool.TryParse(" 240.0.0.0/4 ", out var pool, out _));

        Assert.Equal("240.0.0.0/4", pool.Cidr);
    }
}
