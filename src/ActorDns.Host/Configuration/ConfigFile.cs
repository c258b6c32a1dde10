using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ActorDns.Host.Configuration;

/// <summary>
/// Reads a YAML or JSON configuration file into flat keys (<c>dnsServer.ttl</c>); a list becomes several
/// values. Unknown keys are an error, so a typo is not silently ignored.
/// </summary>
public static class ConfigFile
{
    /// <summary>A node's file: the keys of <see cref="Setting.All"/>.</summary>
    public static IReadOnlyDictionary<string, string[]> Load(string path) => Load(path, Setting.All.Select(s => s.Key));

    /// <summary>A file whose keys are among <paramref name="keys"/>.</summary>
    public static IReadOnlyDictionary<string, string[]> Load(string path, IEnumerable<string> keys)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionsException($"--config {path}: cannot read the file: {e.Message}");
        }

        object? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<object>(text);
        }
        catch (YamlException e)
        {
            throw new OptionsException($"--config {path}: not valid YAML or JSON at line {e.Start.Line}: {e.Message}");
        }

        var values = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        Flatten(document, prefix: "", values);
        var known = keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = values.Keys.Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new OptionsException($"--config {path}: unknown setting(s) {string.Join(", ", unknown)}; known: {string.Join(", ", known)}");
        }

        return values;
    }

    private static void Flatten(object? node, string prefix, Dictionary<string, string[]> values)
    {
        switch (node)
        {
            case null:
                return;
            case IDictionary<object, object> map:
                foreach (var (key, value) in map)
                {
                    var name = Convert.ToString(key, CultureInfo.InvariantCulture);
                    Flatten(value, prefix.Length == 0 ? name! : $"{prefix}.{name}", values);
                }

                return;
            case IList<object> list:
                values[prefix] = list.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToArray();
                return;
            default:
                values[prefix] = [Convert.ToString(node, CultureInfo.InvariantCulture) ?? ""];
                return;
        }
    }
}
