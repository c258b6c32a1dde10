using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// The server blocks of one listener, compiled: a query runs the pipeline of the longest zone that holds its name
/// (CoreDNS's server-block selection); a name no zone holds is REFUSED.
/// </summary>
public sealed class ServerSet
{
    private readonly (byte[] Zone, CompiledPipeline Pipeline)[] _blocks;

    public ServerSet(IEnumerable<(byte[] Zone, CompiledPipeline Pipeline)> blocks)
    {
        // Two zones that both hold a name are suffixes of it, so the longer is the more specific.
        _blocks = [.. blocks.OrderByDescending(b => b.Zone.Length)];
    }

    public CompiledPipeline? Select(ReadOnlySpan<byte> qname)
    {
        foreach (var (zone, pipeline) in _blocks)
        {
            if (DnsName.FindSuffix(qname, zone) >= 0)
            {
                return pipeline;
            }
        }

        return null;
    }
}
