using System.Text.Json;

namespace ActorDns.LoadTest.Reporting;

/// <summary>Writes a report as indented camelCase JSON, for scripts that compare runs.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task WriteAsync<T>(string path, T report)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Options);
    }
}
