using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorDns.ControlPlane.Catalog.Kinds;
using ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;
using ActorDns.Host.Api;
using ActorDns.Host.Configuration;
using YamlDotNet.Core;

namespace ActorDns.Host.Cli;

/// <summary><c>actordns apply</c>, <c>get</c> and <c>delete</c>: a small kumactl-like client of the HTTP API (SPEC §1).</summary>
public static class ClientCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The global kind: not in a mesh, so not in the registry of mesh kinds.</summary>
    private const string Generator = "hostnamegenerator";

    private const string Generators = "hostnamegenerators";


    public static IEnumerable<Command> Build()
    {
        var api = new Option<string?>("--api-address")
        {
            Description = $"the HTTP API of a standalone or control-plane node [default: the config file's apiAddress, or {ApiConnection.DefaultApiAddress}]",
            HelpName = "ADDR:PORT",
        };
        // No default shown: the help must never print a token taken from the environment.
        var token = new Option<string?>("--token")
        {
            Description = "an API user token (SPEC §8) [default: $ACTORDNS_TOKEN, or the config file's token]; prefer either, ps shows flags",
            HelpName = "TOKEN",
        };
        var caCert = new Option<string?>("--ca-cert") { Description = "the API is HTTPS with a certificate from this CA (PEM) [default: the config file's caCert]", HelpName = "FILE" };
        var clientCert = new Option<string?>("--client-cert")
        {
            Description = "a client certificate (PEM) for an API that requires one (--api-tls-client-ca); needs --ca-cert and --client-key [default: the config file's clientCert]",
            HelpName = "FILE",
        };
        var clientKey = new Option<string?>("--client-key") { Description = "the private key (PEM) of --client-cert [default: the config file's clientKey]", HelpName = "FILE" };
        var config = new Option<string?>("--config")
        {
            Description = $"a YAML or JSON file with any of {string.Join(", ", ApiConnection.ConfigKeys)}; flags and the environment beat it [default: none]",
            HelpName = "FILE",
        };
        Option[] connection = [api, token, caCert, clientCert, clientKey, config];
        ApiClient Client(ParseResult result)
        {
            var file = result.GetValue(config) is { } path ? ConfigFile.Load(path, ApiConnection.ConfigKeys) : new Dictionary<string, string[]>();
            string? FromFile(string key) => file.TryGetValue(key, out var values) ? values[^1] : null;
            return new ApiClient(new ApiConnection(
                result.GetValue(api) ?? FromFile(ApiConnection.ApiAddressKey) ?? ApiConnection.DefaultApiAddress,
                result.GetValue(token) ?? Environment.GetEnvironmentVariable("ACTORDNS_TOKEN") ?? FromFile(ApiConnection.TokenKey),
                result.GetValue(caCert) ?? FromFile(ApiConnection.CaCertKey),
                result.GetValue(clientCert) ?? FromFile(ApiConnection.ClientCertKey),
                result.GetValue(clientKey) ?? FromFile(ApiConnection.ClientKeyKey)));
        }

        Command WithConnection(Command command)
        {
            foreach (var option in connection)
            {
                command.Options.Add(option);
            }

            return command;
        }

        Func<ParseResult, CancellationToken, Task<int>> WithClient(Func<ParseResult, ApiClient, Task<int>> run) => async (result, _) =>
        {
            ApiClient client;
            try
            {
                client = Client(result);
            }
            catch (OptionsException e)
            {
                await Console.Error.WriteLineAsync($"actordns: {e.Message}");
                return 2;
            }

            using (client)
            {
                return await run(result, client);
            }
        };

        var mesh = new Option<string>("--mesh", "-m") { Description = "the mesh of the resources", HelpName = "NAME", DefaultValueFactory = _ => "default" };
        var output = new Option<string>("--output", "-o") { Description = "how to print: json, yaml or a table", HelpName = "json|yaml|table", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("json", "yaml", "table");

        var file = new Option<string>("--file", "-f") { Description = "a YAML or JSON file with one or more resources, - for standard input (required)", HelpName = "FILE", Required = true };
        var apply = WithConnection(new Command("apply", "Create or replace the resources of a file (multi-document YAML or JSON), as kumactl apply.") { file });
        apply.SetAction(WithClient((result, client) => ApplyAsync(result.GetValue(file)!, client)));

        string[] collections = ["meshes", .. ResourceKinds.All.Select(k => k.Kind.UrlSegment), Generators, "vips", "dns-records"];
        string[] singulars = ["mesh", .. ResourceKinds.All.Select(k => k.CliName), Generator];
        var what = new Argument<string>("what") { Description = $"{Either(collections)}; or one resource: {Either(singulars)} with its name" };
        what.AcceptOnlyFromAmong([.. collections, .. singulars]);
        var item = new Argument<string?>("name") { Description = "the resource to show, after a singular kind", Arity = ArgumentArity.ZeroOrOne };
        var get = WithConnection(new Command("get", "Show resources (one with its status), VIPs or the DNS records of a mesh.") { what, item, mesh, output });
        get.SetAction(WithClient((result, client) => GetAsync(result.GetValue(what)!, result.GetValue(item), result.GetValue(mesh)!, result.GetValue(output)!, client)));

        string[] kinds = ["mesh", .. ResourceKinds.All.Select(k => k.CliName), Generator];
        var kind = new Argument<string>("kind") { Description = Either(kinds) };
        kind.AcceptOnlyFromAmong(kinds);
        var name = new Argument<string>("name") { Description = "the name of the resource" };
        var delete = WithConnection(new Command("delete", $"Delete a mesh or a resource of a mesh ({string.Join(", ", ResourceKinds.All.Select(k => k.Kind.TypeName))}).") { kind, name, mesh });
        delete.SetAction(WithClient((result, client) => DeleteAsync(result.GetValue(kind)!, result.GetValue(name)!, result.GetValue(mesh)!, client)));

        var userName = new Option<string>("--name") { Description = "the user the token names (claim Name)", HelpName = "NAME", Required = true };
        var groups = new Option<string[]>("--group") { Description = "a group of the user; repeatable (mesh-system:admin makes an admin)", HelpName = "GROUP" };
        var meshes = new Option<string[]>("--mesh") { Description = "a mesh the token may change; repeatable [default: every mesh]", HelpName = "NAME" };
        var validFor = new Option<string>("--valid-for") { Description = "how long the token is valid: 30m, 24h, …", HelpName = "DURATION", Required = true };
        var userToken = WithConnection(new Command("user-token", "Ask the API for a user token (admin only) and print it.") { userName, groups, meshes, validFor });
        userToken.SetAction(WithClient((result, client) => GenerateUserTokenAsync(
            result.GetValue(userName)!, result.GetValue(groups) ?? [], result.GetValue(meshes) ?? [], result.GetValue(validFor)!, client)));
        var generate = new Command("generate", "Generate credentials through the API.") { userToken };
        return [apply, get, delete, generate];
    }

    private static async Task<int> GenerateUserTokenAsync(string name, string[] groups, string[] meshes, string validFor, ApiClient client)
    {
        var body = new JsonObject { ["name"] = name, ["groups"] = new JsonArray([.. groups.Select(g => JsonValue.Create(g))]), ["validFor"] = validFor };
        if (meshes.Length > 0)
        {
            body["meshes"] = new JsonArray([.. meshes.Select(m => JsonValue.Create(m))]);
        }

        var (ok, status, text) = await client.SendAsync(HttpMethod.Post, "tokens/user", body);
        if (!ok)
        {
            await Console.Error.WriteLineAsync($"actordns generate user-token: {ApiClient.Describe(status, text)}");
            return 1;
        }

        Console.WriteLine(text.TrimEnd('\n'));
        return 0;
    }

    private static async Task<int> ApplyAsync(string path, ApiClient client)
    {
        List<JsonNode> documents;
        try
        {
            var text = path == "-" ? await Console.In.ReadToEndAsync() : await File.ReadAllTextAsync(path);
            documents = YamlJson.Documents(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlException)
        {
            await Console.Error.WriteLineAsync($"actordns apply: {path}: {e.Message}");
            return 1;
        }

        var failures = 0;
        foreach (var document in documents)
        {
            var type = document["type"]?.GetValue<string>() ?? "";
            var resourceName = document["name"]?.GetValue<string>() ?? "";
            var route = type switch
            {
                "Mesh" => $"meshes/{resourceName}",
                HostnameGeneratorDocument.TypeName => $"{Generators}/{resourceName}",
                _ => ResourceKinds.FromTypeName(type) is { } ofType ? $"meshes/{document["mesh"]?.GetValue<string>() ?? "default"}/{ofType.UrlSegment}/{resourceName}" : null,
            };
            if (route is null || resourceName.Length == 0)
            {
                var types = string.Join(", ", ["Mesh", .. ResourceKinds.All.Select(k => k.Kind.TypeName), HostnameGeneratorDocument.TypeName]);
                await Console.Error.WriteLineAsync($"actordns apply: a document has type '{type}' and name '{resourceName}'; expected one of {types}, with a name");
                failures++;
                continue;
            }

            var (ok, status, body) = await client.SendAsync(HttpMethod.Put, route, document);
            if (ok)
            {
                Console.WriteLine($"{(status == 201 ? "created" : "updated")} {type} {resourceName}");
            }
            else
            {
                await Console.Error.WriteLineAsync($"actordns apply: {type} {resourceName}: {ApiClient.Describe(status, body)}");
                failures++;
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> GetAsync(string what, string? name, string mesh, string output, ApiClient client)
    {
        var singular = what is "mesh" or Generator || ResourceKinds.FromCliName(what) is not null;
        if (singular != (name is not null))
        {
            await Console.Error.WriteLineAsync(singular
                ? $"actordns get {what}: name the {what} to show, or ask for the list"
                : $"actordns get {what}: a list takes no name; ask for one resource by its kind, e.g. {ResourceKinds.All[0].CliName} NAME");
            return 1;
        }

        var route = (what, name) switch
        {
            ("meshes", _) => "meshes",
            (Generators, _) => Generators,
            ("mesh", { } meshName) => $"meshes/{meshName}",
            (Generator, { } generator) => $"{Generators}/{generator}",
            (_, { } resource) => $"meshes/{mesh}/{ResourceKinds.FromCliName(what)!.Kind.UrlSegment}/{resource}",
            _ => $"meshes/{mesh}/{what}",
        };
        var (ok, status, body) = await client.SendAsync(HttpMethod.Get, route);
        if (!ok)
        {
            await Console.Error.WriteLineAsync($"actordns get {what}: {ApiClient.Describe(status, body)}");
            return 1;
        }

        var node = JsonNode.Parse(body)!;
        Console.Write(output switch
        {
            "json" => node.ToJsonString(Indented) + "\n",
            "yaml" => Yaml.Write(node),
            _ when singular => Table(what is "mesh" or Generator ? "meshes" : "resources", new JsonObject { ["items"] = new JsonArray(node.DeepClone()) }),
            _ => Table(what, node),
        });
        return 0;
    }

    private static async Task<int> DeleteAsync(string kind, string name, string mesh, ApiClient client)
    {
        var route = kind switch
        {
            "mesh" => $"meshes/{name}",
            Generator => $"{Generators}/{name}",
            _ => $"meshes/{mesh}/{ResourceKinds.FromCliName(kind)!.Kind.UrlSegment}/{name}",
        };
        var (ok, status, body) = await client.SendAsync(HttpMethod.Delete, route);
        if (!ok)
        {
            await Console.Error.WriteLineAsync($"actordns delete {kind} {name}: {ApiClient.Describe(status, body)}");
            return 1;
        }

        Console.WriteLine($"deleted {kind} {name}");
        return 0;
    }

    private static string Table(string what, JsonNode node)
    {
        var rows = what switch
        {
            "vips" => Rows(node["entries"], ["KEY", "VIP", "VIPV6", "NAMES", "REASON"], e => [S(e["key"]), S(e["vip"]), S(e["vipV6"]), string.Join(",", (e["names"] as JsonArray ?? []).Select(S)), S(e["reason"])]),
            "dns-records" => Rows(node["records"], ["NAME", "IPS", "SRV"], r => [S(r["name"]), string.Join(",", (r["ips"] as JsonArray ?? []).Select(S)), r["srv"] is { } srv ? $"{S(srv["port"])} {S(srv["target"])}" : ""]),
            "meshes" => Rows(node["items"], ["NAME"], m => [S(m["name"])]),
            Generators => Rows(node["items"], ["NAME", "TEMPLATE"], g => [S(g["name"]), S(g["spec"]?["template"])]),
            _ => Rows(node["items"], ["MESH", "NAME", "ADDRESS"], r => [S(r["mesh"]), S(r["name"]), S(r["networking"]?["address"])]),
        };
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        return string.Concat(rows.Select(r => string.Join("  ", r.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd() + "\n"));
    }

    /// <summary><c>a, b or c</c>.</summary>
    private static string Either(string[] words) => $"{string.Join(", ", words[..^1])} or {words[^1]}";

    private static List<string[]> Rows(JsonNode? items, string[] header, Func<JsonNode, string[]> row) =>
        [header, .. (items as JsonArray ?? []).OfType<JsonNode>().Select(row)];

    private static string S(JsonNode? node) => node is JsonValue value ? value.ToString() : "";
}
