namespace ActorDns.Host.Configuration;

/// <summary>
/// The API's authentication settings (SPEC §8). <paramref name="SigningKeyPath"/>: the token signing key, or null for
/// <c>&lt;data-dir&gt;/api-token-signing-key.pem</c>, generated when absent.
/// </summary>
public sealed record ApiSecurityOptions(string? SigningKeyPath, bool LocalhostIsAdmin, bool MetricsRequireToken);
