using System.Security.Authentication;
using ActorDns.Host.Configuration;
using ActorDns.Host.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace ActorDns.Host.Api.Auth;

/// <summary>
/// HTTPS for the API (SPEC §8): <c>--api-tls-cert</c> and <c>--api-tls-key</c> (PEM) serve it over TLS 1.2 or 1.3 only;
/// <c>--api-tls-client-ca</c> also requires a client certificate issued by that CA. Files that cannot be read or do
/// not match are an <see cref="OptionsException"/> naming the flag.
/// </summary>
public static class ApiTls
{
    /// <summary>Kestrel's HTTPS options, or null when the API is plain HTTP.</summary>
    public static HttpsConnectionAdapterOptions? Options(ApiSecurityOptions options)
    {
        if (options.TlsCert is null && options.TlsKey is null)
        {
            return options.TlsClientCa is null ? null
                : throw new OptionsException($"{Setting.ApiTlsClientCa.Flag} needs {Setting.ApiTlsCert.Flag} and {Setting.ApiTlsKey.Flag}");
        }

        if (options.TlsCert is null || options.TlsKey is null)
        {
            throw new OptionsException($"{Setting.ApiTlsCert.Flag} and {Setting.ApiTlsKey.Flag} go together");
        }

        var certificate = CertificateFiles.LoadPem(options.TlsCert, options.TlsKey, $"{Setting.ApiTlsCert.Flag} {options.TlsCert} with {Setting.ApiTlsKey.Flag} {options.TlsKey}");
        var https = new HttpsConnectionAdapterOptions { ServerCertificate = certificate, SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 };
        if (options.TlsClientCa is { } caFile)
        {
            var ca = CertificateTrust.LoadCa(caFile, Setting.ApiTlsClientCa.Flag);
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (client, _, _) => CertificateTrust.IsIssuedBy(client, ca, CertificateTrust.ClientAuthentication);
        }

        return https;
    }
}
