using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorDns.Host.Configuration;

namespace ActorDns.Host.Tls;

/// <summary>Certificates with their private keys, read from files for TLS (the API's, a client's, a cluster node's).</summary>
public static class CertificateFiles
{
    /// <summary>
    /// A PEM certificate and its PEM key (<paramref name="keyPath"/> null: in the same file), usable by TLS; an unreadable
    /// or mismatched pair is an <see cref="OptionsException"/> starting with <paramref name="what"/>.
    /// </summary>
    public static X509Certificate2 LoadPem(string certPath, string? keyPath, string what)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);

            // A PEM key is ephemeral; TLS on Linux takes the certificate with its key exported and imported again.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new OptionsException($"{what}: {e.Message}");
        }
    }
}
