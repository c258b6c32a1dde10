using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Hosting;
using ActorDns.Host.Api.Auth;
using ActorDns.Host.ControlPlane;
using ActorDns.ControlPlane.Catalog;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Meshes;
using ActorDns.Server.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;
using static ActorDns.ControlPlane.Meshes.MeshProtocol;

namespace ActorDns.Host.Api;

/// <summary>
/// Kuma's Universal REST API for meshes, the resource kinds of a mesh and HostnameGenerators, plus <c>/vips</c> and
/// <c>/dns-records</c> (SPEC §2). A change is answered 201/200 only after its events are persisted.
/// </summary>
public sealed class CatalogApi(ActorRegistry actors, KnownMeshes known)
{
    public const long MaxBodyBytes = 1 << 20;

    private IActorRef meshRegion => actors.Get<MeshRegionKey>();

    private IActorRef directory => actors.Get<MeshDirectoryKey>();

    /// <summary>
    /// A request sent to a mesh's owner just before it died is lost, and the client learns it only when this
    /// runs out (503, retry): it bounds how much a failover adds for such a client, so it is short. A
    /// persisted change normally takes milliseconds; a mesh recovering 100,000 services about 2 s.
    /// </summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Web defaults, without the fields a record does not have (<c>srv</c> of a plain name).</summary>
    private static readonly JsonSerializerOptions OmitNulls = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/meshes", async () =>
        {
            var list = await directory.Ask<MeshList>(ListMeshes.Instance, AskTimeout);
            return Results.Json(new { total = list.Names.Count, items = list.Names.Select(n => new { type = "Mesh", name = n }), next = (string?)null });
        });
        app.MapGet("/meshes/{mesh}", async (string mesh) =>
            await MeshExists(mesh) ? Results.Json(new { type = "Mesh", name = mesh }) : ApiErrors.NotFound($"mesh {mesh}"));
        app.MapPut("/meshes/{mesh}", async (string mesh, HttpRequest request) =>
        {
            var (json, error) = await ReadBodyAsync(request);
            if (error is not null)
            {
                return ApiErrors.BadRequest(error);
            }

            if (!ResourceParser.TryParseMesh(mesh, json!, out var causes))
            {
                return ApiErrors.Invalid(causes);
            }

            var stored = await directory.Ask<MeshStored>(new CreateMesh(mesh), AskTimeout);
            return stored.Created ? Results.StatusCode(StatusCodes.Status201Created) : Results.Ok();
        }).AddEndpointFilter(ApiAccess.RequireAdminToChange);
        app.MapDelete("/meshes/{mesh}", async (string mesh) =>
        {
            switch (await directory.Ask(new DeleteMesh(mesh), AskTimeout))
            {
                case MeshRemoved { Existed: true }:
                    // This node forgets the mesh before answering, not only when the directory's announcement arrives.
                    try
                    {
                        known.Update(await directory.Ask<MeshList>(ListMeshes.Instance, AskTimeout));
                    }
                    catch (AskTimeoutException)
                    {
                        known.Forget(mesh);
                    }

                    return Results.Ok(new { });
                case MeshRemoved:
                    return ApiErrors.NotFound($"mesh {mesh}");
                case Failed failed:
                    return ApiErrors.BadRequest(failed.Reason);
                case var other:
                    throw new InvalidOperationException($"unexpected reply {other}");
            }
        }).AddEndpointFilter(ApiAccess.RequireAdminToChange);

        MapHostnameGenerators(app);

        // Every route below names a mesh: one rule, checked before the mesh's entity is asked anything, so a
        // request for a mesh that does not exist never starts an entity for it.
        var inMesh = app.MapGroup("/meshes/{mesh}").AddEndpointFilter(ApiAccess.RequireMeshWrite).AddEndpointFilter(RequireMeshAsync);
        foreach (var kind in ResourceKinds.All)
        {
            MapKind(inMesh, kind.Kind);
        }

        inMesh.MapGet("/vips", async (string mesh) =>
        {
            var table = await ReadAsync<VipTable>(meshRegion, new GetVips(mesh));
            return Results.Json(new
            {
                entries = table.Entries.Select(e => new { key = e.Key, vip = e.Vip, vipV6 = e.VipV6, ports = e.Ports, origin = e.Origin, names = e.Names, reason = e.Reason }),
                version = table.Version,
                warnings = table.Warnings,
            });
        });
        inMesh.MapGet("/dns-records", async (string mesh) =>
        {
            var zone = await ReadAsync<ZoneSnapshot>(meshRegion, new GetZone(mesh));
            return Results.Json(new
            {
                version = zone.Version,
                ttl = zone.Ttl,
                records = zone.Records.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new
                {
                    name = r.Name,
                    ips = r.Addresses.Select(a => a.ToString()),

                    // A service name (SPEC §4.1) answers SRV; its addresses are its target's.
                    srv = r.SrvPort is { } port ? new { port, target = ZoneRecord.SrvTargetOf(r.Name) } : null,
                }),
            }, OmitNulls);
        });
    }

    /// <summary>
    /// A route under a mesh that does not exist: 400 naming the field for a write (SPEC §2, "unknown mesh"),
    /// 404 for a read or a delete.
    /// </summary>
    private async ValueTask<object?> RequireMeshAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var mesh = (string)context.HttpContext.GetRouteValue("mesh")!;
        if (await MeshExists(mesh))
        {
            return await next(context);
        }

        return HttpMethods.IsPut(context.HttpContext.Request.Method)
            ? ApiErrors.Invalid([new ValidationCause("mesh", $"mesh \"{mesh}\" does not exist")])
            : ApiErrors.NotFound($"mesh {mesh}");
    }

    /// <summary>Kuma's HostnameGenerators: global resources, kept by the mesh directory.</summary>
    private void MapHostnameGenerators(IEndpointRouteBuilder app)
    {
        async Task<List<JsonNode>> ListAsync() =>
            [.. (await directory.Ask<HostnameGeneratorList>(ListHostnameGenerators.Instance, AskTimeout)).Documents.Select(d => JsonNode.Parse(d)!)];

        app.MapGet("/hostnamegenerators", async () =>
        {
            var items = await ListAsync();
            return Results.Json(new { total = items.Count, items, next = (string?)null });
        });
        app.MapGet("/hostnamegenerators/{name}", async (string name) =>
            (await ListAsync()).FirstOrDefault(g => g["name"]?.GetValue<string>() == name) is { } generator
                ? Results.Json(generator)
                : ApiErrors.NotFound($"{HostnameGeneratorDocument.TypeName} {name}"));
        app.MapPut("/hostnamegenerators/{name}", async (string name, HttpRequest request) =>
        {
            var (json, error) = await ReadBodyAsync(request);
            if (error is not null)
            {
                return ApiErrors.BadRequest(error);
            }

            if (!HostnameGeneratorDocument.TryParse(name, json!, out _, out var causes))
            {
                return ApiErrors.Invalid(causes);
            }

            var stored = await directory.Ask<HostnameGeneratorStored>(new UpsertHostnameGenerator(name, JsonNode.Parse(json!)!.ToJsonString()), AskTimeout);
            return stored.Created ? Results.StatusCode(StatusCodes.Status201Created) : Results.Ok();
        }).AddEndpointFilter(ApiAccess.RequireAdminToChange);
        app.MapDelete("/hostnamegenerators/{name}", async (string name) =>
            (await directory.Ask<HostnameGeneratorRemoved>(new DeleteHostnameGenerator(name), AskTimeout)).Existed
                ? Results.Ok(new { })
                : ApiErrors.NotFound($"{HostnameGeneratorDocument.TypeName} {name}")).AddEndpointFilter(ApiAccess.RequireAdminToChange);
    }

    private void MapKind(IEndpointRouteBuilder app, ResourceKind kind)
    {
        var collection = $"/{kind.UrlSegment}";
        var item = $"{collection}/{{name}}";
        app.MapGet(collection, async (string mesh) =>
        {
            var list = await ReadAsync<ResourceList>(meshRegion, new ListResources(mesh, kind));
            return Results.Json(new { total = list.Resources.Count, items = list.Resources.Select(r => r.ToJson()), next = (string?)null });
        });
        app.MapGet(item, async (string mesh, string name) =>
        {
            var list = await ReadAsync<ResourceList>(meshRegion, new GetResource(mesh, kind, name));
            return list.Resources.Count == 1 ? Results.Json(list.Resources[0].ToJson()) : ApiErrors.NotFound($"{kind.TypeName} {name}");
        });
        app.MapPut(item, async (string mesh, string name, HttpRequest request) =>
        {
            var (json, error) = await ReadBodyAsync(request);
            if (error is not null)
            {
                return ApiErrors.BadRequest(error);
            }

            if (!ResourceParser.TryParse(kind, mesh, name, json!, out var resource, out var causes))
            {
                return ApiErrors.Invalid(causes);
            }

            return await meshRegion.Ask(new UpsertResource(mesh, resource), AskTimeout) switch
            {
                ResourceStored { Created: true } => Results.StatusCode(StatusCodes.Status201Created),
                ResourceStored => Results.Ok(),
                Failed failed => ApiErrors.Unavailable(failed.Reason),
                var other => throw new InvalidOperationException($"unexpected reply {other}"),
            };
        });
        app.MapDelete(item, async (string mesh, string name) => await meshRegion.Ask(new DeleteResource(mesh, kind, name), AskTimeout) switch
        {
            ResourceRemoved { Existed: true } => Results.Ok(new { }),
            ResourceRemoved => ApiErrors.NotFound($"{kind.TypeName} {name}"),
            Failed failed => ApiErrors.Unavailable(failed.Reason),
            var other => throw new InvalidOperationException($"unexpected reply {other}"),
        });
    }

    /// <summary>From this node's copy of the directory's list; a mesh it does not know (yet) is asked of the directory.</summary>
    private async Task<bool> MeshExists(string mesh)
    {
        if (known.Contains(mesh))
        {
            return true;
        }

        var list = await directory.Ask<MeshList>(ListMeshes.Instance, AskTimeout);
        known.Update(list);
        return list.Names.Contains(mesh);
    }

    /// <summary>The body as JSON: YAML is converted when the content type says so or the body is not a JSON object.</summary>
    private static async Task<(string? Json, string? Error)> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var yaml = request.ContentType?.Contains("yaml", StringComparison.OrdinalIgnoreCase) == true || !text.TrimStart().StartsWith('{');
        if (!yaml)
        {
            return (text, null);
        }

        return YamlJson.TryConvert(text, out var json, out var error) ? (json, null) : (null, error);
    }

    /// <summary>A read of a mesh: its answer, or a 503 when the mesh answers that it cannot be read now.</summary>
    private static async Task<T> ReadAsync<T>(IActorRef meshRegion, object query) =>
        await meshRegion.Ask(query, AskTimeout) switch
        {
            T answer => answer,
            Failed failed => throw new MeshUnavailableException(failed.Reason),
            var other => throw new InvalidOperationException($"a mesh answered {query.GetType().Name} with {other?.GetType().Name ?? "nothing"}"),
        };
}
