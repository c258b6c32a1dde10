using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorDns.Host.Tls;
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
    public async Task Get_OverHttpsTrustingTheCa_Answered_AndPlainHttpGetsNothing()
    {
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = Start(api, ServerPem(_ca));

        using var https = Client(clientCertificate: null);
        await WaitReadyAsync(https, api, process);
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        Assert.Equal(HttpStatusCode.OK, (await https.GetAsync($"https://{api}/meshes")).StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync($"http://{api}/meshes"));
    }

    [Fact]
    public async Task Cli_CaCert_TrustsThatCaOnly()
    {
        var caFile = Path.Combine(_dir, "ca.crt");
        await File.WriteAllTextAsync(caFile, _ca.ExportCertificatePem());
        using var other = TestCertificates.Ca("another CA");
        var trusted = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var foreign = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var trustedNode = Start(trusted, ServerPem(_ca));
        await using var foreignNode = Start(foreign, ServerPem(other, "other"));
        using var https = Client(clientCertificate: null);
        using var httpsOther = Client(clientCertificate: null, trust: other);
        await WaitReadyAsync(https, trusted, trustedNode);
        await WaitReadyAsync(httpsOther, foreign, foreignNode);

        await using var good = ActorDnsProcess.Start("get", "meshes", "--api-address", trusted.ToString(), "--ca-cert", caFile);
        await using var bad = ActorDnsProcess.Start("get", "meshes", "--api-address", foreign.ToString(), "--ca-cert", caFile);

        Assert.Equal(0, await good.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("default", good.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, await bad.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith($"actordns get meshes: cannot reach the API at https://{foreign}/", bad.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ClientCaRequired_OnlyAClientCertificateFromThatCaGetsIn()
    {
        var caFile = Path.Combine(_dir, "ca.crt");
        await File.WriteAllTextAsync(caFile, _ca.ExportCertificatePem());
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = Start(api, [.. ServerPem(_ca), "--api-tls-client-ca", caFile]);
        using var other = TestCertificates.Ca("another CA");

        using var trusted = Client(TestCertificates.Issue(_ca, "operator", server: false));
        await WaitReadyAsync(trusted, api, process);
        using var none = Client(clientCertificate: null);
        using var foreign = Client(TestCertificates.Issue(other, "intruder", server: false));
        using var serverCertificateAsClient = Client(TestCertificates.Issue(_ca, "not-a-client", server: true));

        Assert.Equal(HttpStatusCode.OK, (await trusted.GetAsync($"https://{api}/meshes")).StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => none.GetAsync($"https://{api}/meshes"));
        await Assert.ThrowsAsync<HttpRequestException>(() => foreign.GetAsync($"https://{api}/meshes"));
        await Assert.ThrowsAsync<HttpRequestException>(() => serverCertificateAsClient.GetAsync($"https://{api}/meshes"));
        Assert.False(process.HasExited);
    }

    [Fact]
    public async Task Cli_ClientCertificate_LetInWhereOneIsRequired()
    {
        var caFile = Path.Combine(_dir, "ca.crt");
        await File.WriteAllTextAsync(caFile, _ca.ExportCertificatePem());
        var api = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        await using var process = Start(api, [.. ServerPem(_ca), "--api-tls-client-ca", caFile]);
        using var operatorCertificate = TestCertificates.Issue(_ca, "operator", server: false);
        using var trusted = Client(operatorCertificate);
        await WaitReadyAsync(trusted, api, process);
        var (cert, key) = TestCertificates.WritePem(operatorCertificate, _dir, "operator");

        await using var with = ActorDnsProcess.Start("get", "meshes", "--api-address", api.ToString(), "--ca-cert", caFile, "--client-cert", cert, "--client-key", key);
        await using var without = ActorDnsProcess.Start("get", "meshes", "--api-address", api.ToString(), "--ca-cert", caFile);
        await using var keyless = ActorDnsProcess.Start("get", "meshes", "--api-address", api.ToString(), "--ca-cert", caFile, "--client-cert", cert);

        Assert.Equal(0, await with.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("default", with.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, await without.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith($"actordns get meshes: cannot reach the API at https://{api}/", without.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, await keyless.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("actordns: --client-cert and --client-key go together\n", keyless.StandardError);
    }

    [Fact]
    public async Task Start_CertWithoutKey_OneLineNamingTheFlags()
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

    /// <summary>The flags of a server certificate for 127.0.0.1 issued by <paramref name="ca"/>, written as PEM.</summary>
    private string[] ServerPem(X509Certificate2 ca, string name = "api")
    {
        var (cert, key) = TestCertificates.WritePem(TestCertificates.Issue(ca, name, server: true), _dir, name);
        return ["--api-tls-cert", cert, "--api-tls-key", key];
    }

    private ActorDnsProcess Start(IPEndPoint api, params string[] tls) =>
        ActorDnsProcess.Start(["--dns-address", $"127.0.0.1:{FreePort.Next()}=default", "--api-address", api.ToString(), "--upstream", "127.0.0.1:9",
            "--data-dir", Path.Combine(_dir, $"data-{api.Port}"), .. tls]);

    /// <summary>An HTTPS client that trusts one CA only (the test CA unless named), presenting <paramref name="clientCertificate"/> when given.</summary>
    private HttpClient Client(X509Certificate2? clientCertificate, X509Certificate2? trust = null)
    {
        var handler = new SocketsHttpHandler();
        var ca = trust ?? _ca;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            CertificateTrust.IsIssuedBy((X509Certificate2)certificate!, [ca], CertificateTrust.ServerAuthentication);
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
