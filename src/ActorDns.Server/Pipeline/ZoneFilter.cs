using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// The names a step applies to: one of <see cref="Zones"/> or below it, and not one of the excepted names or below
/// them (CoreDNS's zone arguments and <c>except</c>). Wire format; matching ignores case.
/// </summary>
public sealed class ZoneFilter(IReadOnlyList<byte[]> zones, IReadOnlyList<byte[]>? except = null)
{
    // Arrays, not the lists: a foreach over an interface allocates its enumerator, on the receive loop.
    private readonly byte[][] _zones = [.. zones];
    private readonly byte[][]? _except = except is null ? null : [.. except];

    /// <summary>Every name: the root zone.</summary>
    public static readonly ZoneFilter All = new([[0]]);

    public IReadOnlyList<byte[]> Zones { get; } = zones;

    /// <summary>True when every name matches (the root zone, nothing excepted): a step may skip the check.</summary>
    public bool MatchesEverything { get; } = except is null && zones.Any(z => z.Length == 1);

    public bool Matches(ReadOnlySpan<byte> name)
    {
        var inZone = false;
        foreach (var zone in _zones)
        {
            if (DnsName.FindSuffix(name, zone) >= 0)
            {
                inZone = true;
                break;
            }
        }

        if (!inZone || _except is null)
        {
            return inZone;
        }

        foreach (var excluded in _except)
        {
            if (DnsName.FindSuffix(name, excluded) >= 0)
            {
                return false;
            }
        }

        return true;
    }
}
