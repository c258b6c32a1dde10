using ActorDns.ControlPlane.Catalog.Kinds;

namespace ActorDns.ControlPlane.Catalog;

/// <summary>
/// Validates resources as the API receives them (SPEC §2): the envelope (type, mesh and name matching the URL)
/// here, the fields of each kind in its folder under <c>Kinds</c>. Every problem is reported with its field; nothing
/// is thrown for bad input.
/// </summary>
public static class ResourceParser
{
    /// <summary>Checks a mesh or resource name: 1–253 characters, letters, digits, '.', '-', '_'.</summary>
    public static string? NameProblem(string? name) => Document.NameProblem(name);

    /// <summary>Parses and validates a mesh-scoped resource whose URL names <paramref name="mesh"/> and <paramref name="name"/>.</summary>
    public static bool TryParse(ResourceKind kind, string mesh, string name, string json, out MeshResource resource, out List<ValidationCause> causes)
    {
        resource = null!;
        causes = [];
        if (!Document.TryParseObject(json, causes, out var root))
        {
            return false;
        }

        Document.Expect(root, "type", kind.TypeName, causes);
        Document.Expect(root, "mesh", mesh, causes);
        Document.Expect(root, "name", name, causes);
        if (NameProblem(name) is { } nameProblem)
        {
            causes.Add(new ValidationCause("name", nameProblem));
        }

        var derived = ResourceKinds.Of(kind).Validate(root, causes);
        if (causes.Count > 0)
        {
            return false;
        }

        resource = new MeshResource(kind, mesh, name, root.ToJsonString(), derived.Services, derived.Host);
        return true;
    }

    /// <summary>Parses a <c>{"type":"Mesh","name":...}</c> body for <c>PUT /meshes/{name}</c>.</summary>
    public static bool TryParseMesh(string name, string json, out List<ValidationCause> causes)
    {
        causes = [];
        if (!Document.TryParseObject(json, causes, out var root))
        {
            return false;
        }

        Document.Expect(root, "type", "Mesh", causes);
        Document.Expect(root, "name", name, causes);
        if (NameProblem(name) is { } problem)
        {
            causes.Add(new ValidationCause("name", problem));
        }
        else if (Meshes.PersistenceIds.Mesh(name) == Meshes.PersistenceIds.Directory)
        {
            causes.Add(new ValidationCause("name", $"\"{name}\" is reserved: its journal would be the mesh directory's"));
        }

        return causes.Count == 0;
    }
}
