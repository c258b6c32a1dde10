using System.Net;
using ActorDns.LoadTest.Cli;
using Xunit;

namespace ActorDns.LoadTest.Tests.Cli;

public sealed class TargetsTests
{
    [Fact]
    public void Endpoints_LoopbackAddresses_AreAccepted()
    {
        var endpoints = Targets.Endpoints(["127.0.0.1:15053", "127.0.0.2:53", "[::1]:5353"], "--server", allowRemote: false);

        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 15053), new IPEndPoint(IPAddress.Parse("127.0.0.2"), 53), new IPEndPoint(IPAddress.IPv6Loopback, 5353)], endpoints);
    }

    [Fact]
    public void Endpoints_RemoteAddressWithoutAllowRemote_IsRefused()
    {
        var error = Assert.Throws<CliException>(() => Targets.Endpoints(["192.0.2.1:53"], "--server", allowRemote: false));

        Assert.Contains("--allow-remote", error.Message);
    }

    [Fact]
    public void Endpoints_RemoteAddressWithAllowRemote_IsAccepted() =>
        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.0.2.1"), 53)], Targets.Endpoints(["192.0.2.1:53"], "--server", allowRemote: true));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData(":53")]
    public void Endpoints_WithoutAValidPort_AreRefused(string value) =>
        Assert.Throws<CliException>(() => Targets.Endpoints([value], "--server", allowRemote: false));

    [Theory]
    [InlineData("127.0.0.1:5681", "http://127.0.0.1:5681/")]
    [InlineData("http://127.0.0.1:5681", "http://127.0.0.1:5681/")]
    [InlineData("http://127.0.0.1:5681/", "http://127.0.0.1:5681/")]
    public void Api_LoopbackUrl_GetsASchemeAndATrailingSlash(string value, string expected) =>
        Assert.Equal(new Uri(expected), Targets.Api(value, "--api", allowRemote: false));

    [Fact]
    public void Api_RemoteHostWithoutAllowRemote_IsRefused() =>
        Assert.Throws<CliException>(() => Targets.Api("http://192.0.2.1:5681", "--api", allowRemote: false));
}
