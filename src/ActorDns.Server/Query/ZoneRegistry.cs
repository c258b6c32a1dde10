using System.Collections.Concurrent;

namespace ActorDns.Server.Query;

/// <summary>The <see cref="ZoneSlot"/> of every mesh this process serves, created empty on first use.</summary>
public sealed class ZoneRegistry(ZoneSettings settings)
{
    private readonly ConcurrentDictionary<string, ZoneSlot> _slots = new(StringComparer.Ordinal);

    public ZoneSettings Settings { get; } = settings;

    public ZoneSlot For(string mesh) => _slots.GetOrAdd(mesh, _ => new ZoneSlot(ZoneTable.Empty(Settings)));

    /// <summary>
    /// Serves each mesh's cached table (if any) until the control plane sends a newer one, so a restarted
    /// resolver answers at once. Returns the meshes loaded.
    /// </summary>
    public IReadOnlyList<string> LoadCaches(string directory, IEnumerable<string> meshes)
    {
        var loaded = new List<string>();
        foreach (var mesh in meshes)
        {
            try
            {
                if (ZoneCacheFile.TryRead(ZoneCacheFile.PathFor(directory, mesh), Settings, out var table))
                {
                    For(mesh).Publish(table);
                    loaded.Add(mesh);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The cache is a best effort: without it the mesh starts empty and fills from the control plane.
            }
        }

        BuildMemory.ReleaseAfterBuild(loaded.Sum(mesh => For(mesh).Current.Count));
        return loaded;
    }
}
