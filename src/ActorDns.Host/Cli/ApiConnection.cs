namespace ActorDns.Host.Cli;

/// <summary>
/// How a client command reaches the API (SPEC §8): its address, the user token, the CA of an HTTPS API and a client
/// certificate with its key. Each comes from its flag, then the environment (<c>ACTORDNS_TOKEN</c>), then the
/// <c>--config</c> file's key of <see cref="ConfigKeys"/>.
/// </summary>
public sealed record ApiConnection(string ApiAddress, string? Token, string? CaCert, string? ClientCert, string? ClientKey)
{
    public const string DefaultApiAddress = "127.0.0.1:5681";

    public const string ApiAddressKey = "apiAddress";

    public const string TokenKey = "token";

    public const string CaCertKey = "caCert";

    public const string ClientCertKey = "clientCert";

    public const string ClientKeyKey = "clientKey";

    /// <summary>The keys a client's <c>--config</c> file may hold.</summary>
    public static readonly IReadOnlyList<string> ConfigKeys = [ApiAddressKey, TokenKey, CaCertKey, ClientCertKey, ClientKeyKey];
}
