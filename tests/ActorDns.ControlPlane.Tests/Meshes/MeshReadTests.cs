using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Meshes;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>
/// The report a mesh's reads are answered from (decision 0030): whole-mesh answers are built off the host actor, and every
/// reader of one report gets the same answer object (kept with the report), which describes that report.
/// </summary>
public sealed class MeshReadTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static MeshRead Report(params string[] services)
    {
        var state = MeshState.Empty("default", new MeshSettings(new AllocatorSettings(IpPool.Parse("10.1.0.0/24"), null, TimeSpan.FromSeconds(120))));
        foreach (var service in services)
        {
            foreach (var e in state.DecideUpsert(TestResources.Dataplane($"dp-{service}", service), Array.Empty<EntryKey>(), T0))
            {
                state = state.Apply(e);
            }
        }

        return new MeshRead(state, ZoneProjection.Recover(state, version: services.Length));
    }

    [Fact]
    public async Task VipsAndZone_AskedByManyReadersAtOnce_AllGetTheReportsOneAnswer()
    {
        var read = Report("backend", "web", "db");
        using var start = new ManualResetEventSlim();
        var readers = Enumerable.Range(0, 8)
            .Select(_ => Task.Factory.StartNew(
                () =>
                {
                    start.Wait();
                    return (read.Vips(), read.Zone());
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default))
            .ToList();
        start.Set();
        var answers = await Task.WhenAll(readers);

        Assert.All(answers, a => Assert.Same(answers[0].Item1, a.Item1));
        Assert.All(answers, a => Assert.Same(answers[0].Item2, a.Item2));
    }

    [Fact]
    public void VipsAndZone_OfOneReport_DescribeThatReportOnly()
    {
        var before = Report("backend");
        var after = Report("backend", "web");

        Assert.Equal(["service:backend"], before.Vips().Entries.Select(e => e.Key));
        Assert.Equal(["backend.mesh"], before.Zone().Records.Select(r => r.Name));
        Assert.Equal(1, before.Zone().Version);
        Assert.Equal(["service:backend", "service:web"], after.Vips().Entries.Select(e => e.Key).Order());
        Assert.Equal(2, after.Vips().Version);
    }
}
