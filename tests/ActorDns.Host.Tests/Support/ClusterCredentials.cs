using System.Security.Cryptography;
using ActorDns.Host.Api.Auth;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// What the control-plane nodes of a test cluster share to accept each other's tokens (SPEC §8): one signing key
/// (<c>--api-token-signing-key</c>), and the admin token a node writes into its data directory at its first start.
/// </summary>
public static class ClusterCredentials
{
    /// <summary>A new 2048-bit RSA key in <paramref name="directory"/>, mode 0600; its path.</summary>
    public static string WriteSigningKey(string directory)
    {
        var path = Path.Combine(directory, ApiSigningKey.DefaultFileName);
        using var key = RSA.Create(2048);
        if (!SecretFile.TryCreate(path, key.ExportPkcs8PrivateKeyPem()))
        {
            throw new InvalidOperationException($"{path} exists already");
        }

        return path;
    }

    public static string AdminToken(string dataDir) => File.ReadAllText(Path.Combine(dataDir, NodeHost.AdminTokenFile)).Trim();
}
