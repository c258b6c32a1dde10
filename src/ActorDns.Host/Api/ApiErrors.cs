using ActorDns.ControlPlane.Catalog;
using Microsoft.AspNetCore.Http;

namespace ActorDns.Host.Api;

/// <summary>Error bodies in Kuma's format: <c>{"title":...,"details":...,"causes":[{"field":...,"message":...}]}</c>.</summary>
public static class ApiErrors
{
    public static IResult Invalid(IEnumerable<ValidationCause> causes) => Results.Json(
        new { title = "Could not process a resource", details = "Resource is not valid", causes = causes.Select(c => new { field = c.Field, message = c.Message }) },
        statusCode: StatusCodes.Status400BadRequest);

    public static IResult BadRequest(string details) =>
        Results.Json(new { title = "Bad Request", details, causes = Array.Empty<object>() }, statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotFound(string what) =>
        Results.Json(new { title = "Could not find a resource", details = $"{what} not found", causes = Array.Empty<object>() }, statusCode: StatusCodes.Status404NotFound);

    /// <summary>401: no token, or one that is not valid. Says why, never echoing the token.</summary>
    public static IResult Unauthenticated(string details) =>
        Results.Json(new { title = "Unauthenticated", details, causes = Array.Empty<object>() }, statusCode: StatusCodes.Status401Unauthorized);

    /// <summary>403: a valid token that may not do this.</summary>
    public static IResult AccessDenied(string details) =>
        Results.Json(new { title = "Access Denied", details, causes = Array.Empty<object>() }, statusCode: StatusCodes.Status403Forbidden);

    public static IResult Unavailable(string details) =>
        Results.Json(new { title = "Control plane unavailable", details, causes = Array.Empty<object>() }, statusCode: StatusCodes.Status503ServiceUnavailable);
}
