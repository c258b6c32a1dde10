using ActorDns.ControlPlane.Allocation;
using ActorDns.ControlPlane.Catalog;
using BenchmarkDotNet.Attributes;

namespace ActorDns.Benchmarks;

/// <summary>
/// One VIP decision as a mesh entity makes it: <see cref="AllocatorState.Decide"/> for one key, then
/// <see cref="AllocatorState.Apply"/> of the events (as after they are persisted), in a pool already
/// holding <see cref="Allocations"/> VIPs.
/// </summary>
[MemoryDiagnoser]
public class AllocatorBenchmark
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private AllocatorState _state = null!;
    private EntryKey[] _newKey = null!;
    private EntryKey[] _existingKey = null!;

    [Params(10_000, 100_000)]
    public int Allocations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var keys = Enumerable.Range(0, Allocations).Select(i => EntryKey.Service(SyntheticZone.Service(i))).ToList();
        _state = Fold(AllocatorState.Empty(AllocatorSettings.Default), keys, wanted: true);
        _newKey = [EntryKey.Service(SyntheticZone.Service(Allocations))];
        _existingKey = [keys[Allocations / 2]];
    }

    [Benchmark(Baseline = true)]
    public AllocatorState AllocateOne() => Fold(_state, _newKey, wanted: true);

    [Benchmark]
    public AllocatorState ReleaseOne() => Fold(_state, _existingKey, wanted: false);

    private static AllocatorState Fold(AllocatorState state, IEnumerable<EntryKey> keys, bool wanted)
    {
        foreach (var e in state.Decide(keys, _ => wanted, Now))
        {
            state = state.Apply(e);
        }

        return state;
    }
}
