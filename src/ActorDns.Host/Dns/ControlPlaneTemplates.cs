using System.Text.Json;
using ActorDns.Host.Configuration;
using ActorDns.Server.Pipeline.Corefile;
using static ActorDns.ControlPlane.Templates.CorefileTemplateProtocol;

namespace ActorDns.Host.Dns;

/// <summary>
/// The control plane's Corefile template on both sides of the cluster (SPEC §4.6). On a control-plane node: the
/// <c>bootstrapServer.corefileTemplatePath</c> file, validated before it is offered and re-read when it changes. On a
/// resolver: what the control plane sends, handed to the DNS server and kept in <c>&lt;data-dir&gt;/corefile-template.json</c>,
/// so a resolver restarted while the control plane is down runs it again.
/// </summary>
public sealed class ControlPlaneTemplates(ActorDnsOptions options)
{
    private const string CacheName = "corefile-template.json";

    private string CachePath => Path.Combine(options.DataDir, CacheName);

    /// <summary>Set by the DNS server of a resolver: where a template from the control plane goes.</summary>
    public Action<CorefileSource?>? Apply { get; set; }

    /// <summary>What a control-plane node offers: its bootstrap template, or none.</summary>
    public TemplateOffer Offered() =>
        options.BootstrapCorefileTemplate is { } path
            ? new TemplateOffer(path, CorefileSource.Read(Setting.BootstrapCorefileTemplate, path).Text)
            : new TemplateOffer(null, null);

    /// <summary>
    /// On a control-plane node: watches the bootstrap file and tells <paramref name="offer"/> each change that compiles;
    /// one that does not is logged and not offered. Null when the node has no bootstrap template.
    /// </summary>
    public IDisposable? WatchBootstrap(Action<TemplateOffer> offer, Action<string> refused)
    {
        if (options.BootstrapCorefileTemplate is not { } path)
        {
            return null;
        }

        return new FileWatch(path, DnsServerService.WatchInterval, () =>
        {
            try
            {
                var template = CorefileSource.Read(Setting.BootstrapCorefileTemplate, path);
                ResolverPipelines.Validate(template, options);
                offer(new TemplateOffer(path, template.Text));
            }
            catch (OptionsException e)
            {
                refused(e.Message);
            }
        });
    }

    /// <summary>On a resolver: a template from the control plane, kept on disk and applied.</summary>
    public void Received(TemplateOffer template)
    {
        var source = template.Text is null ? null : new CorefileSource($"control-plane:{template.Source}", template.Text);
        try
        {
            if (source is null)
            {
                File.Delete(CachePath);
            }
            else
            {
                Directory.CreateDirectory(options.DataDir);
                var temporary = CachePath + ".tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(new CachedTemplate(source.Source, source.Text)));
                File.Move(temporary, CachePath, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The running pipelines take the template anyway; only a restart without the control plane would miss it.
        }

        Apply?.Invoke(source);
    }

    /// <summary>The template a resolver last received, from its data dir; null when there is none or it cannot be read.</summary>
    public CorefileSource? Cached()
    {
        try
        {
            return File.Exists(CachePath) && JsonSerializer.Deserialize<CachedTemplate>(File.ReadAllText(CachePath)) is { Source: { } source, Text: { } text }
                ? new CorefileSource(source, text)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private sealed record CachedTemplate(string? Source, string? Text);
}
