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

    [Theory]
    [InlineData("")]
    [InlineData("not a cache\n")]
    [InlineData("actordns-zone 1 7\nbackend.mesh not-an-ip\n")]
    [InlineData("actordns-zone 1 7\nname-without-address\n")]
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
