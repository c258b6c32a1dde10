using System.Net;
using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Allocation;

/// <summary>The per-family book behind SPEC §3: next free after the cursor, wrapping, with a reuse quarantine.</summary>
public sealed class AddressBookTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(120);
    private static readonly IpPool Pool = IpPool.Parse("10.0.0.0/29");

    private static UInt128 Ip(string address) => IpPool.ToInteger(IPAddress.Parse(address));

    [Fact]
    public void FindFree_EmptyBook_ReturnsFirstHostAddress()
    {
        Assert.Equal(IPAddress.Parse("10.0.0.1"), AddressBook.Empty.FindFree(Pool, Delay, T0));
    }

    [Fact]
    public void FindFree_AfterTake_ReturnsAddressAfterCursor()
    {
        var book = AddressBook.Empty.Take(Ip("10.0.0.3"), EntryKey.Parse("service:a"), T0, Delay);

        Assert.Equal(IPAddress.Parse("10.0.0.4"), book.FindFree(Pool, Delay, T0));
        Assert.Equal(Ip("10.0.0.3"), book.Cursor);
    }

    [Fact]
    public void FindFree_UsedAfterCursor_SkipsThem()
    {
        var book = AddressBook.Empty
            .Take(Ip("10.0.0.5"), EntryKey.Parse("service:b"), T0, Delay)
            .Take(Ip("10.0.0.6"), EntryKey.Parse("service:c"), T0, Delay)
            .Take(Ip("10.0.0.1"), EntryKey.Parse("service:d"), T0, Delay)
            .Take(Ip("10.0.0.4"), EntryKey.Parse("service:a"), T0, Delay);

        // Cursor .4; .5, .6 and (after wrapping) .1 are used.
        Assert.Equal(IPAddress.Parse("10.0.0.2"), book.FindFree(Pool, Delay, T0));
    }

    [Fact]
    public void FindFree_CursorOnLastAddress_WrapsToFirst()
    {
        var book = AddressBook.Empty.Take(Ip("10.0.0.6"), EntryKey.Parse("service:a"), T0, Delay);

        Assert.Equal(IPAddress.Parse("10.0.0.1"), book.FindFree(Pool, Delay, T0));
    }

    [Fact]
    public void FindFree_EveryAddressUsed_ReturnsNull()
    {
        var book = AddressBook.Empty;
        for (var i = 1; i <= 6; i++)
        {
            book = book.Take(Ip($"10.0.0.{i}"), EntryKey.Parse($"service:s{i}"), T0, Delay);
        }

        Assert.Null(book.FindFree(Pool, Delay, T0));
    }

    [Fact]
    public void FindFree_ReleasedWithinDelay_SkipsIt()
    {
        var book = AddressBook.Empty
            .Take(Ip("10.0.0.6"), EntryKey.Parse("service:a"), T0, Delay)
            .Release(Ip("10.0.0.6"), T0);
        book = book with { Cursor = Ip("10.0.0.5") };

        Assert.Equal(IPAddress.Parse("10.0.0.1"), book.FindFree(Pool, Delay, T0 + Delay - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void FindFree_ReleasedExactlyDelayAgo_ReturnsIt()
    {
        var book = AddressBook.Empty
            .Take(Ip("10.0.0.6"), EntryKey.Parse("service:a"), T0, Delay)
            .Release(Ip("10.0.0.6"), T0);
        book = book with { Cursor = Ip("10.0.0.5") };

        Assert.Equal(IPAddress.Parse("10.0.0.6"), book.FindFree(Pool, Delay, T0 + Delay));
    }

    [Fact]
    public void FindFree_AllUsedOrQuarantined_ReturnsNullUntilQuarantineEnds()
    {
        var book = AddressBook.Empty;
        for (var i = 1; i <= 6; i++)
        {
            book = book.Take(Ip($"10.0.0.{i}"), EntryKey.Parse($"service:s{i}"), T0, Delay);
        }

        book = book.Release(Ip("10.0.0.3"), T0 + TimeSpan.FromSeconds(10));

        Assert.Null(book.FindFree(Pool, Delay, T0 + TimeSpan.FromSeconds(129)));
        Assert.Equal(IPAddress.Parse("10.0.0.3"), book.FindFree(Pool, Delay, T0 + TimeSpan.FromSeconds(130)));
    }

    [Fact]
    public void Release_UsedAddress_MovesItToQuarantine()
    {
        var book = AddressBook.Empty.Take(Ip("10.0.0.1"), EntryKey.Parse("service:a"), T0, Delay);

        var released = book.Release(Ip("10.0.0.1"), T0 + TimeSpan.FromSeconds(5));

        Assert.Empty(released.Used);
        Assert.Equal(T0 + TimeSpan.FromSeconds(5), released.Quarantined[Ip("10.0.0.1")]);
        Assert.Equal(Ip("10.0.0.1"), released.Cursor);
    }

    [Fact]
    public void Take_ReleasesOlderThanDelay_DropsThemFromQuarantine()
    {
        var book = AddressBook.Empty
            .Take(Ip("10.0.0.1"), EntryKey.Parse("service:a"), T0, Delay)
            .Take(Ip("10.0.0.2"), EntryKey.Parse("service:b"), T0, Delay)
            .Release(Ip("10.0.0.1"), T0)
            .Release(Ip("10.0.0.2"), T0 + TimeSpan.FromSeconds(60));

        var taken = book.Take(Ip("10.0.0.3"), EntryKey.Parse("service:c"), T0 + Delay, Delay);

        Assert.Equal([Ip("10.0.0.2")], taken.Quarantined.Keys);
        Assert.Single(taken.Releases);
    }

    [Fact]
    public void Take_QuarantinedAddress_RemovesItFromQuarantine()
    {
        var book = AddressBook.Empty
            .Take(Ip("10.0.0.1"), EntryKey.Parse("service:a"), T0, Delay)
            .Release(Ip("10.0.0.1"), T0);

        var taken = book.Take(Ip("10.0.0.1"), EntryKey.Parse("service:b"), T0 + Delay, Delay);

        Assert.Empty(taken.Quarantined);
        Assert.Equal(EntryKey.Parse("service:b"), taken.Used[Ip("10.0.0.1")]);
    }

    [Fact]
    public void Take_OldReleaseOfAddressReleasedAgain_KeepsTheNewerQuarantine()
    {
        // .1 released at T0 and, its first queue entry still pending (e.g. after a failover to a node whose
        // clock is behind), released again at T0+200 s. When the first release expires from the queue, the
        // second (still running) quarantine must survive.
        var book = AddressBook.Empty
            .Take(Ip("10.0.0.1"), EntryKey.Parse("service:a"), T0, Delay)
            .Release(Ip("10.0.0.1"), T0)
            .Release(Ip("10.0.0.1"), T0 + TimeSpan.FromSeconds(200));

        var later = book.Take(Ip("10.0.0.2"), EntryKey.Parse("service:c"), T0 + TimeSpan.FromSeconds(250), Delay);

        Assert.Equal(T0 + TimeSpan.FromSeconds(200), later.Quarantined[Ip("10.0.0.1")]);
        Assert.Single(later.Releases);
        Assert.Null(later.FindFree(IpPool.Parse("10.0.0.0/30"), Delay, T0 + TimeSpan.FromSeconds(250)));
    }
}
