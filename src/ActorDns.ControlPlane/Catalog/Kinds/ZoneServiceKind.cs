using System.Text.Json.Nodes;

namespace ActorDns.ControlPlane.Catalog.Kinds;

/// <summary>
/// A kind a zone control plane owns and HostnameGenerators name (MeshService, MeshExternalService): string labels and a
/// <c>spec</c>, one entry of its own origin per resource, the zone labels and times stamped when it is accepted.
/// </summary>
public abstract class ZoneServiceKind : MeshKind
{
    public sealed override bool NamedByGenerators => true;

    /// <summary>The origin of the one entry each resource of this kind wants.</summary>
    protected abstract string Origin { get; }

    public sealed override Derivation Validate(JsonObject root, List<ValidationCause> causes)
    {
        Document.Labels(root["labels"], "labels", causes);
        if (root["spec"] is not JsonObject spec)
        {
            causes.Add(new ValidationCause("spec", "must be defined"));
        }
        else
        {
            ValidateSpec(spec, causes);
        }

        return Derivation.None;
    }

    public sealed override IEnumerable<EntryKey> EntriesOf(MeshResource resource) => [new EntryKey(Origin, resource.Name)];

    public sealed override string Stamp(MeshResource resource, MeshResource? existing, StampContext context) =>
        Document.StampZoneResource(resource, existing, context);

    /// <summary>Checks the fields of <c>spec</c>, adding a cause with its field for each problem.</summary>
    protected abstract void ValidateSpec(JsonObject spec, List<ValidationCause> causes);
}
