using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorDns.Host.Api.Auth;

/// <summary>
/// What an authenticated user may do (SPEC §8), as endpoint filters: any valid token reads; a change in a mesh needs a
/// token whose meshes include it (or the admin group); meshes themselves, HostnameGenerators and tokens need admin.
/// A refusal is 403 with the error body, and nothing is changed.
/// </summary>
public static class ApiAccess
{
    public static ApiUser UserOf(HttpContext context) =>
        context.Items[ApiAuthentication.UserItem] as ApiUser ?? throw new InvalidOperationException("the API authentication middleware did not run");

    /// <summary>Admin only, whatever the method: the token routes.</summary>
    public static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        UserOf(context.HttpContext) is { IsAdmin: true } ? await next(context) : Denied(context, "only an admin (group mesh-system:admin) may do this");

    /// <summary>Reads for any user; a change (PUT, DELETE) for admins only: meshes themselves and HostnameGenerators.</summary>
    public static async ValueTask<object?> RequireAdminToChange(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsRead(context) || UserOf(context.HttpContext).IsAdmin ? await next(context) : Denied(context, "only an admin (group mesh-system:admin) may change this");

    /// <summary>Reads for any user; a change for a user whose token may write the route's mesh.</summary>
    public static async ValueTask<object?> RequireMeshWrite(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var mesh = (string)context.HttpContext.GetRouteValue("mesh")!;
        return IsRead(context) || UserOf(context.HttpContext).MayWrite(mesh) ? await next(context) : Denied(context, $"this token may not change mesh {mesh}");
    }

    private static bool IsRead(EndpointFilterInvocationContext context) => HttpMethods.IsGet(context.HttpContext.Request.Method);

    private static IResult Denied(EndpointFilterInvocationContext context, string why) =>
        ApiErrors.AccessDenied($"user {UserOf(context.HttpContext).Name}: {why}");
}
