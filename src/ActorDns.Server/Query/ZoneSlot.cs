namespace ActorDns.Server.Query;

/// <summary>
/// The current <see cref="ZoneTable"/> of one mesh. Receive loops read it with one volatile read per query;
/// the resolver swaps it with one volatile write per change. Nothing else is shared with the query path.
/// </summary>
public sealed class ZoneSlot(ZoneTable initial)
{
    private ZoneTable _current = initial;

    public ZoneTable Current => Volatile.Read(ref _current);

    public void Publish(ZoneTable table) => Volatile.Write(ref _current, table);
}
