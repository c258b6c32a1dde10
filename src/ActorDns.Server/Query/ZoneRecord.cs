using System.Net;
using System.Text.Json.Serialization;

namespace ActorDns.Server.Query;

/// <summary>
/// One name of a zone and the VIPs it resolves to, as the control plane publishes it. A record with a
/// <see cref="SrvPort"/> is a service name <c>_&lt;port&gt;._&lt;proto&gt;.&lt;hostname&gt;</c> (SPEC §4.1): it answers
/// SRV <c>0 100 &lt;port&gt; &lt;hostname&gt;.</c>, and its addresses are the hostname's, sent as additional records.
/// </summary>
public sealed record ZoneRecord(string Name, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>Left out of the wire document when null, so a plain record reads the same to every release.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ushort? SrvPort { get; init; }

    /// <summary>The target of a service name (text form): the name without its first two labels.</summary>
    public static string SrvTargetOf(string serviceName)
    {
        var first = serviceName.IndexOf('.', StringComparison.Ordinal);
        return serviceName[(serviceName.IndexOf('.', first + 1) + 1)..];
    }
}
