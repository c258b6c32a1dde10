using System.Globalization;
using System.Net;
using Prometheus;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>Reads one sample from a registry's Prometheus text exposition, as a scraper would see it.</summary>
internal static class MetricsText
{
    /// <summary>The value of <paramref name="name"/> whose label set contains <paramref name="labels"/> (e.g. <c>upstream="127.0.0.1:53"</c>); null when absent.</summary>
    public static async Task<double?> ReadAsync(CollectorRegistry registry, string name, string? labels = null)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[name.Length..];
            var matches = labels is null
                ? rest.StartsWith(' ') || rest.StartsWith("{}", StringComparison.Ordinal)
                : rest.StartsWith('{') && rest[..rest.IndexOf('}')].Contains(labels, StringComparison.Ordinal);
            if (matches)
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    public static string Upstream(IPEndPoint endpoint) => $"upstream=\"{endpoint}\"";
}
