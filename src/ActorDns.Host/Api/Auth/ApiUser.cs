namespace ActorDns.Host.Api.Auth;

/// <summary>
/// Who a request is (SPEC §8): the claims of its token, or the admin for a direct localhost call.
/// <paramref name="Meshes"/>: the meshes the user may write; null for every mesh. <paramref name="Jti"/>: the token's id.
/// </summary>
public sealed record ApiUser(string Name, IReadOnlyList<string> Groups, IReadOnlyList<string>? Meshes, string? Jti = null)
{
    /// <summary>Kuma's admin group: every route, every mesh, the global kinds and the token routes.</summary>
    public const string AdminGroup = "mesh-system:admin";

    public static readonly ApiUser Admin = new(AdminGroup, [AdminGroup], null);

    public bool IsAdmin => Groups.Contains(AdminGroup, StringComparer.Ordinal);

    public bool MayWrite(string mesh) => IsAdmin || Meshes is null || Meshes.Contains(mesh, StringComparer.Ordinal);
}
