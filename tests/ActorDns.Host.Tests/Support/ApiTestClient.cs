using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ActorDns.Host.Tests.Support;

/// <summary>HTTP calls to a running actordns API, with a bearer token when one is given.</summary>
public sealed class ApiTestClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiTestClient(IPEndPoint api, string? token = null)
    {
        _http = new HttpClient { BaseAddress = new Uri($"http://{api}/"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    public static string Dataplane(string mesh, string name, string service, int port = 8080) =>
        $$$"""{"type":"Dataplane","mesh":"{{{mesh}}}","name":"{{{name}}}","networking":{"address":"10.0.0.1","inbound":[{"port":{{{port}}},"tags":{"kuma.io/service":"{{{service}}}"}}]}}""";

    public async Task<HttpStatusCode> PutAsync(string path, string json)
    {
        using var response = await _http.PutAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    /// <summary>A PUT whose error body matters: the status and the JSON body (null when there is none).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> PutForBodyAsync(string path, string body, string contentType = "application/json")
    {
        using var response = await _http.PutAsync(path, new StringContent(body, System.Text.Encoding.UTF8, contentType));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>A POST with a JSON body: the status and the JSON answer (null when there is none).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, JsonNode body)
    {
        var (status, text) = await PostTextAsync(path, body);
        return (status, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>A POST whose answer is text (a token) or JSON.</summary>
    public async Task<(HttpStatusCode Status, string Text)> PostTextAsync(string path, JsonNode body)
    {
        using var response = await _http.PostAsync(path, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The <c>causes</c> of a Kuma error body as (field, message) pairs.</summary>
    public static List<(string Field, string Message)> Causes(JsonNode? body) =>
        body?["causes"]?.AsArray().Select(c => (c!["field"]!.GetValue<string>(), c["message"]!.GetValue<string>())).ToList() ?? [];

    public async Task<HttpStatusCode> DeleteAsync(string path)
    {
        using var response = await _http.DeleteAsync(path);
        return response.StatusCode;
    }

    public async Task<HttpStatusCode> GetStatusAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return response.StatusCode;
    }

    public async Task<JsonNode> GetJsonAsync(string path) => (await _http.GetFromJsonAsync<JsonNode>(path))!;

    /// <summary>The <c>/vips</c> entries of a mesh as (key, vip) pairs, sorted.</summary>
    public async Task<List<(string Key, string? Vip)>> VipsAsync(string mesh) =>
        (await GetJsonAsync($"meshes/{mesh}/vips"))["entries"]!.AsArray()
            .Select(e => (e!["key"]!.GetValue<string>(), e["vip"]?.GetValue<string>()))
            .Order()
            .ToList();

    public void Dispose() => _http.Dispose();
}
