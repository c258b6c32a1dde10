using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorDns.Host.Configuration;
using ActorDns.Host.Tls;

namespace ActorDns.Host.Cli;

/// <summary>The HTTP side of <c>actordns apply/get/delete</c>: one request per call, errors turned into one readable line.</summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>
    /// The token is sent as <c>Authorization: Bearer</c> when given (SPEC §8). With a CA the API is HTTPS, its certificate
    /// issued by a CA of that PEM file (and named for the address asked); a client certificate is presented when asked.
    /// Unusable files are an <see cref="OptionsException"/> naming the flag.
    /// </summary>
    public ApiClient(ApiConnection connection)
    {
        var handler = new SocketsHttpHandler();
        if (connection.CaCert is { } caCert)
        {
            var ca = CertificateTrust.LoadCa(caCert, "--ca-cert");
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                && certificate is X509Certificate2 server && CertificateTrust.IsIssuedBy(server, ca, CertificateTrust.ServerAuthentication);
        }

        switch (connection)
        {
            case { ClientCert: null, ClientKey: null }:
                break;
            case { ClientCert: null } or { ClientKey: null }:
                throw new OptionsException("--client-cert and --client-key go together");
            case { CaCert: null }:
                throw new OptionsException("--client-cert needs --ca-cert: a client certificate is for an HTTPS API");
            case { ClientCert: { } cert, ClientKey: { } key }:
                handler.SslOptions.ClientCertificates = [CertificateFiles.LoadPem(cert, key, $"--client-cert {cert} with --client-key {key}")];
                break;
        }

        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri($"{(connection.CaCert is null ? "http" : "https")}://{connection.ApiAddress}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (!string.IsNullOrWhiteSpace(connection.Token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token.Trim());
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
