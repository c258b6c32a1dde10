using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using Xunit;

namespace ActorDns.Server.Tests.Query;

public sealed class ZoneCacheFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actordns-cache-").FullName;

    private static ZoneRecord Record(string name, params string[] addresses) => new(name, addresses.Select(IPAddress.Parse).ToList());

    [Fact]
    public void WriteThenTryRead_GivesTheSameNamesAddressesAndVersion()
    {
        var table = ZoneTable.Create(new ZoneSettings(), 42, [
            Record("backend.mesh", "240.0.0.1"),
            Record("v6.mesh", "240.0.0.2", "fd00:fd00::2"),
            Record("odd\\032name.mesh", "240.0.0.3"),
            Record("httpbin.org", "240.0.0.4")]);
        var path = ZoneCacheFile.PathFor(_directory, "default");

        ZoneCacheFile.Write(path, table);

        Assert.True(ZoneCacheFile.TryRead(path, new ZoneSettings(), out var read));
        Assert.Equal(42, read.Version);
        Assert.Equal(4, read.Count);
        Assert.True(read.TryFind(DnsName.Parse("V6.mesh"), out var v6));
        Assert.Equal([IPAddress.Parse("240.0.0.2"), IPAddress.Parse("fd00:fd00::2")], v6.Addresses(includeSynthesizedIpv6: false));
        Assert.True(read.TryFind(DnsName.Parse("odd\\032name.mesh"), out _));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void WriteThenTryRead_ServiceName_KeepsItsPort()
    {
        var table = ZoneTable.Create(new ZoneSettings(), 5, [Record("redis.svc.mesh.local", "241.0.0.1"), Record("_main._tcp.redis.svc.mesh.local", "241.0.0.1") with { SrvPort = 6379 }]);
        var path = ZoneCacheFile.PathFor(_directory, "default");

        ZoneCacheFile.Write(path, table);

        Assert.StartsWith("actordns-zone 2 5\n", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Contains("_main._tcp.redis.svc.mesh.local. srv=6379 241.0.0.1\n", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.True(ZoneCacheFile.TryRead(path, new ZoneSettings(), out var read));
        Assert.True(read.TryFind(DnsName.Parse("_main._tcp.redis.svc.mesh.local"), out var service));
        Assert.Equal((ushort)6379, service.SrvPort);
        Assert.True(read.TryFind(DnsName.Parse("redis.svc.mesh.local"), out var host));
        Assert.Null(host.SrvPort);
    }

    [Fact]
    public void TryRead_FileOfTheFirstFormat_IsRead()
    {
        // What releases before service names wrote.
        var path = ZoneCacheFile.PathFor(_directory, "default");
        File.WriteAllText(path, "actordns-zone 1 7\nbackend.mesh 240.0.0.1\n");

        Assert.True(ZoneCacheFile.TryRead(path, new ZoneSettings(), out var read));
        Assert.Equal(7, read.Version);
        Assert.True(read.TryFind(DnsName.Parse("backend.mesh"), out var entry));
        Assert.Equal([IPAddress.Parse("240.0.0.1")], entry.Addresses(includeSynthesizedIpv6: false));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cache\n")]
    [InlineData("actordns-zone 3 7\nbackend.mesh 240.0.0.1\n")]
    [InlineData("actordns-zone 1 7\nbackend.mesh not-an-ip\n")]
    [InlineData("actordns-zone 1 7\nname-without-address\n")]
    [InlineData("actordns-zone 2 7\n_a._tcp.b.mesh srv=70000 240.0.0.1\n")]
    [InlineData("actordns-zone 2 7\n_a._tcp.b.mesh srv=80\n")]
    public void TryRead_DamagedFile_IsRefused(string content)
    {
        var path = ZoneCacheFile.PathFor(_directory, "default");
        File.WriteAllText(path, content);

        Assert.False(ZoneCacheFile.TryRead(path, new ZoneSettings(), out _));
    }

    [Fact]
    public void LoadCaches_ServesTheCachedTableAndSkipsMissingOnes()
    {
        ZoneCacheFile.Write(ZoneCacheFile.PathFor(_directory, "default"), ZoneTable.Create(new ZoneSettings(), 9, [Record("a.mesh", "240.0.0.1")]));
        var zones = new ZoneRegistry(new ZoneSettings());

        var loaded = zones.LoadCaches(_directory, ["default", "other"]);

        Assert.Equal(["default"], loaded);
        Assert.Equal(9, zones.For("default").Current.Version);
        Assert.Equal(0, zones.For("other").Current.Version);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
