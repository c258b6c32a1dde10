using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using Xunit;

namespace ActorDns.Server.Tests.Query;

public class ZoneTableTests
{
    private static readonly ZoneSettings Settings = new();

    private static ZoneRecord Record(string name, params string[] addresses) => new(name, addresses.Select(IPAddress.Parse).ToList());

    [Fact]
    public void TryFind_AnyLetterCase_FindsTheName()
    {
        var table = ZoneTable.Create(Settings, 1, [Record("backend.mesh", "240.0.0.1")]);

        Assert.True(table.TryFind(DnsName.Parse("BaCkEnD.MESH"), out var entry));
        Assert.Equal([IPAddress.Parse("240.0.0.1")], entry.Addresses(includeSynthesizedIpv6: false));
    }

    [Theory]
    [InlineData("xbackend.mesh")]
    [InlineData("backend.mesh.evil")]
    [InlineData("a.backend.mesh")]
    [InlineData("mesh")]
    public void TryFind_SimilarName_DoesNotMatch(string name)
    {
        var table = ZoneTable.Create(Settings, 1, [Record("backend.mesh", "240.0.0.1")]);

        Assert.False(table.TryFind(DnsName.Parse(name), out _));
    }

    [Fact]
    public void Create_MappedIpv6_SynthesizesAaaaFromEachIpv4()
    {
        var table = ZoneTable.Create(Settings, 1, [Record("backend.mesh", "240.0.0.1", "240.0.0.2")]);

        table.TryFind(DnsName.Parse("backend.mesh"), out var entry);
        Assert.Equal(2, entry.AaaaCount);
        Assert.Equal(
            [IPAddress.Parse("240.0.0.1"), IPAddress.Parse("240.0.0.2"), IPAddress.Parse("::ffff:240.0.0.1"), IPAddress.Parse("::ffff:240.0.0.2")],
            entry.Addresses(includeSynthesizedIpv6: true));
    }

    [Fact]
    public void Create_RealIpv6Vip_IsUsedInsteadOfMapped()
    {
        var table = ZoneTable.Create(Settings, 1, [Record("backend.mesh", "240.0.0.1", "fd00:fd00::1")]);

        table.TryFind(DnsName.Parse("backend.mesh"), out var entry);
        Assert.Equal(1, entry.AaaaCount);
        Assert.Contains(IPAddress.Parse("fd00:fd00::1"), entry.Addresses(includeSynthesizedIpv6: false));
    }

    [Fact]
    public void Create_Ipv6None_HasNoAaaa()
    {
        var table = ZoneTable.Create(new ZoneSettings(ipv6: Ipv6Mode.None), 1, [Record("backend.mesh", "240.0.0.1")]);

        table.TryFind(DnsName.Parse("backend.mesh"), out var entry);
        Assert.Equal(0, entry.AaaaCount);
    }

    [Fact]
    public void Create_InvalidName_IsLeftOut()
    {
        var table = ZoneTable.Create(Settings, 1, [Record(new string('a', 64) + ".mesh", "240.0.0.1"), Record("ok.mesh", "240.0.0.2")]);

        Assert.Equal(1, table.Count);
    }

    [Theory]
    [InlineData("_http.mesh")]
    [InlineData("mesh")]
    public void Create_ServiceNameOfFewerThanThreeLabels_IsLeftOut(string name)
    {
        // A service name's target is the name without its first two labels: there must be one.
        var table = ZoneTable.Create(Settings, 1, [Record(name, "240.0.0.1") with { SrvPort = 80 }]);

        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Create_ServiceName_KeepsPortAndTargetAddresses()
    {
        var table = ZoneTable.Create(Settings, 1, [Record("_http._tcp.web.mesh", "240.0.0.1") with { SrvPort = 8080 }]);

        Assert.True(table.TryFind(DnsName.Parse("_HTTP._tcp.web.mesh"), out var entry));
        Assert.Equal((ushort)8080, entry.SrvPort);
        Assert.True(entry.IsService);
        Assert.Equal([IPAddress.Parse("240.0.0.1"), IPAddress.Parse("::ffff:240.0.0.1")], entry.Addresses(includeSynthesizedIpv6: true));
    }

    [Fact]
    public void Create_NamesFillingSeveralArenaChunks_EachAnswersWhatItWouldAlone()
    {
        // Plain and service names, IPv4 only and dual stack, of varying lengths; 40,000 of them take about 2.6 MB, so
        // every chunk size is used and then some 1 MiB chunks. An entry sharing a chunk must end where its own bytes
        // end (a service name's SRV RR is the last thing in it).
        var records = Enumerable.Range(0, 40_000).Select(i => (i % 3) switch
        {
            0 => Record($"svc-{i}.mesh", $"240.{i >> 16}.{(i >> 8) & 255}.{i & 255}"),
            1 => Record($"_p{i}._tcp.host-{new string('x', i % 40)}.mesh", $"241.{i >> 16}.{(i >> 8) & 255}.{i & 255}") with { SrvPort = (ushort)i },
            _ => Record($"dual-{i}.mesh", $"242.{i >> 16}.{(i >> 8) & 255}.{i & 255}", $"fd00::{i:x}"),
        }).ToList();

        var table = ZoneTable.Create(Settings, 1, records);

        foreach (var record in records)
        {
            var alone = ZoneEntry.Create(DnsName.Parse(record.Name), record.Addresses, Settings, record.SrvPort);
            Assert.True(table.TryFind(DnsName.Parse(record.Name), out var entry));
            Assert.True(alone.Name.SequenceEqual(entry.Name));
            Assert.True(alone.AddressRecords.SequenceEqual(entry.AddressRecords));
            Assert.True(alone.SrvRecord.SequenceEqual(entry.SrvRecord), record.Name);
            Assert.Equal(record.SrvPort, entry.SrvPort);
        }
    }

    [Fact]
    public void Apply_Delta_AddsChangesAndRemovesWithoutTouchingTheOldTable()
    {
        var v1 = ZoneTable.Create(Settings, 1, [Record("a.mesh", "240.0.0.1"), Record("b.mesh", "240.0.0.2")]);

        var v2 = v1.Apply(new ZoneDelta(1, 2, [Record("b.mesh", "240.0.0.9"), Record("c.mesh", "240.0.0.3")], ["A.MESH"]));

        Assert.Equal(2, v2.Version);
        Assert.Equal(2, v2.Count);
        Assert.False(v2.TryFind(DnsName.Parse("a.mesh"), out _));
        Assert.True(v2.TryFind(DnsName.Parse("b.mesh"), out var b));
        Assert.Equal([IPAddress.Parse("240.0.0.9")], b.Addresses(false));
        Assert.True(v2.TryFind(DnsName.Parse("c.mesh"), out _));
        Assert.True(v1.TryFind(DnsName.Parse("a.mesh"), out _));
        v1.TryFind(DnsName.Parse("b.mesh"), out var oldB);
        Assert.Equal([IPAddress.Parse("240.0.0.2")], oldB.Addresses(false));
        Assert.Equal(2, v1.Count);
    }

    [Fact]
    public void Apply_HalfOfManyNamesRemoved_TheOthersStayInTheirSharedBuckets()
    {
        var table = ZoneTable.Create(Settings, 1, [.. Enumerable.Range(0, 5000).Select(i => Record($"svc-{i}.mesh", "240.0.0.1"))]);

        var removed = table.Apply(new ZoneDelta(1, 2, [], [.. Enumerable.Range(0, 5000).Where(i => i % 2 == 0).Select(i => $"svc-{i}.mesh")]));

        Assert.Equal(2500, removed.Count);
        Assert.All(Enumerable.Range(0, 5000), i => Assert.Equal(i % 2 == 1, removed.TryFind(DnsName.Parse($"svc-{i}.mesh"), out _)));
        Assert.Equal(5000, table.Count);
    }

    [Fact]
    public void Create_Soa_SerialIsTheVersion_TimersAndMinimumAsDocumented()
    {
        var table = ZoneTable.Create(new ZoneSettings(ttl: 45), 77, []);

        var rdataTail = table.SoaRecord[^20..];

        Assert.Equal(
            [77u, 3600u, 600u, 86400u, 45u],
            Enumerable.Range(0, 5).Select(i => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(rdataTail[(i * 4)..])));
    }

    [Fact]
    public void Apply_WrongFromVersion_Throws()
    {
        var table = ZoneTable.Create(Settings, 5, []);

        Assert.Throws<ArgumentException>(() => table.Apply(new ZoneDelta(4, 6, [], [])));
    }

    [Fact]
    public void Create_NamesGivenTwice_TheLaterWinsAndEveryOtherNameIsFound()
    {
        // Thousands of names over 2,048 buckets: most hold several, and some a name given twice.
        var records = Enumerable.Range(0, 5000).Select(i => Record($"svc-{i}.mesh", "240.0.0.1"))
            .Concat(Enumerable.Range(0, 5000).Where(i => i % 7 == 0).Select(i => Record($"SVC-{i}.mesh", "240.0.0.2")))
            .ToList();

        var table = ZoneTable.Create(Settings, 1, records);

        Assert.Equal(5000, table.Count);
        Assert.Equal(5000, table.Entries().Count());
        Assert.All(Enumerable.Range(0, 5000), i =>
        {
            Assert.True(table.TryFind(DnsName.Parse($"svc-{i}.mesh"), out var entry));
            Assert.Equal([IPAddress.Parse(i % 7 == 0 ? "240.0.0.2" : "240.0.0.1")], entry.Addresses(includeSynthesizedIpv6: false));
        });
    }

    [Fact]
    public void Apply_ManyInserts_GrowsAndKeepsEveryName()
    {
        var table = ZoneTable.Empty(Settings);
        for (var batch = 0; batch < 20; batch++)
        {
            var records = Enumerable.Range(batch * 1000, 1000).Select(i => Record($"svc-{i}.mesh", "240.0.0.1")).ToList();
            table = table.Apply(new ZoneDelta(table.Version, table.Version + 1, records, []));
        }

        Assert.Equal(20_000, table.Count);
        Assert.All(Enumerable.Range(0, 20_000), i => Assert.True(table.TryFind(DnsName.Parse($"svc-{i}.mesh"), out _)));
        Assert.Equal(20_000, table.Entries().Count());
    }

    [Fact]
    public void Apply_OneNameOnAMillionNameTable_SharesAllButOnePage()
    {
        // Structural check (no timing): a one-name delta must not rebuild — every page but one is the same object.
        var records = Enumerable.Range(0, 1_000_000).Select(i => new ZoneRecord($"svc-{i}.mesh", [new IPAddress(0xF0000000u + (uint)i)]));
        var big = ZoneTable.Create(Settings, 1, records);

        var changed = big.Apply(new ZoneDelta(1, 2, [Record("new.mesh", "240.1.2.3")], []));

        var pages = typeof(ZoneTable).GetField("_pages", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var before = (object[])pages.GetValue(big)!;
        var after = (object[])pages.GetValue(changed)!;
        Assert.Equal(before.Length, after.Length);
        Assert.Equal(1, before.Zip(after).Count(p => !ReferenceEquals(p.First, p.Second)));
        Assert.True(changed.TryFind(DnsName.Parse("new.mesh"), out _));
        Assert.Equal(1_000_001, changed.Count);
    }
}
