using System.Net;
using ActorDns.LoadTest.Query;
using Xunit;

namespace ActorDns.LoadTest.Tests.Query;

public sealed class QueryOptionsTests
{
    [Theory]
    [InlineData(4, 1, 5000, 4)]
    [InlineData(4, 3, 5000, 6)]
    [InlineData(1, 1, 100_000, 13)]
    [InlineData(1, 2, 100_000, 14)]
    public void LaneCount_SocketsServersAndRate_IsEnoughForIdsAndAMultipleOfServers(int sockets, int servers, double rate, int expected)
    {
        var endpoints = Enumerable.Range(0, servers).Select(i => new IPEndPoint(IPAddress.Loopback, 5300 + i)).ToList();
        var options = new QueryOptions(endpoints, ["a.mesh"], rate, TimeSpan.FromSeconds(1), 20, 42, false, TimeSpan.FromSeconds(2), sockets);

        Assert.Equal(expected, options.LaneCount());
    }
}
