using System.Security.Cryptography;
using ActorDns.Host.Configuration;

namespace ActorDns.Host.Api.Auth;

/// <summary>
/// The RSA key that signs API user tokens (SPEC §8). A key named with <c>--api-token-signing-key</c> must exist; without
/// one, <c>&lt;data-dir&gt;/api-token-signing-key.pem</c> is used, and generated (2048 bits, mode 0600) when absent.
/// A key file that its group or others may read or write is refused, as ssh refuses such a private key.
/// </summary>
public static class ApiSigningKey
{
    public const string DefaultFileName = "api-token-signing-key.pem";

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static RSA Load(ApiSecurityOptions options, string dataDir)
    {
        var flag = Setting.ApiTokenSigningKey.Flag;
        var path = options.SigningKeyPath ?? Path.Combine(dataDir, DefaultFileName);
        if (options.SigningKeyPath is null && !File.Exists(path))
        {
            using var created = RSA.Create(2048);
            if (SecretFile.TryCreate(path, created.ExportPkcs8PrivateKeyPem()))
            {
                return RSA.Create(created.ExportParameters(includePrivateParameters: true));
            }
        }

        if (!File.Exists(path))
        {
            throw new OptionsException($"{flag} {path}: no such file");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            throw new OptionsException($"{flag} {path}: readable or writable by others (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); allow only its owner: chmod 600 {path}");
        }

        var key = RSA.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));

            // A public key imports too, and could check tokens but never sign one.
            key.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new OptionsException($"{flag} {path}: not an RSA private key in PEM");
        }

        if (key.KeySize is var bits && bits < 2048)
        {
            key.Dispose();
            throw new OptionsException($"{flag} {path}: an RSA key of {bits} bits; at least 2048 are needed");
        }

        return key;
    }
}
