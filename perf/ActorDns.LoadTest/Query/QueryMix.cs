using ActorDns.LoadTest.Dns;
using ActorDns.Protocol;

namespace ActorDns.LoadTest.Query;

/// <summary>
/// The queries a run draws from: an A and an AAAA query per name. A draw picks a name uniformly and AAAA
/// with the given probability; the caller's seeded <see cref="Random"/> makes a run repeatable.
/// </summary>
internal sealed class QueryMix
{
    private readonly QueryTemplate[] _templates;
    private readonly int _aaaaPercent;

    /// <summary>Throws <see cref="FormatException"/> naming the first invalid name.</summary>
    public QueryMix(IReadOnlyList<string> names, int aaaaPercent)
    {
        ArgumentOutOfRangeException.ThrowIfZero(names.Count);
        _aaaaPercent = aaaaPercent;
        _templates = names.SelectMany(n => new[] { new QueryTemplate(n, DnsRecordType.A), new QueryTemplate(n, DnsRecordType.AAAA) }).ToArray();
    }

    public QueryTemplate this[int index] => _templates[index];

    /// <summary>Index of the next query to send.</summary>
    public int Pick(Random random) => (2 * random.Next(_templates.Length / 2)) + (random.Next(100) < _aaaaPercent ? 1 : 0);
}
