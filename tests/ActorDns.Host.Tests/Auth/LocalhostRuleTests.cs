using System.Net;
using ActorDns.Host.Api.Auth;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace ActorDns.Host.Tests.Auth;

/// <summary>Kuma's "localhost is admin" rule, case by case: only a direct call from loopback to a loopback Host.</summary>
public sealed class LocalhostRuleTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "", "", true)]
    [InlineData("127.0.0.1", "localhost:5681", "", "", true)]
    [InlineData("127.0.0.1", "LOCALHOST.:5681", "", "", true)]
    [InlineData("::1", "[::1]:5681", "", "", true)]
    [InlineData("127.0.0.2", "127.0.0.9", "", "", true)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Origin", "http://127.0.0.1:5681", true)]
    [InlineData("127.0.0.1", "localhost", "Origin", "http://localhost:80", true)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Sec-Fetch-Site", "same-origin", true)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Sec-Fetch-Site", "none", true)]
    [InlineData("10.0.0.5", "127.0.0.1:5681", "", "", false)]
    [InlineData("127.0.0.1", "example.com", "", "", false)]
    [InlineData("127.0.0.1", "10.0.0.1:5681", "", "", false)]
    [InlineData("127.0.0.1", "", "", "", false)]
    [InlineData("127.0.0.1", "127.0.0.1:", "", "", false)]
    [InlineData("127.0.0.1", "user@127.0.0.1", "", "", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "X-Forwarded-For", "203.0.113.9", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Forwarded", "for=203.0.113.9", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "X-Real-IP", "203.0.113.9", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Sec-Fetch-Site", "cross-site", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Origin", "http://evil.example", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Origin", "http://127.0.0.1:8080", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Origin", "http://127.0.0.1:5681/page", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Origin", "null", false)]
    [InlineData("127.0.0.1", "127.0.0.1:5681", "Origin", "file://127.0.0.1:5681", false)]
    public void IsDirectLocalCall_PeerHostAndHeaders_DecideIt(string peer, string host, string header, string value, bool expected)
    {
        var headers = new HeaderDictionary();
        if (header.Length > 0)
        {
            headers[header] = value;
        }

        Assert.Equal(expected, LocalhostRule.IsDirectLocalCall(IPAddress.Parse(peer), host, headers, "http"));
    }

    [Fact]
    public void IsDirectLocalCall_NoPeerAddress_IsNot()
    {
        Assert.False(LocalhostRule.IsDirectLocalCall(null, "127.0.0.1:5681", new HeaderDictionary(), "http"));
    }
}
