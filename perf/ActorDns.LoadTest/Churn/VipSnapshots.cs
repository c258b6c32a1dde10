using System.Collections.Concurrent;
using System.Text.Json;

namespace ActorDns.LoadTest.Churn;

/// <summary>
/// Reads <c>GET /meshes/{mesh}/vips</c> periodically while services come and go (a service is deleted long
/// before the run ends, so its VIP cannot be read at the end). Keeps the first VIP seen for each churn
/// service and notes any later change: an entry's VIP must be stable while it exists (SPEC §3).
/// </summary>
internal sealed class VipSnapshots(ControlPlaneClient client, string mesh, string servicePrefix)
{
    private const string KeyPrefix = "service:";

    private readonly ConcurrentDictionary<string, string> _vips = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _changes = new();

    /// <summary>Service name → the first VIP seen for it.</summary>
    public IReadOnlyDictionary<string, string> Vips => _vips;

    public IReadOnlyCollection<string> Changes => _changes;

    /// <summary>Takes a snapshot every <paramref name="interval"/> (nodes in turn) until cancelled.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken token)
    {
        try
        {
            for (var node = 0; ; node++)
            {
                await TakeAsync(node, token);
                await Task.Delay(interval, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Run over.
        }
    }

    /// <summary>One snapshot, from node <paramref name="node"/>.</summary>
    public async Task TakeAsync(int node, CancellationToken token)
    {
        using var document = await client.GetJsonAsync(node, $"meshes/{Uri.EscapeDataString(mesh)}/vips", token);
        if (document is null || !document.RootElement.TryGetProperty("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.TryGetProperty("key", out var key)
                && key.GetString() is { } text
                && text.StartsWith(KeyPrefix + servicePrefix, StringComparison.Ordinal)
                && entry.TryGetProperty("vip", out var vip)
                && vip.ValueKind == JsonValueKind.String)
            {
                var name = text[KeyPrefix.Length..];
                var current = vip.GetString()!;
                _vips.TryAdd(name, current);
                if (_latest.TryGetValue(name, out var previous) && previous != current)
                {
                    _changes.Enqueue($"{name}: VIP changed from {previous} to {current}");
                }

                _latest[name] = current;
            }
        }
    }
}
