using Akka.Actor;
using Microsoft.AspNetCore.Http;

namespace ActorDns.Host.Api;

/// <summary>Turns a control plane that does not answer, or a body over the limit, into a clear JSON error.</summary>
public sealed class ApiExceptionMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (AskTimeoutException)
        {
            await ApiErrors.Unavailable("the control plane did not answer in time; the change may or may not have been applied, retry it").ExecuteAsync(context);
        }
        catch (MeshUnavailableException e)
        {
            await ApiErrors.Unavailable(e.Message).ExecuteAsync(context);
        }
        catch (BadHttpRequestException e)
        {
            context.Response.StatusCode = e.StatusCode;
            await context.Response.WriteAsJsonAsync(new { title = "Bad Request", details = e.Message, causes = Array.Empty<object>() });
        }
    }
}
