using System.Security.Cryptography.X509Certificates;
using ActorDns.Host.Tls;
using Xunit;

namespace ActorDns.Host.Tests.Tls;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DevelopmentCaTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actordns-certs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string file) => Path.Combine(_directory, file);

    [Fact]
    public void Init_LocalTopology_WritesACaAndANodeCertificateForBothDirections()
    {
        var outcomes = DevelopmentCa.Init(_directory, DevelopmentCa.LocalTopology, TimeProvider.System);

        Assert.All(outcomes, o => Assert.True(o.Written));
        Assert.Equal(
            ["ca.crt", "ca.key", "cp1.pfx", "cp2.pfx", "cp3.pfx", "resolver1.pfx", "resolver2.pfx"],
            outcomes.Select(o => Path.GetFileName(o.Path)));
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(PathOf("ca.crt"));
        using var node = X509CertificateLoader.LoadPkcs12FromFile(PathOf("resolver1.pfx"), null);
        Assert.True(node.HasPrivateKey);
        Assert.Equal("CN=resolver1", node.Subject);
        Assert.True(CertificateTrust.IsIssuedBy(node, ca, CertificateTrust.ServerAuthentication, CertificateTrust.ClientAuthentication));
    }

    [Fact]
    public void Init_KeysAndNodeFiles_AreReadableByTheOwnerOnly()
    {
        DevelopmentCa.Init(_directory, ["cp1"], TimeProvider.System);

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(PathOf("ca.key")));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(PathOf("cp1.pfx")));
        Assert.True(File.GetUnixFileMode(PathOf("ca.crt")).HasFlag(UnixFileMode.OtherRead));
    }

    [Fact]
    public void Init_RunAgain_KeepsTheCaAndTheNodesAndIssuesNewOnesFromTheSameCa()
    {
        DevelopmentCa.Init(_directory, ["cp1"], TimeProvider.System);
        var caBefore = File.ReadAllText(PathOf("ca.crt"));
        var cp1Before = File.ReadAllBytes(PathOf("cp1.pfx"));

        var outcomes = DevelopmentCa.Init(_directory, ["cp1", "cp4"], TimeProvider.System);

        Assert.Equal([false, false, false, true], outcomes.Select(o => o.Written));
        Assert.Equal(caBefore, File.ReadAllText(PathOf("ca.crt")));
        Assert.Equal(cp1Before, File.ReadAllBytes(PathOf("cp1.pfx")));
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(PathOf("ca.crt"));
        using var added = X509CertificateLoader.LoadPkcs12FromFile(PathOf("cp4.pfx"), null);
        Assert.True(CertificateTrust.IsIssuedBy(added, ca, CertificateTrust.ClientAuthentication));
    }

    [Fact]
    public void Init_AnotherDirectory_MakesACaTheFirstOneDoesNotTrust()
    {
        var other = Path.Combine(_directory, "other");
        DevelopmentCa.Init(_directory, ["cp1"], TimeProvider.System);
        DevelopmentCa.Init(other, ["cp1"], TimeProvider.System);

        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(PathOf("ca.crt"));
        using var stranger = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(other, "cp1.pfx"), null);
        Assert.False(CertificateTrust.IsIssuedBy(stranger, ca, CertificateTrust.ClientAuthentication));
    }

    [Fact]
    public void Init_YourOwnCaWithoutItsKey_EveryNodePresent_IssuesNothingAndNeedsNoKey()
    {
        DevelopmentCa.Init(_directory, ["cp1"], TimeProvider.System);
        File.Delete(PathOf("ca.key"));

        var outcomes = DevelopmentCa.Init(_directory, ["cp1"], TimeProvider.System);

        Assert.Equal(["ca.crt", "cp1.pfx"], outcomes.Select(o => Path.GetFileName(o.Path)));
        Assert.All(outcomes, o => Assert.False(o.Written));
    }

    [Theory]
    [InlineData("cp1", true)]
    [InlineData("resolver-2", true)]
    [InlineData("CP1", false)]
    [InlineData("-cp", false)]
    [InlineData("cp1/../x", false)]
    [InlineData("", false)]
    public void NameProblem_NodeNames_OnlyDnsLabels(string name, bool valid)
    {
        Assert.Equal(valid, DevelopmentCa.NameProblem(name) is null);
    }
}
