using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorDns.Host.Tls;

namespace ActorDns.Host.Cli;

/// <summary>The HTTP side of <c>actordns apply/get/delete</c>: one request per call, errors turned into one readable line.</summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>
    /// <paramref name="token"/>: sent as <c>Authorization: Bearer</c> when given (SPEC §8). <paramref name="caCert"/>: the API
    /// is HTTPS, its certificate issued by a CA of that PEM file (and named for the address asked).
    /// </summary>
    public ApiClient(string apiAddress, string? token = null, string? caCert = null)
    {
        var handler = new SocketsHttpHandler();
        if (caCert is not null)
        {
            var ca = CertificateTrust.LoadCa(caCert, "--ca-cert");
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                && certificate is X509Certificate2 server && CertificateTrust.IsIssuedBy(server, ca, CertificateTrust.ServerAuthentication);
        }

        _http = new HttpClient(handler) { BaseAddress = new Uri($"{(caCert is null ? "http" : "https")}://{apiAddress}/"), Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrWhiteSpace(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        }
    }

    public async Task<(bool Ok, int Status, string Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        try
        {
            using var response = await _http.SendAsync(request);
            return (response.IsSuccessStatusCode, (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException e)
        {
            return (false, 0, $"cannot reach the API at {_http.BaseAddress}: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            return (false, 0, $"the API at {_http.BaseAddress} did not answer in time");
        }
    }

    /// <summary>An error body in Kuma's format as one line: details and each cause.</summary>
    public static string Describe(int status, string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject error)
            {
                var causes = (error["causes"] as JsonArray ?? [])
                    .Select(c => $"{c?["field"]}: {c?["message"]}")
                    .ToList();
                var details = error["details"]?.GetValue<string>() ?? error["title"]?.GetValue<string>() ?? "";
                return causes.Count == 0 ? $"{status}: {details}" : $"{status}: {details}: {string.Join("; ", causes)}";
            }
        }
        catch (JsonException)
        {
            // Not JSON: show it as it is.
        }

        return status == 0 ? body : $"{status}: {body}";
    }

    public void Dispose() => _http.Dispose();
}
