using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActorDns.Host.Api.Auth;

/// <summary>
/// Kuma-style API user tokens (SPEC §8): RS256 JWTs with the claims <c>Name</c>, <c>Groups</c>, <c>Meshes</c> (absent: every
/// mesh), <c>iat</c>, <c>nbf</c>, <c>exp</c> and <c>jti</c>. Issued and checked with Microsoft.IdentityModel; only RS256
/// signed by this key is accepted, with <see cref="ClockSkew"/> of leeway between the clocks of the nodes.
/// </summary>
public sealed class UserTokens(RSA key, TimeProvider clock)
{
    public const string Algorithm = SecurityAlgorithms.RsaSha256;

    /// <summary>Kuma's admin token lives ten years.</summary>
    public static readonly TimeSpan AdminValidity = TimeSpan.FromDays(3650);

    /// <summary>Times in a token are whole seconds: a token used at once on a node whose clock is a little behind is still valid.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    private readonly RsaSecurityKey _key = new(key);

    public TokenValidationParameters ValidationParameters => new()
    {
        IssuerSigningKey = _key,
        ValidAlgorithms = [Algorithm],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ValidateIssuer = false,
        ValidateAudience = false,
        ClockSkew = UserTokens.ClockSkew,
    };

    public string Issue(ApiUser user, TimeSpan validFor)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["Name"] = user.Name,
            ["Groups"] = user.Groups.ToArray(),
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
        };
        if (user.Meshes is not null)
        {
            claims["Meshes"] = user.Meshes.ToArray();
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + validFor,
            SigningCredentials = new SigningCredentials(_key, Algorithm),
        });
    }

    /// <summary>The user a validated token names; read from the token itself, so an empty <c>Meshes</c> stays "no mesh".</summary>
    public static ApiUser UserOf(JsonWebToken token) => new(
        token.TryGetPayloadValue<string>("Name", out var name) ? name : "",
        token.TryGetPayloadValue<string[]>("Groups", out var groups) ? groups : [],
        token.TryGetPayloadValue<string[]>("Meshes", out var meshes) ? meshes : null,
        string.IsNullOrEmpty(token.Id) ? null : token.Id);
}
