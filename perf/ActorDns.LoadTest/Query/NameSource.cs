using System.Text.Json;
using ActorDns.LoadTest.Cli;

namespace ActorDns.LoadTest.Query;

/// <summary>Where the names to query come from: a file, or the DNS records a control plane serves for a mesh.</summary>
internal static class NameSource
{
    /// <summary>One name per line; blank lines and lines starting with <c>#</c> are skipped.</summary>
    public static IReadOnlyList<string> FromFile(string path)
    {
        try
        {
            return File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--names {path}: {e.Message}");
        }
    }

    /// <summary>Every <c>records[].name</c> of <c>GET {api}/meshes/{mesh}/dns-records</c> (SPEC §2).</summary>
    public static async Task<IReadOnlyList<string>> FromApiAsync(Uri api, string mesh, CancellationToken token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        ApiToken.Apply(http);
        var url = new Uri(api, $"meshes/{Uri.EscapeDataString(mesh)}/dns-records");
        try
        {
            using var response = await http.GetAsync(url, token);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"GET {url}: {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token);
            return document.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToList();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliException($"GET {url}: {e.Message}");
        }
    }
}
