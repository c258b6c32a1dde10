using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Tokens;
using ActorDns.Host.Api.Auth;
using ActorDns.Host.Configuration;
using ActorDns.Host.ControlPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.Host.Api;

/// <summary>
/// <c>POST /tokens/user</c> issues an API user token and <c>POST /tokens/revocations</c> revokes one on every control-plane
/// node (SPEC §8); both are for admins only.
/// </summary>
public sealed class TokensApi(UserTokens tokens, RevokedTokens revoked, ActorSystem system, ActorRegistry actors)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tokens").AddEndpointFilter(ApiAccess.RequireAdmin);
        group.MapPost("/user", async (HttpRequest request) =>
        {
            if (await ReadObjectAsync(request) is not { } body)
            {
                return ApiErrors.BadRequest("the body must be a JSON object such as {\"name\":\"ci\",\"groups\":[],\"meshes\":[\"default\"],\"validFor\":\"24h\"}");
            }

            var causes = new List<ValidationCause>();
            var name = Text(body, "name", causes);
            var validForText = Text(body, "validFor", causes);
            var groups = Strings(body, "groups", causes) ?? [];
            var meshes = Strings(body, "meshes", causes);
            if (meshes is { Count: 0 })
            {
                causes.Add(new ValidationCause("meshes", "name at least one mesh, or leave it out for every mesh"));
            }

            var validFor = TimeSpan.Zero;
            if (validForText is not null && !(Duration.TryParse(validForText, out validFor) && validFor > TimeSpan.Zero))
            {
                causes.Add(new ValidationCause("validFor", $"expected {Duration.Expected}, more than zero"));
            }

            if (causes.Count > 0)
            {
                return ApiErrors.Invalid(causes);
            }

            return Results.Text(tokens.Issue(new ApiUser(name!, groups, meshes), validFor), "text/plain");
        });
        group.MapPost("/revocations", async (HttpRequest request) =>
        {
            var causes = new List<ValidationCause>();
            if (await ReadObjectAsync(request) is not { } body || Text(body, "jti", causes) is not { } jti)
            {
                return causes.Count > 0 ? ApiErrors.Invalid(causes) : ApiErrors.BadRequest("the body must be a JSON object such as {\"jti\":\"…\"}");
            }

            var directory = actors.Get<MeshDirectoryKey>();
            await directory.Ask<TokenRevocationStored>(new RevokeToken(jti), AskTimeout);

            // This node refuses the token from now on, without waiting for the directory's announcement.
            var list = await directory.Ask<RevocationList>(ListRevocations.Instance, AskTimeout);
            revoked.Update(list);
            TellEveryControlPlaneNode(list);
            return Results.Ok(new { });
        });
    }

    /// <summary>
    /// The directory's announcement reaches a node only once that node's subscription has spread by pub-sub gossip,
    /// which can take seconds after it joined; told directly, every control-plane member (joining ones too) has the list within
    /// SPEC §8's second. The announcement still repeats, for a node this message missed.
    /// </summary>
    private void TellEveryControlPlaneNode(RevocationList list)
    {
        foreach (var member in Cluster.Get(system).State.Members)
        {
            if (member.Status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed) && member.HasRole(ControlPlaneHosting.ControlPlaneRole))
            {
                system.ActorSelection(new RootActorPath(member.Address) / "user" / RevocationsSubscriberName).Tell(list);
            }
        }
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            // A property given twice is a bad body, not an exception when the object is first read.
            return await JsonNode.ParseAsync(request.Body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject body, string field, List<ValidationCause> causes)
    {
        if (body[field] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0)
        {
            return text;
        }

        causes.Add(new ValidationCause(field, "a non-empty string is required"));
        return null;
    }

    private static List<string>? Strings(JsonObject body, string field, List<ValidationCause> causes)
    {
        switch (body[field])
        {
            case null:
                return null;
            case JsonArray array when array.All(e => e is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0):
                return [.. array.Select(e => e!.GetValue<string>())];
            default:
                causes.Add(new ValidationCause(field, "a list of non-empty strings is expected"));
                return null;
        }
    }
}
