using ActorDns.Server.Query;
using BenchmarkDotNet.Attributes;

namespace ActorDns.Benchmarks;

/// <summary>
/// What a resolver does with one <c>ZoneChanged</c>: apply a one-name delta to the current table and swap
/// the result into the slot the receive loops read. Target (issue 5): at most 5 ms on a 1,000,000-name table.
/// </summary>
/// <remarks>
/// Every invocation applies its delta to the same base table (a table never changes), so the table does not
/// grow between iterations. Neither size is at a doubling threshold: the rebuild a growing upsert can
/// trigger is not measured here.
/// </remarks>
[MemoryDiagnoser]
public class ZoneTableDeltaBenchmark
{
    private ZoneTable _table = null!;
    private ZoneSlot _slot = null!;
    private ZoneDelta _upsertNew = null!;
    private ZoneDelta _remove = null!;
    private ZoneDelta _changeAddress = null!;

    [Params(10_000, 1_000_000)]
    public int Names { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = ZoneTable.Create(new ZoneSettings(), 1, SyntheticZone.Records(Names));
        _slot = new ZoneSlot(_table);
        var existing = Names / 2;
        _upsertNew = new ZoneDelta(1, 2, [SyntheticZone.Record(Names)], []);
        _remove = new ZoneDelta(1, 2, [], [$"{SyntheticZone.Service(existing)}.mesh"]);
        _changeAddress = new ZoneDelta(1, 2, [new ZoneRecord($"{SyntheticZone.Service(existing)}.mesh", [SyntheticZone.Vip(Names)])], []);
    }

    [Benchmark(Baseline = true)]
    public ZoneTable UpsertNewName() => Swap(_upsertNew);

    [Benchmark]
    public ZoneTable RemoveName() => Swap(_remove);

    [Benchmark]
    public ZoneTable ChangeAddress() => Swap(_changeAddress);

    private ZoneTable Swap(ZoneDelta delta)
    {
        var table = _table.Apply(delta);
        _slot.Publish(table);
        return table;
    }
}
