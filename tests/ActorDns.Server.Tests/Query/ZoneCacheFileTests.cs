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

    [Fact]
    public void TryRead_TextFileOfTheSecondFormat_IsRead()
    {
        // What releases before the binary format wrote.
        var path = ZoneCacheFile.PathFor(_directory, "default");
        File.WriteAllText(path, "actordns-zone 2 5\nredis.mesh 241.0.0.1 fd00::1\n_main._tcp.redis.mesh srv=6379 241.0.0.1\n");

        Assert.True(ZoneCacheFile.TryRead(path, new ZoneSettings(), out var read));
        Assert.Equal(5, read.Version);
        Assert.True(read.TryFind(DnsName.Parse("_main._tcp.redis.mesh"), out var service));
        Assert.Equal((ushort)6379, service.SrvPort);
        Assert.True(read.TryFind(DnsName.Parse("redis.mesh"), out var host));
        Assert.Equal([IPAddress.Parse("241.0.0.1"), IPAddress.Parse("fd00::1")], host.Addresses(includeSynthesizedIpv6: false));
    }

    [Fact]
    public void WriteThenTryRead_MappedAddresses_AreMadeAgainFromTheSettingsOfTheReader()
    {
        var table = ZoneTable.Create(new ZoneSettings(ipv6: Ipv6Mode.Mapped), 3, [Record("backend.mesh", "240.0.0.1")]);
        var path = ZoneCacheFile.PathFor(_directory, "default");
        ZoneCacheFile.Write(path, table);

        Assert.True(ZoneCacheFile.TryRead(path, new ZoneSettings(ipv6: Ipv6Mode.Mapped), out var mapped));
        Assert.True(mapped.TryFind(DnsName.Parse("backend.mesh"), out var withMapped));
        Assert.Equal([IPAddress.Parse("240.0.0.1"), IPAddress.Parse("::ffff:240.0.0.1")], withMapped.Addresses(includeSynthesizedIpv6: true));
        Assert.True(ZoneCacheFile.TryRead(path, new ZoneSettings(ipv6: Ipv6Mode.None), out var unmapped));
        Assert.True(unmapped.TryFind(DnsName.Parse("backend.mesh"), out var withoutMapped));
        Assert.Equal(0, withoutMapped.AaaaCount);
    }

    [Fact]
    public void TryRead_BinaryFileWithAnyOctetChanged_IsRefused()
    {
        var path = ZoneCacheFile.PathFor(_directory, "default");
        ZoneCacheFile.Write(path, ZoneTable.Create(new ZoneSettings(), 9, [Record("a.mesh", "240.0.0.1", "fd00::1")]));
        var written = File.ReadAllBytes(path);

        for (var i = 4; i < written.Length; i++)
        {
            var damaged = (byte[])written.Clone();
            damaged[i] ^= 0x01;
            File.WriteAllBytes(path, damaged);
            Assert.False(ZoneCacheFile.TryRead(path, new ZoneSettings(), out _), $"octet {i} changed");
        }

        File.WriteAllBytes(path, written[..^1]);
        Assert.False(ZoneCacheFile.TryRead(path, new ZoneSettings(), out _));
    }

    [Theory]
    [InlineData(2, "00 03", "08 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 00")]   // two names announced, one there
    [InlineData(1, "00 03", "01 00 00 01 f0 00 00 01 00")]                        // the root name
    [InlineData(1, "00 03", "07 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 00")]   // a label running past the name
    [InlineData(1, "00 03", "08 01 61 04 6d 65 73 68 00 02 01 f0 00 00 01 00")]   // unknown flags
    [InlineData(1, "00 03", "08 01 61 04 6d 65 73 68 00 01 00 35 01 f0 00 00 01 00")] // a service name of two labels
    [InlineData(1, "00 03", "08 01 61 04 6d 65 73 68 00 00 00 00")]               // no address at all
    [InlineData(1, "00 03", "08 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 00 00")] // an octet after the last name
    [InlineData(-1, "00 03", "08 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 00")]  // a negative count
    [InlineData(1, "00 03 00 01", "08 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 00", true)] // reserved octets not zero
    [InlineData(1, "00 04", "08 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 00")]   // another format
    public void TryRead_BinaryFileWithARightChecksumButWrongContent_IsRefused(int count, string format, string entries, bool withReserved = false)
    {
        var path = ZoneCacheFile.PathFor(_directory, "default");
        File.WriteAllBytes(path, Binary(count, format, entries, withReserved));

        Assert.False(ZoneCacheFile.TryRead(path, new ZoneSettings(), out _));
    }

    [Fact]
    public void TryRead_HandMadeBinaryFile_IsRead()
    {
        // The format as documented, written octet by octet: a.mesh → 240.0.0.1.
        var path = ZoneCacheFile.PathFor(_directory, "default");
        File.WriteAllBytes(path, Binary(1, "00 03", "08 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 00"));

        Assert.True(ZoneCacheFile.TryRead(path, new ZoneSettings(), out var read));
        Assert.Equal(7, read.Version);
        Assert.True(read.TryFind(DnsName.Parse("a.mesh"), out var entry));
        Assert.Equal([IPAddress.Parse("240.0.0.1")], entry.Addresses(includeSynthesizedIpv6: false));
    }

    [Fact]
    public void TryRead_BinaryFileWith65Addresses_IsRefused()
    {
        var path = ZoneCacheFile.PathFor(_directory, "default");
        var addresses = string.Concat(Enumerable.Range(0, 65).Select(i => $"f0 00 00 {i:x2} "));
        File.WriteAllBytes(path, Binary(1, "00 03", $"08 01 61 04 6d 65 73 68 00 00 41 {addresses} 00"));

        Assert.False(ZoneCacheFile.TryRead(path, new ZoneSettings(), out _));
    }

    [Fact]
    public void TryRead_EveryShorterBinaryFileWithItsOwnChecksum_IsRefused()
    {
        var entries = "08 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 01 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01";
        var whole = Binary(1, "00 03", entries);
        var body = whole[..^32];
        var path = ZoneCacheFile.PathFor(_directory, "default");
        File.WriteAllBytes(path, whole);
        Assert.True(ZoneCacheFile.TryRead(path, new ZoneSettings(), out _));

        for (var length = 0; length < body.Length; length++)
        {
            File.WriteAllBytes(path, [.. body[..length], .. System.Security.Cryptography.SHA256.HashData(body[..length])]);
            Assert.False(ZoneCacheFile.TryRead(path, new ZoneSettings(), out _), $"{length} of {body.Length} octets");
        }
    }

    [Fact]
    public void Write_GivesTheDocumentedOctets()
    {
        var path = ZoneCacheFile.PathFor(_directory, "default");
        ZoneCacheFile.Write(path, ZoneTable.Create(new ZoneSettings(), 7, [Record("a.mesh", "240.0.0.1")]));

        Assert.Equal(Binary(1, "00 03", "08 01 61 04 6d 65 73 68 00 00 01 f0 00 00 01 00"), File.ReadAllBytes(path));
    }

    /// <summary>
    /// A format-3 file of version 7 around <paramref name="entries"/> (hex), with its right checksum; the two reserved
    /// octets are zero unless <paramref name="format"/> gives them too.
    /// </summary>
    private static byte[] Binary(int count, string format, string entries, bool withReserved = false)
    {
        var header = withReserved ? format : $"{format} 0000";
        var body = Convert.FromHexString($"4144 5a43 {header} 0000000000000007 {count:x8} {entries}".Replace(" ", "", StringComparison.Ordinal));
        return [.. body, .. System.Security.Cryptography.SHA256.HashData(body)];
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
