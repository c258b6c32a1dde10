using System.Globalization;
using System.Net;
using System.Text;
using ActorDns.Protocol;

namespace ActorDns.Server.Query;

/// <summary>
/// A resolver's last table on disk (SPEC §4.5), so a resolver restarted while the control plane is down
/// still answers every name it knew. Text, one name per line: <c>actordns-zone 2 &lt;version&gt;</c>, then
/// <c>&lt;name&gt; [srv=&lt;port&gt;] &lt;ip&gt; [&lt;ip&gt;...]</c> (version 1 files, without <c>srv=</c>, are read too).
/// Written to a temporary file and renamed over the old one, so a reader sees either the old table or the new one,
/// never half of one.
/// </summary>
public static class ZoneCacheFile
{
    private const string Magic = "actordns-zone ";
    private const string FirstFormat = "1";
    private const string Current = "2";
    private const string SrvField = "srv=";

    public static string PathFor(string directory, string mesh) => Path.Combine(directory, $"zone-{mesh}.cache");

    public static void Write(string path, ZoneTable table)
    {
        var text = new StringBuilder(table.Count * 32);
        text.Append(CultureInfo.InvariantCulture, $"{Magic}{Current} {table.Version}\n");
        foreach (var entry in table.Entries())
        {
            text.Append(DnsName.ToText(entry.Name));
            if (entry.SrvPort is { } port)
            {
                text.Append(CultureInfo.InvariantCulture, $" {SrvField}{port}");
            }

            foreach (var address in entry.Addresses(includeSynthesizedIpv6: false))
            {
                text.Append(' ').Append(address);
            }

            text.Append('\n');
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temporary, text.ToString());
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            // A full disk leaves a partial file behind; what space it took is given back, and the old cache stays.
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Reads a cache file; false (and no table) when it is missing or not a cache file this version wrote.</summary>
    public static bool TryRead(string path, ZoneSettings settings, out ZoneTable table)
    {
        table = null!;
        if (!File.Exists(path))
        {
            return false;
        }

        using var reader = new StreamReader(path);
        var header = reader.ReadLine();
        var headerFields = header?.Split(' ');
        if (headerFields is not [var magic, var format, var versionText] || magic + " " != Magic || format is not (FirstFormat or Current)
            || !long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        var records = new List<ZoneRecord>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var first = 1;
            ushort? srvPort = null;
            if (fields.Length > 1 && fields[1].StartsWith(SrvField, StringComparison.Ordinal))
            {
                if (!ushort.TryParse(fields[1].AsSpan(SrvField.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    return false;
                }

                srvPort = port;
                first = 2;
            }

            var addresses = new List<IPAddress>(fields.Length);
            foreach (var field in fields.Skip(first))
            {
                if (!IPAddress.TryParse(field, out var address))
                {
                    return false;
                }

                addresses.Add(address);
            }

            if (fields.Length <= first)
            {
                return false;
            }

            records.Add(new ZoneRecord(fields[0], addresses) { SrvPort = srvPort });
        }

        table = ZoneTable.Create(settings, version, records);
        return true;
    }
}
