using System.Security.Cryptography;
using ActorDns.Host.Api.Auth;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace ActorDns.Host.Tests.Auth;

/// <summary>User tokens as SPEC §8 has them: RS256, Kuma's claims, checked by Microsoft.IdentityModel with no skew.</summary>
public sealed class UserTokensTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly RSA _key = RSA.Create(2048);
    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public void Issue_MeshUser_HasKumasClaimsAndRs256()
    {
        var token = new JsonWebToken(new UserTokens(_key, _clock).Issue(new ApiUser("ci", ["team-a"], ["default"]), TimeSpan.FromHours(24)));

        Assert.Equal("RS256", token.Alg);
        Assert.Equal("ci", token.GetPayloadValue<string>("Name"));
        Assert.Equal(["team-a"], token.GetPayloadValue<string[]>("Groups"));
        Assert.Equal(["default"], token.GetPayloadValue<string[]>("Meshes"));
        Assert.Equal((Now.UtcDateTime, Now.UtcDateTime, Now.UtcDateTime.AddHours(24)), (token.IssuedAt, token.ValidFrom, token.ValidTo));
        Assert.True(Guid.TryParse(token.Id, out _));
    }

    [Fact]
    public void Issue_NoMeshes_LeavesTheClaimOut_SoTheUserMayWriteEveryMesh()
    {
        var token = new JsonWebToken(new UserTokens(_key, _clock).Issue(new ApiUser("ops", [], null), TimeSpan.FromHours(1)));
        var user = UserTokens.UserOf(token);

        Assert.False(token.TryGetPayloadValue<string[]>("Meshes", out _));
        Assert.Null(user.Meshes);
        Assert.True(user.MayWrite("any"));
        Assert.False(user.IsAdmin);
    }

    [Fact]
    public async Task Validate_OwnToken_IsValid_AndNamesItsUser()
    {
        var tokens = new UserTokens(_key, TimeProvider.System);
        var text = tokens.Issue(new ApiUser("ci", [ApiUser.AdminGroup], ["a", "b"]), TimeSpan.FromMinutes(5));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(text, tokens.ValidationParameters);

        Assert.True(result.IsValid, result.Exception?.Message);
        var user = UserTokens.UserOf((JsonWebToken)result.SecurityToken);
        Assert.Equal(("ci", true), (user.Name, user.IsAdmin));
        Assert.Equal(["a", "b"], user.Meshes);
        Assert.True(user.MayWrite("c"), "the admin group writes every mesh");
    }

    [Fact]
    public async Task Validate_OwnKeyButRs512_IsRefusedForItsAlgorithm()
    {
        var tokens = new UserTokens(_key, TimeProvider.System);
        var now = DateTime.UtcNow;
        var rs512 = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["Name"] = "ci", ["jti"] = "x" },
            IssuedAt = now, NotBefore = now, Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key), SecurityAlgorithms.RsaSha512),
        });

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(rs512, tokens.ValidationParameters);

        Assert.False(result.IsValid, "only RS256 is accepted, even with the right key");
    }

    [Theory]
    [InlineData(-10, false)]
    [InlineData(-1, true)]
    public async Task Validate_JustExpired_RefusedPastTheSkewOnly(int expiredSecondsAgo, bool valid)
    {
        var tokens = new UserTokens(_key, TimeProvider.System);
        var issued = DateTimeOffset.UtcNow.AddSeconds(expiredSecondsAgo - 60);
        var text = new UserTokens(_key, new FakeTimeProvider(issued)).Issue(new ApiUser("ci", [], null), TimeSpan.FromSeconds(60));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(text, tokens.ValidationParameters);

        Assert.True(valid == result.IsValid, result.Exception?.ToString());
    }

    [Fact]
    public async Task Validate_OtherKeyExpiredHs256OrNone_IsRefused()
    {
        var tokens = new UserTokens(_key, TimeProvider.System);
        using var other = RSA.Create(2048);
        var user = new ApiUser("ci", [], null);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var now = DateTime.UtcNow;
        string[] refused =
        [
            new UserTokens(other, TimeProvider.System).Issue(user, TimeSpan.FromHours(1)),
            new UserTokens(_key, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2))).Issue(user, TimeSpan.FromHours(1)),
            handler.CreateToken(new SecurityTokenDescriptor
            {
                Claims = new Dictionary<string, object> { ["Name"] = "ci", ["jti"] = "x" },
                IssuedAt = now, NotBefore = now, Expires = now.AddHours(1),
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256),
            }),
            handler.CreateToken(new SecurityTokenDescriptor { Claims = new Dictionary<string, object> { ["Name"] = "ci" }, IssuedAt = now, NotBefore = now, Expires = now.AddHours(1) }),
        ];

        foreach (var text in refused)
        {
            Assert.False((await handler.ValidateTokenAsync(text, tokens.ValidationParameters)).IsValid, text);
        }
    }

    public void Dispose() => _key.Dispose();
}
