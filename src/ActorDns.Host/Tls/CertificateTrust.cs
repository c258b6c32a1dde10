using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorDns.Host.Configuration;

namespace ActorDns.Host.Tls;

/// <summary>
/// Trust in a private CA, shared by the API's HTTPS, the CLI's <c>--ca-cert</c> and the cluster transport: a
/// certificate is trusted when it chains to one of the given CA certificates, never to the machine's roots.
/// </summary>
public static class CertificateTrust
{
    /// <summary>The extended key usage of a TLS client certificate.</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The extended key usage of a TLS server certificate.</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>The CA certificates of a PEM file (one or more); an unreadable or empty file names <paramref name="flag"/>.</summary>
    public static X509Certificate2Collection LoadCa(string path, string flag)
    {
        var ca = new X509Certificate2Collection();
        try
        {
            ca.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new OptionsException($"{flag} {path}: {e.Message}");
        }

        return ca.Count > 0 ? ca : throw new OptionsException($"{flag} {path}: no certificate in PEM");
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to one of <paramref name="ca"/> (and to nothing else) and may be
    /// used for every one of <paramref name="purposes"/>, so a server certificate of that CA cannot pass for a client's.
    /// </summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2Collection ca, params Oid[] purposes)
    {
        using var chain = new X509Chain();
        foreach (var purpose in purposes)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(purpose);
        }

        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // A peer's certificate may name where to fetch its issuer: never go there, nothing but the given CA is trusted.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate);
    }
}
