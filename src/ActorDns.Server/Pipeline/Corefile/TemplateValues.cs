namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>
/// The fields a Corefile template sees, named as in Kuma's data-plane DNS configuration (SPEC §4.6):
/// <c>.CoreDNSPort</c>, <c>.EnvoyDNSPort</c> (the in-process mesh step), <c>.CoreDNSEmptyPort</c>,
/// <c>.PrometheusPort</c> and <c>.CoreDNSLogging</c>.
/// </summary>
public sealed record TemplateValues(int CoreDNSPort, int EnvoyDNSPort, int CoreDNSEmptyPort, int PrometheusPort, bool CoreDNSLogging)
{
    /// <summary>The value of field <paramref name="name"/> (case-sensitive, as Go's), an <see cref="int"/> or a <see cref="bool"/>.</summary>
    public bool TryGet(string name, out object value)
    {
        object? found = name switch
        {
            nameof(CoreDNSPort) => CoreDNSPort,
            nameof(EnvoyDNSPort) => EnvoyDNSPort,
            nameof(CoreDNSEmptyPort) => CoreDNSEmptyPort,
            nameof(PrometheusPort) => PrometheusPort,
            nameof(CoreDNSLogging) => CoreDNSLogging,
            _ => null,
        };
        value = found ?? 0;
        return found is not null;
    }
}
