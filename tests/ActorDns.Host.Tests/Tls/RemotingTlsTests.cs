using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using ActorDns.Host.Configuration;
using ActorDns.Host.Tls;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests.Tls;

public sealed class RemotingTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actordns-remoting-tls-").FullName;

    public RemotingTlsTests() => DevelopmentCa.Init(_directory, ["cp1"], TimeProvider.System);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Ca => Path.Combine(_directory, DevelopmentCa.CaCertificateFile);

    [Fact]
    public void Options_ANodeCertificateOfTheCa_MutualTlsWithoutHostNames()
    {
        var ssl = RemotingTls.Options(new RemotingTlsOptions(Path.Combine(_directory, "cp1.pfx"), Ca));

        Assert.True(ssl.RequireMutualAuthentication);
        Assert.False(ssl.SuppressValidation);
        Assert.False(ssl.ValidateCertificateHostname);
        Assert.True(ssl.X509Certificate!.HasPrivateKey);
        Assert.NotNull(ssl.CustomValidator);
    }

    [Fact]
    public void CustomValidator_APeerOfTheCa_AcceptedAndAnyOtherRefused()
    {
        var other = Path.Combine(_directory, "other");
        DevelopmentCa.Init(_directory, ["cp2"], TimeProvider.System);
        DevelopmentCa.Init(other, ["cp2"], TimeProvider.System);
        var validator = RemotingTls.Options(new RemotingTlsOptions(Path.Combine(_directory, "cp1.pfx"), Ca)).CustomValidator!;
        using var peer = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(_directory, "cp2.pfx"), null);
        using var stranger = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(other, "cp2.pfx"), null);

        Assert.True(validator(peer, null, "127.0.0.1:4053", SslPolicyErrors.RemoteCertificateChainErrors, NoLogger.Instance));
        Assert.False(validator(stranger, null, "127.0.0.1:4053", SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(validator(null, null, "127.0.0.1:4053", SslPolicyErrors.RemoteCertificateNotAvailable, NoLogger.Instance));
    }

    [Fact]
    public void Options_CertificateAndKeyInOnePemFile_Loaded()
    {
        using var pfx = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(_directory, "cp1.pfx"), null);
        var pem = Path.Combine(_directory, "cp1.pem");
        // As openssl pkcs12 -nodes writes it: attributes before each block.
        File.WriteAllText(pem, "Bag Attributes\n    localKeyID: 01\n" + pfx.ExportCertificatePem() + "\nKey Attributes: <No Attributes>\n" + pfx.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var ssl = RemotingTls.Options(new RemotingTlsOptions(pem, Ca));

        Assert.Equal(pfx.Thumbprint, ssl.X509Certificate!.Thumbprint);
        Assert.True(ssl.X509Certificate!.HasPrivateKey);
    }

    [Fact]
    public void Options_ACertificateOfAnotherCa_RefusedAtStart()
    {
        var other = Path.Combine(_directory, "other");
        DevelopmentCa.Init(other, ["cp1"], TimeProvider.System);

        var error = Assert.Throws<OptionsException>(() => RemotingTls.Options(new RemotingTlsOptions(Path.Combine(other, "cp1.pfx"), Ca)));

        Assert.StartsWith("--remoting-tls-cert ", error.Message, StringComparison.Ordinal);
        Assert.Contains("not issued by --remoting-tls-ca", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AServerOnlyCertificate_RefusedAtStart()
    {
        using var ca = TestCertificates.Ca("test CA");
        using var server = TestCertificates.Issue(ca, "server", server: true);
        var caFile = Path.Combine(_directory, "server-ca.crt");
        File.WriteAllText(caFile, ca.ExportCertificatePem());
        var (cert, key) = TestCertificates.WritePem(server, _directory, "server");
        File.AppendAllText(cert, "\n" + File.ReadAllText(key));

        var error = Assert.Throws<OptionsException>(() => RemotingTls.Options(new RemotingTlsOptions(cert, caFile)));

        Assert.Contains("for both client and server authentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ACertificateWithoutItsKey_RefusedAtStart()
    {
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(Ca);
        var certOnly = Path.Combine(_directory, "ca-only.pem");
        File.WriteAllText(certOnly, ca[0].ExportCertificatePem());

        var error = Assert.Throws<OptionsException>(() => RemotingTls.Options(new RemotingTlsOptions(certOnly, Ca)));

        Assert.StartsWith($"--remoting-tls-cert {certOnly}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AMissingFile_NamesTheFlag()
    {
        var missing = Path.Combine(_directory, "missing.pfx");

        var error = Assert.Throws<OptionsException>(() => RemotingTls.Options(new RemotingTlsOptions(missing, Ca)));

        Assert.StartsWith($"--remoting-tls-cert {missing}: ", error.Message, StringComparison.Ordinal);
    }
}
