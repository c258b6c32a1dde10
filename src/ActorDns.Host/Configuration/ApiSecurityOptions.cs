namespace ActorDns.Host.Configuration;

/// <summary>
/// The API's authentication settings (SPEC §8). <paramref name="SigningKeyPath"/>: the token signing key, or null for
/// <c>&lt;data-dir&gt;/api-token-signing-key.pem</c>, generated when absent. The TLS files are null for plain HTTP.
/// </summary>
public sealed record ApiSecurityOptions(string? SigningKeyPath, bool LocalhostIsAdmin, bool MetricsRequireToken)
{
    public string? TlsCert { get; init; }

    public string? TlsKey { get; init; }

    public string? TlsClientCa { get; init; }
}
