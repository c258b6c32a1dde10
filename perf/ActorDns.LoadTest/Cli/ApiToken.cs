using System.Net.Http.Headers;

namespace ActorDns.LoadTest.Cli;

/// <summary>
/// The API token the harness sends (SPEC §8): <c>ACTORDNS_TOKEN</c>, or the file <c>ACTORDNS_TOKEN_FILE</c> names (the
/// admin token a control-plane node wrote, as docker-compose mounts it). Neither set: no token, as a standalone on
/// loopback needs none.
/// </summary>
internal static class ApiToken
{
    public static void Apply(HttpClient http)
    {
        var token = Environment.GetEnvironmentVariable("ACTORDNS_TOKEN") is { Length: > 0 } value ? value
            : Environment.GetEnvironmentVariable("ACTORDNS_TOKEN_FILE") is { Length: > 0 } file ? Read(file)
            : null;
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        }
    }

    private static string Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"ACTORDNS_TOKEN_FILE {file}: {e.Message}");
        }
    }
}
