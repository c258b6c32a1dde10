using System.Text.RegularExpressions;
using ActorDns.ControlPlane.Catalog.Templates;

namespace ActorDns.ControlPlane.Catalog.Kinds.HostnameGenerator;

/// <summary>
/// Kuma's <c>HostnameGenerator</c> (global): for every resource of <see cref="TargetType"/> whose labels match
/// <see cref="MatchLabels"/>, <see cref="Template"/> renders one hostname that answers the resource's VIP
/// (kuma-dns.md §4). <see cref="ZoneOrigin"/> is the label <c>kuma.io/origin: zone</c>, which orders a generator first.
/// </summary>
public sealed partial record HostnameGenerator(
    string Name, string TargetType, IReadOnlyDictionary<string, string> MatchLabels, string Template, bool ZoneOrigin, DateTimeOffset CreationTime)
{
    public const string DisplayNameLabel = "kuma.io/display-name";
    public const string NamespaceLabel = "k8s.kuma.io/namespace";
    public const string ZoneLabel = "kuma.io/zone";
    public const string OriginLabel = "kuma.io/origin";

    private readonly (GoTemplate? Parsed, string Error) _template = Parse(Template);

    /// <summary>
    /// The generators a Universal zone control plane creates at its first start (skipped with
    /// <c>defaults.skipHostnameGenerators</c>): every MeshService and MeshExternalService created in the zone gets
    /// <c>&lt;display name&gt;.svc.mesh.local</c> or <c>&lt;display name&gt;.extsvc.mesh.local</c>.
    /// </summary>
    public static IReadOnlyList<HostnameGenerator> Defaults { get; } =
    [
        new("local-mesh-external-service", "MeshExternalService", Zone, "{{ .DisplayName }}.extsvc.mesh.local", ZoneOrigin: true, DateTimeOffset.UnixEpoch),
        new("local-universal-mesh-service", "MeshService", Zone, "{{ .DisplayName }}.svc.mesh.local", ZoneOrigin: true, DateTimeOffset.UnixEpoch),
    ];

    private static IReadOnlyDictionary<string, string> Zone => new Dictionary<string, string>(StringComparer.Ordinal) { [OriginLabel] = "zone" };

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Rfc1123Subdomain();

    /// <summary>Why <paramref name="name"/> is not a lowercase RFC 1123 subdomain, or null.</summary>
    public static string? DnsNameProblem(string name) =>
        name.Length <= 253 && Rfc1123Subdomain().IsMatch(name)
            ? null
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    /// <summary>Kuma's order of evaluation: generators labelled with origin zone first, then by creation time, then name.</summary>
    public static IEnumerable<HostnameGenerator> InOrder(IEnumerable<HostnameGenerator> generators) =>
        generators.OrderBy(g => g.ZoneOrigin ? 0 : 1).ThenBy(g => g.CreationTime).ThenBy(g => g.Name, StringComparer.Ordinal);

    public bool Selects(string typeName, IReadOnlyDictionary<string, string> labels) =>
        TargetType == typeName && MatchLabels.All(p => labels.TryGetValue(p.Key, out var value) && value == p.Value);

    /// <summary>
    /// The hostname for a resource named <paramref name="name"/> in <paramref name="mesh"/> with <paramref name="labels"/>,
    /// in the zone <paramref name="localZone"/>; or why there is none (Kuma's <c>TemplateError</c> messages).
    /// </summary>
    public (string? Hostname, string? Error) Generate(string name, string mesh, IReadOnlyDictionary<string, string> labels, string localZone)
    {
        if (_template.Parsed is not { } template)
        {
            return (null, $"failed compiling gotemplate error=\"{_template.Error}\"");
        }

        string? Field(string field) => field switch
        {
            "Name" => name,
            "DisplayName" => labels.GetValueOrDefault(DisplayNameLabel, name),
            "Namespace" => labels.GetValueOrDefault(NamespaceLabel, ""),
            "Mesh" => mesh,
            "Zone" => labels.GetValueOrDefault(ZoneLabel, localZone),
            _ => null,
        };

        if (!template.TryRender(Field, labels.GetValueOrDefault, out var hostname, out var error))
        {
            return (null, $"pre evaluation of template with parameters failed with error=\"{error}\"");
        }

        return DnsNameProblem(hostname) is { } problem ? (null, $"generated hostname \"{hostname}\" is not a valid DNS name: {problem}") : (hostname, null);
    }

    private static (GoTemplate?, string) Parse(string text) => GoTemplate.TryParse(text, out var template, out var error) ? (template, "") : (null, error);
}

/// <summary>What one generator gave one resource: a hostname, or why none (a template error).</summary>
public sealed record GeneratedHostname(string Generator, string? Hostname, string? Error);
