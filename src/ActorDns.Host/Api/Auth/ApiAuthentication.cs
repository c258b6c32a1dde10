using Akka.Actor;
using Akka.Hosting;
using ActorDns.ControlPlane.Tokens;
using ActorDns.Host.Configuration;
using ActorDns.Host.ControlPlane;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.Host.Api.Auth;

/// <summary>
/// Who is calling (SPEC §8), before any route runs: <c>/health/*</c> is open, and <c>/metrics</c> unless
/// <c>--metrics-require-token</c>; a direct localhost call is admin when <c>--api-localhost-is-admin</c> is on; every
/// other request needs a valid bearer token (checked by ASP.NET Core's JWT bearer handler) whose <c>jti</c> is not
/// revoked, or it is answered 401. What the user may then do is decided per route (<see cref="ApiAccess"/>).
/// </summary>
public sealed class ApiAuthentication(RequestDelegate next, ApiSecurityOptions options, RevokedTokens revoked, ActorRegistry actors)
{
    /// <summary>The <see cref="HttpContext.Items"/> key of the request's <see cref="ApiUser"/>.</summary>
    public const string UserItem = "actordns.user";

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health") || path == "/metrics" && !options.MetricsRequireToken)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        if (options.LocalhostIsAdmin && LocalhostRule.IsDirectLocalCall(context.Connection.RemoteIpAddress, request.Host.Value ?? "", request.Headers, request.Scheme))
        {
            context.Items[UserItem] = ApiUser.Admin;
            await next(context);
            return;
        }

        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || context.Items[UserItem] is not ApiUser user)
        {
            await ApiErrors.Unauthenticated(Why(result)).ExecuteAsync(context);
            return;
        }

        if (!revoked.IsKnown)
        {
            // A node that just started has not heard the directory's list yet: it asks rather than trust a token.
            revoked.Update(await actors.Get<MeshDirectoryKey>().Ask<RevocationList>(ListRevocations.Instance, AskTimeout));
        }

        if (user.Jti is null || revoked.Contains(user.Jti))
        {
            await ApiErrors.Unauthenticated(user.Jti is null ? "the token has no jti" : "the token was revoked").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>Why a token was refused, in words that never repeat the token.</summary>
    private static string Why(AuthenticateResult result) => result.Failure switch
    {
        null => "no bearer token: send Authorization: Bearer TOKEN (actordns --token, or ACTORDNS_TOKEN)",
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenNoExpirationException => "the token has no expiry",
        SecurityTokenInvalidAlgorithmException => "only RS256 tokens are accepted",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token is not signed by this control plane's key",
        _ => "the token is malformed or not valid",
    };
}
