using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Events;
using ActorDns.ControlPlane.Meshes;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// A mesh entity's group commit: the journal confirms a change's events one message each, and a flush may run between
/// them, so the stored state and the entries a flush looks at again move a whole change at a time.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);

    private static readonly MeshState Empty =
        MeshState.Empty("default", new MeshSettings(new AllocatorSettings(IpPool.Parse("240.0.0.0/4"), null, TimeSpan.FromMinutes(2))));

    private static readonly EntryKey Backend = EntryKey.Parse("service:backend");

    [Fact]
    public void Confirm_FirstEventOfAChange_NoStoredStateAndNothingToFlush()
    {
        var commit = new GroupCommit();
        var events = Empty.DecideUpsert(TestResources.Dataplane("backend-1", "backend"), [], T0);
        Assert.Equal(2, events.Count); // the resource, then its VIP
        commit.Write(events, Empty, client: null);

        var stored = commit.Confirm();

        Assert.Null(stored);
        Assert.Empty(commit.Flush().Touched);
    }

    [Fact]
    public void Confirm_LastEventOfAChange_StateWithTheVipAndItsEntriesFlushed()
    {
        var commit = new GroupCommit();
        var projected = commit.Write(Empty.DecideUpsert(TestResources.Dataplane("backend-1", "backend"), [], T0), Empty, client: null);
        commit.Confirm();
        commit.Flush();

        var stored = commit.Confirm();

        Assert.Same(projected, stored);
        Assert.True(stored!.IsWanted(Backend));
        Assert.False(stored.Allocator.LacksVip(Backend));
        Assert.Contains(Backend, commit.Flush().Touched);
    }

    [Fact]
    public void Flush_ChangeOnTwoEntries_BothFlushedOnlyOnceItsLastEventIsConfirmed()
    {
        var commit = new GroupCommit();
        IMeshEvent[] change = [new VipAllocated("service:a", "240.0.0.1", null, T0), new VipAllocated("service:b", "240.0.0.2", null, T0)];
        commit.Write(change, Empty, client: null);
        commit.Confirm();
        Assert.Empty(commit.Flush().Touched);

        commit.Confirm();

        Assert.Equal([EntryKey.Parse("service:a"), EntryKey.Parse("service:b")], commit.Flush().Touched.Order());
    }

    [Fact]
    public void Confirm_TwoChanges_EachStoredStateIncludesItsWholeChange()
    {
        var commit = new GroupCommit();
        var afterFirst = commit.Write(Empty.DecideUpsert(TestResources.Dataplane("backend-1", "backend"), [], T0), Empty, client: null);
        var afterSecond = commit.Write(afterFirst.DecideUpsert(TestResources.Dataplane("web-1", "web"), [], T0), afterFirst, client: null);

        var confirmed = Enumerable.Range(0, 4).Select(_ => commit.Confirm()).ToList();

        Assert.Equal([null, afterFirst, null, afterSecond], confirmed);
    }
}
