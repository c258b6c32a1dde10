using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using ActorDns.Host.Api.Auth;

namespace ActorDns.Host.Tls;

/// <summary>
/// <c>actordns certs init DIR</c> (SPEC §8): a CA for a development or test cluster (<c>ca.crt</c>, <c>ca.key</c>) and one
/// <c>&lt;node&gt;.pfx</c> per node — its certificate and key, no password, usable as <c>--remoting-tls-cert</c> with
/// <c>--remoting-tls-ca DIR/ca.crt</c>. Run again, it keeps what exists and issues the missing nodes from the same CA.
/// Keys and PKCS#12 files are mode 0600.
/// </summary>
public static partial class DevelopmentCa
{
    public const string CaCertificateFile = "ca.crt";

    public const string CaKeyFile = "ca.key";

    /// <summary>The nodes of the local topology (cluster-config/local-cluster.sh, docker-compose.yml).</summary>
    public static readonly IReadOnlyList<string> LocalTopology = ["cp1", "cp2", "cp3", "resolver1", "resolver2"];

    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(3650);

    public static readonly TimeSpan NodeValidity = TimeSpan.FromDays(730);

    /// <summary>What <see cref="Init"/> did with one file: written, or kept because it existed.</summary>
    public sealed record Outcome(string Path, bool Written);

    /// <summary>Why <paramref name="name"/> cannot name a node certificate, or null.</summary>
    public static string? NameProblem(string name) =>
        NodeName().IsMatch(name) ? null : $"'{name}' is not a node name: lowercase letters, digits and '-', at most 63, starting with a letter or digit";

    /// <summary>Creates the CA unless <paramref name="directory"/> holds one, then every missing node certificate.</summary>
    public static IReadOnlyList<Outcome> Init(string directory, IReadOnlyList<string> nodes, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        var caCert = Path.Combine(directory, CaCertificateFile);
        var caKey = Path.Combine(directory, CaKeyFile);
        var outcomes = new List<Outcome>();
        var now = time.GetUtcNow();
        var missing = nodes.Select(node => Path.Combine(directory, $"{node}.pfx")).Where(path => !File.Exists(path)).ToList();
        if (File.Exists(caCert) || File.Exists(caKey))
        {
            outcomes.AddRange(new[] { caCert, caKey }.Where(File.Exists).Select(path => new Outcome(path, false)));
            if (missing.Count == 0)
            {
                // Every node has its certificate (a CA brought along may come without its key): nothing to issue.
                outcomes.AddRange(nodes.Select(node => new Outcome(Path.Combine(directory, $"{node}.pfx"), false)));
                return outcomes;
            }
        }
        else
        {
            using var key = RSA.Create(3072);
            var request = new CertificateRequest($"CN=ActorDns development CA {now:yyyy-MM-dd}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(CaValidity));
            if (!SecretFile.TryCreate(caKey, key.ExportPkcs8PrivateKeyPem() + "\n"))
            {
                throw new IOException($"{caKey} appeared while it was being written");
            }

            File.WriteAllText(caCert, created.ExportCertificatePem() + "\n");
            outcomes.Add(new Outcome(caCert, true));
            outcomes.Add(new Outcome(caKey, true));
        }

        using var ca = X509Certificate2.CreateFromPemFile(caCert, caKey);
        if (ca.NotAfter.ToUniversalTime() <= now.UtcDateTime)
        {
            throw new ArgumentException($"the CA in {caCert} expired on {ca.NotAfter.ToUniversalTime():yyyy-MM-dd}");
        }

        foreach (var node in nodes)
        {
            var path = Path.Combine(directory, $"{node}.pfx");
            outcomes.Add(new Outcome(path, missing.Contains(path) && SecretFile.TryCreate(path, IssueNode(ca, node, now))));
        }

        return outcomes;
    }

    /// <summary>A node's certificate and key as PKCS#12: both client and server authentication, named by a DNS SAN.</summary>
    private static byte[] IssueNode(X509Certificate2 ca, string node, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={node}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([CertificateTrust.ServerAuthentication, CertificateTrust.ClientAuthentication], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(node);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        // Within the CA's own validity, which CertificateRequest.Create insists on.
        var notBefore = now.AddMinutes(-5) > ca.NotBefore ? now.AddMinutes(-5) : new DateTimeOffset(ca.NotBefore);
        var notAfter = now.Add(NodeValidity) < ca.NotAfter ? now.Add(NodeValidity) : new DateTimeOffset(ca.NotAfter);
        using var issued = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        return withKey.Export(X509ContentType.Pkcs12);
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex NodeName();
}
