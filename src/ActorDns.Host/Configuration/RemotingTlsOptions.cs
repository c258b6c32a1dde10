namespace ActorDns.Host.Configuration;

/// <summary>
/// Mutual TLS on the cluster transport (SPEC §8): this node's certificate with its key (<paramref name="CertFile"/>, PEM or
/// PKCS#12) and the CA every node's certificate must chain to (<paramref name="CaFile"/>, PEM).
/// </summary>
public sealed record RemotingTlsOptions(string CertFile, string CaFile);
