using System.Security.Cryptography;
using System.Text;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;
using ActorDns.Host.Configuration;

namespace ActorDns.Host.Tls;

/// <summary>
/// Mutual TLS between cluster nodes (SPEC §8): every connection, in either direction, presents this node's certificate
/// and accepts the peer only if the peer's certificate chains to <c>--remoting-tls-ca</c> and may be used both as a
/// client and as a server. Host names are not checked: nodes are addressed by IP and every node of the CA is a peer.
/// </summary>
public static class RemotingTls
{
    /// <summary>Akka.Remote's SSL settings for <paramref name="options"/>; unusable files are an <see cref="OptionsException"/>.</summary>
    public static SslOptions Options(RemotingTlsOptions options)
    {
        var ca = CertificateTrust.LoadCa(options.CaFile, Setting.RemotingTlsCa.Flag);
        var certificate = LoadWithKey(options.CertFile);
        if (!CertificateTrust.IsIssuedBy(certificate, ca, CertificateTrust.ServerAuthentication, CertificateTrust.ClientAuthentication))
        {
            throw new OptionsException(
                $"{Setting.RemotingTlsCert.Flag} {options.CertFile}: not issued by {Setting.RemotingTlsCa.Flag} {options.CaFile} for both client and server authentication"
                + " (or expired)");
        }

        return new SslOptions
        {
            X509Certificate = certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            ValidateCertificateHostname = false,
            CustomValidator = (peer, _, address, _, log) =>
            {
                if (peer is not null && CertificateTrust.IsIssuedBy(peer, ca, CertificateTrust.ServerAuthentication, CertificateTrust.ClientAuthentication))
                {
                    return true;
                }

                log.Warning("Refused a cluster connection from or to {0}: its certificate ({1}) is not issued by {2}",
                    address, peer?.Subject ?? "none", Setting.RemotingTlsCa.Flag);
                return false;
            },
        };
    }

    /// <summary>A certificate with its private key: PEM holding both, or PKCS#12 without a password (what <c>certs init</c> writes).</summary>
    private static X509Certificate2 LoadWithKey(string path)
    {
        var what = $"{Setting.RemotingTlsCert.Flag} {path}";
        X509Certificate2 certificate;
        try
        {
            var bytes = File.ReadAllBytes(path);

            // PEM may follow other text (openssl's "Bag Attributes") or a byte-order mark; PKCS#12 is binary DER.
            certificate = PemEncoding.TryFind(Encoding.UTF8.GetString(bytes), out _)
                ? CertificateFiles.LoadPem(path, keyPath: null, what)
                : X509CertificateLoader.LoadPkcs12(bytes, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new OptionsException($"{what}: {e.Message}");
        }

        return certificate.HasPrivateKey ? certificate : throw new OptionsException($"{what}: the file has no private key");
    }
}
