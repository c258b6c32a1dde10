using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace ActorDns.Host.Api.Auth;

/// <summary>
/// The bearer handler's options come from code only (<see cref="UserTokens"/>), never from an <c>Authentication</c>
/// configuration section. Registered in place of <c>AddAuthentication()</c>'s provider, because that call also adds
/// Data Protection, whose hosted service writes a key ring to the user's home at start; bearer tokens need none of it.
/// </summary>
public sealed class NoAuthenticationConfiguration : IAuthenticationConfigurationProvider
{
    public IConfiguration AuthenticationConfiguration { get; } = new ConfigurationBuilder().Build();
}
