using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// The API over HTTPS (SPEC §8) through the real process: plain HTTP gets nothing, a client that trusts the CA gets
/// its answer (the CLI with <c>--ca-cert</c> too), and with <c>--api-tls-client-ca</c> only a client certificate from
/// that CA is let in.
/// </summary>
public sealed class ApiTlsProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actordns-tls-").FullName;
    private readonly X509Certificate2 _ca = TestCertificates.Ca("ActorDns test CA");

    [Fact]
    public async Task Https_ClientTrustingTheCa_Answered_PlainHttpIsNot_AndTheCliUsesCaCert()
    {
        var (cert, key) = TestCertificates.WritePem(TestCertificates.Issue(_ca, "api", server: true), _dir, "api");
        var caFile = Path.Combine(_dir, "ca.crt");
        await File.WriteAllTextAsync(caFile, _ca.ExportCertificatePem());
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = Start(api, "--api-tls-cert", cert, "--api-tls-key", key);

        using var https = Client(clientCertificate: null);
        await WaitReadyAsync(https, api, process);
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var cli = ActorDnsProcess.Start("get", "meshes", "--api-address", api.ToString(), "--ca-cert", caFile);

        Assert.Equal(HttpStatusCode.OK, (await https.GetAsync($"https://{api}/meshes")).StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync($"http://{api}/meshes"));
        Assert.Equal(0, await cli.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("default", cli.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCa_OnlyACertificateFromThatCaGetsIn()
    {
        var (cert, key) = TestCertificates.WritePem(TestCertificates.Issue(_ca, "api", server: true), _dir, "api");
        var caFile = Path.Combine(_dir, "ca.crt");
        await File.WriteAllTextAsync(caFile, _ca.ExportCertificatePem());
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = Start(api, "--api-tls-cert", cert, "--api-tls-key", key, "--api-tls-client-ca", caFile);
        using var other = TestCertificates.Ca("another CA");

        using var trusted = Client(TestCertificates.Issue(_ca, "operator", server: false));
        await WaitReadyAsync(trusted, api, process);
        using var none = Client(clientCertificate: null);
        using var foreign = Client(TestCertificates.Issue(other, "intruder", server: false));

        Assert.Equal(HttpStatusCode.OK, (await trusted.GetAsync($"https://{api}/meshes")).StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => none.GetAsync($"https://{api}/meshes"));
        await Assert.ThrowsAsync<HttpRequestException>(() => foreign.GetAsync($"https://{api}/meshes"));
        Assert.False(process.HasExited);
    }

    [Fact]
    public async Task CertWithoutKey_OneLineNamingTheFlags()
    {
        var (cert, _) = TestCertificates.WritePem(TestCertificates.Issue(_ca, "api", server: true), _dir, "api");
        await using var process = Start(new IPEndPoint(IPAddress.Loopback, FreePort.Next()), "--api-tls-cert", cert);

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("actordns: --api-tls-cert and --api-tls-key go together\n", process.StandardError);
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private ActorDnsProcess Start(IPEndPoint api, params string[] tls) =>
        ActorDnsProcess.Start(["--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9",
            "--data-dir", Path.Combine(_dir, "data"), .. tls]);

    /// <summary>An HTTPS client that trusts the test CA only, presenting <paramref name="clientCertificate"/> when given.</summary>
    private HttpClient Client(X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build((X509Certificate2)certificate!);
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
    }

    private static Task WaitReadyAsync(HttpClient https, IPEndPoint api, ActorDnsProcess process) =>
        Eventually.TrueAsync(
            async () =>
            {
                Assert.False(process.HasExited, process.Output);
                try
                {
                    return (await https.GetAsync($"https://{api}/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(20),
            "the API answers over HTTPS");
}
