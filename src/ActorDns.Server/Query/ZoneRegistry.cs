using System.Collections.Concurrent;

namespace ActorDns.Server.Query;

/// <summary>The <see cref="ZoneSlot"/> of every mesh this process serves, created empty on first use.</summary>
public sealed class ZoneRegistry(ZoneSettings settings)
{
    private readonly ConcurrentDictionary<string, ZoneSlot> _slots = new(StringComparer.Ordinal);

    public ZoneSettings Settings { get; } = settings;

    public ZoneSlot For(string mesh) => _slots.GetOrAdd(mesh, _ => new ZoneSlot(ZoneTable.Empty(Settings)));
}
